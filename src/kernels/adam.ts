// Adam / AdamW with one fused kernel launch per parameter tensor (shaders/adam.wgsl).
import { keep } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import { zeros } from './create.js';
import { grid1d, shapeStr } from './util.js';

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** true: AdamW (decoupled weight decay); false: L2 penalty added to the gradient (torch Adam). */
  decoupled?: boolean;
}

/** Adam / AdamW over a list of parameters (requiresGrad tensors), one fused kernel launch per parameter per update. */
export class Adam {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  step = 0;
  readonly m: Tensor[];
  readonly v: Tensor[];

  constructor(
    readonly params: Tensor[],
    opts: AdamOptions = {},
  ) {
    this.lr = opts.lr ?? 1e-3;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.decoupled = opts.decoupled ?? false;
    for (const p of params) if (!p.requiresGrad) throw new Error(`Adam: parameter ${p} does not require grad`);
    this.m = params.map((p) => keep(zeros(p.engine, p.shape)));
    this.v = params.map((p) => keep(zeros(p.engine, p.shape)));
  }

  /** Applies one update from each parameter's .grad (parameters without a gradient are skipped). */
  update(): void {
    this.step++;
    const bc1 = 1 - this.beta1 ** this.step;
    const bc2 = 1 - this.beta2 ** this.step;
    this.params.forEach((p, i) => {
      if (!p.grad || p.size === 0) return;
      const e = p.engine;
      e.launch('adam', {
        buffers: [p.buffer, p.grad.buffer, this.m[i].buffer, this.v[i].buffer],
        uniforms: {
          n: p.size,
          decoupled: this.decoupled ? 1 : 0,
          lr: this.lr,
          beta1: this.beta1,
          beta2: this.beta2,
          eps: this.eps,
          weightDecay: this.weightDecay,
          biasCorr1: bc1,
          biasCorr2: bc2,
        },
        workgroups: grid1d(e, p.size, 256),
        label: shapeStr(p.shape),
      });
    });
  }

  /** Disposes every parameter's .grad and sets it to null, before the next backward. */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Frees the moment tensors m and v (not the parameters). */
  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
