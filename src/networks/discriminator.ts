// PatchGAN discriminator for the adversarial DeepJSCC: 4×4 stride-2 convolutions with LeakyReLU 0.2, then a
// 4×4 stride-1 convolution to one logit per patch. Every conv weight is spectrally normalised as PyTorch's
// spectral_norm does it: a persistent unit vector u (not trained) advances by one power iteration per
// training step (powerIterate), and the forward divides W by σ = uᵀ·W·v with u, v constant, so the gradient
// flows through W in both the numerator and σ.
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import type { HostTensor } from '../engine/safetensors.js';
import { conv2d } from '../kernels/conv2d/index.js';
import { fill } from '../kernels/create.js';
import { add, div, sqrt, square } from '../kernels/elementwise.js';
import { matmul } from '../kernels/matmul.js';
import { randNormal } from '../kernels/random.js';
import { sum } from '../kernels/reduce.js';
import { fnv1a32 } from '../util/hash.js';
import { Params } from './params.js';

export interface DiscriminatorConfig {
  /** Channels of the stride-2 stages (each halves the image side). */
  channels: number[];
}

export const DEFAULT_DISCRIMINATOR: DiscriminatorConfig = { channels: [32, 64, 128] };
export const LEAKY_SLOPE = 0.2;

/** One conv of the net: weight, bias and its spectral-norm vectors u [Cout], v [Cin·k·k]. */
export interface SnConv {
  name: string;
  w: Tensor;
  b: Tensor;
  u: Tensor;
  v: Tensor;
  stride: number;
  leaky: boolean;
}

/** x / max(‖x‖, 1e-12) as torch's normalize (no gradient is taken through it). */
function normalize(x: Tensor): Tensor {
  return div(x, add(sqrt(sum(square(x))), fill(x.engine, [1], 1e-12)));
}

/** One power iteration of W [Cout, K] from u: v = norm(Wᵀu), u = norm(W·v). */
export function powerStep(w: Tensor, u: Tensor): { u: Tensor; v: Tensor } {
  return noGrad(() =>
    tidy(() => {
      const [cout] = w.shape;
      const wm = w.reshape([cout, w.size / cout]);
      const v = normalize(matmul(u.reshape([1, cout]), wm)).reshape([w.size / cout]);
      const u2 = normalize(matmul(wm, v.reshape([v.size, 1]))).reshape([cout]);
      return { u: u2, v };
    }),
  );
}

/** σ = uᵀ·W·v, a [1] tensor differentiable in W. */
export function spectralSigma(w: Tensor, u: Tensor, v: Tensor): Tensor {
  const [cout] = w.shape;
  const wm = w.reshape([cout, w.size / cout]);
  return matmul(matmul(u.reshape([1, cout]), wm), v.reshape([v.size, 1])).reshape([1]);
}

/** The forward of the net given its convs (spectral-normalised weights, LeakyReLU between). */
export function discriminatorForward(x: Tensor, convs: readonly SnConv[], slope: (cout: number) => Tensor): Tensor {
  let h = x;
  for (const c of convs) {
    const wsn = div(c.w, spectralSigma(c.w, c.u, c.v).reshape([1, 1, 1, 1]));
    h = conv2d(h, wsn, c.b, c.leaky ? { stride: c.stride, padding: 1, activation: 'prelu', slope: slope(c.w.shape[0]) } : { stride: c.stride, padding: 1 });
  }
  return h;
}

export class Discriminator {
  readonly params: Params;
  readonly convs: SnConv[] = [];
  private slopes = new Map<number, Tensor>();

  constructor(
    readonly engine: Engine,
    readonly cfg: DiscriminatorConfig = DEFAULT_DISCRIMINATOR,
    seed = 0,
  ) {
    if (cfg.channels.length < 1) throw new Error('discriminator: at least one stage');
    this.params = new Params(engine, seed);
    const chans = [3, ...cfg.channels, 1];
    for (let l = 0; l + 1 < chans.length; l++) {
      const name = `conv${l}`;
      const { w, b } = this.params.conv(name, [chans[l + 1], chans[l], 4, 4]);
      const last = l + 2 === chans.length;
      // u, v start as normalised Gaussians (as torch) and settle with 15 iterations (as torch's parametrisation)
      let u = keep(noGrad(() => tidy(() => normalize(randNormal(engine, [chans[l + 1]], { seed, offset: fnv1a32(`${name}.sn_u`) })))));
      let v = u;
      for (let i = 0; i < 15; i++) {
        const s = powerStep(w, u);
        if (v !== u) v.dispose();
        u.dispose();
        u = keep(s.u);
        v = keep(s.v);
      }
      this.convs.push({ name, w, b: b!, u, v, stride: last ? 1 : 2, leaky: !last });
    }
  }

  private slope(cout: number): Tensor {
    let s = this.slopes.get(cout);
    if (!s) this.slopes.set(cout, (s = keep(fill(this.engine, [cout], LEAKY_SLOPE))));
    return s;
  }

  /** Images [N, 3, H, W] in [0, 1] → logits [N, 1, H', W'] (H' = H/2^stages − 1). */
  forward(x: Tensor): Tensor {
    return discriminatorForward(x, this.convs, (c) => this.slope(c));
  }

  /** One power iteration of every conv (once per training step, before the discriminator's update). */
  powerIterate(): void {
    for (const c of this.convs) {
      const s = powerStep(c.w, c.u);
      c.u.dispose();
      c.v.dispose();
      c.u = keep(s.u);
      c.v = keep(s.v);
    }
  }

  /** The spectral-norm vectors as host tensors, `<prefix>convL.sn_u` / `.sn_v` (checkpointed with the weights). */
  async vectorsToHost(prefix = ''): Promise<Map<string, HostTensor>> {
    const out = new Map<string, HostTensor>();
    for (const c of this.convs) {
      out.set(`${prefix}${c.name}.sn_u`, { shape: [...c.u.shape], data: await c.u.data() });
      out.set(`${prefix}${c.name}.sn_v`, { shape: [...c.v.shape], data: await c.v.data() });
    }
    return out;
  }

  loadVectors(src: Map<string, HostTensor>, what: string, prefix = ''): void {
    for (const c of this.convs) {
      for (const [k, t] of [['sn_u', c.u], ['sn_v', c.v]] as const) {
        const h = src.get(`${prefix}${c.name}.${k}`);
        if (!h || h.data.length !== t.size) throw new Error(`${what}: spectral-norm vector '${prefix}${c.name}.${k}' missing or of the wrong size`);
        this.engine.write(t.buffer, h.data);
      }
    }
  }

  dispose(): void {
    this.params.dispose();
    for (const c of this.convs) {
      c.u.dispose();
      c.v.dispose();
    }
    for (const s of this.slopes.values()) s.dispose();
  }
}
