// DDPM: the noise schedule, the forward noising, the ε-prediction training loss and EMA weights (the
// samplers are in sampler.ts). Data live in [−1, 1].
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import { tensor } from '../kernels/create.js';
import { add, mul, sub, affine } from '../kernels/elementwise.js';
import { randNormal } from '../kernels/random.js';
import { mse } from '../kernels/losses.js';
import type { UNet } from '../networks/unet.js';

export interface ScheduleConfig {
  kind: 'linear' | 'cosine';
  T: number;
  betaStart: number;
  betaEnd: number;
}

export const DEFAULT_SCHEDULE: ScheduleConfig = { kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02 };

export class Schedule {
  readonly betas: Float64Array;
  readonly alphaBars: Float64Array;

  constructor(readonly cfg: ScheduleConfig = DEFAULT_SCHEDULE) {
    const T = cfg.T;
    this.betas = new Float64Array(T);
    if (cfg.kind === 'linear') {
      for (let t = 0; t < T; t++) this.betas[t] = cfg.betaStart + ((cfg.betaEnd - cfg.betaStart) * t) / Math.max(1, T - 1);
    } else {
      // Nichol & Dhariwal: ᾱ(t) = cos²((t/T + s)/(1 + s)·π/2), β clipped at 0.999
      const f = (t: number) => Math.cos(((t / T + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
      for (let t = 0; t < T; t++) this.betas[t] = Math.min(1 - f(t + 1) / f(t), 0.999);
    }
    this.alphaBars = new Float64Array(T);
    let ab = 1;
    for (let t = 0; t < T; t++) {
      ab *= 1 - this.betas[t];
      this.alphaBars[t] = ab;
    }
  }

  get T(): number {
    return this.cfg.T;
  }

  /** ᾱ at t, with ᾱ(−1) = 1. */
  alphaBar(t: number): number {
    return t < 0 ? 1 : this.alphaBars[t];
  }
}

/** x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε per sample (t per sample). */
export function qSample(x0: Tensor, eps: Tensor, t: number[], s: Schedule): Tensor {
  const N = x0.shape[0];
  const a = tensor(x0.engine, t.map((ti) => Math.sqrt(s.alphaBar(ti))), [N, 1, 1, 1]);
  const b = tensor(x0.engine, t.map((ti) => Math.sqrt(1 - s.alphaBar(ti))), [N, 1, 1, 1]);
  return add(mul(x0, a), mul(eps, b));
}

/**
 * The DDPM training loss ‖ε − ε_θ(x_t, t)‖² for images x in [0, 1] (mapped to [−1, 1]), with t and ε
 * drawn from (seed, step): t on the host, ε on the GPU.
 */
export function diffusionLoss(model: UNet, x01: Tensor, s: Schedule, seed: number, step: number, rand: () => number): Tensor {
  const N = x01.shape[0];
  const t = Array.from({ length: N }, () => Math.min(s.T - 1, Math.floor(rand() * s.T)));
  const x0 = affine(x01, 2, -1);
  const eps = randNormal(x01.engine, x01.shape, { seed, offset: step });
  return mse(model.forward(qSample(x0, eps, t, s), t), eps);
}

/** Exponential moving average of parameters (kept apart from the trained ones). */
export class Ema {
  readonly shadow: Tensor[];
  constructor(
    readonly params: Tensor[],
    readonly decay = 0.999,
  ) {
    this.shadow = params.map((p) => keep(noGrad(() => affine(p, 1, 0))));
  }
  update(): void {
    noGrad(() =>
      this.shadow.forEach((e, i) => {
        // e ← e + (1 − d)(p − e)
        const next = tidy(() => add(e, affine(sub(this.params[i], e), 1 - this.decay, 0)));
        (this.shadow as Tensor[])[i] = keep(next);
        e.dispose();
      }),
    );
  }
  dispose(): void {
    for (const t of this.shadow) t.dispose();
  }
}
