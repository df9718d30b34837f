// Posterior sampling through the channel (DPS, as DiffCom applies it to DeepJSCC): the diffusion sampler
// with a guidance hook whose loss is the distance of the received symbols to the symbols the x̂0 estimate
// would have been sent as — Σ_images ‖received − P(E(x̂0))‖, P the channel's power normalisation, E the
// DeepJSCC encoder. x_{t−1} = x'_{t−1} − ζ·∇_{x_t} loss, the gradient through the encoder and the U-Net
// (DeepJSCC held fixed). The noise itself is unknown to the receiver, so the distance never reaches 0: at
// the true image it is ‖w‖, about √(k·10^(−SNR/10)).
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import { affine, clamp, sqrt, square, sub } from '../kernels/elementwise.js';
import { sum } from '../kernels/reduce.js';
import { tensor } from '../kernels/create.js';
import type { DeepJSCC } from '../networks/deepjscc.js';
import type { Schedule } from './diffusion.js';
import { guidanceRmsPerImage, sample, type Guidance, type GuidedRunOptions, type StepInfo } from './sampler.js';
import type { UNet } from '../networks/unet.js';

export interface DpsOptions extends GuidedRunOptions {
  /** 'l2' (the norm, DiffCom's form) or 'l2sq' (its square); per image either way. */
  distance?: 'l2' | 'l2sq';
  /** Per-step callback; with `diagnostics` it also gets the per-image channel distances of that step. */
  onStep?: (info: StepInfo & { dps?: DpsDiagnostics }) => void | Promise<void>;
  /** Read back ‖received − P(E(x̂0))‖ per image at every step (an encoder pass and a GPU sync each). */
  diagnostics?: boolean;
}

/** Per-image values at one step. */
export interface DpsDiagnostics {
  /** ‖received − P(E(x̂0))‖ in channel symbols (real and imaginary parts), the guidance distance. */
  channelDistance: number[];
  /** RMS per pixel of the guidance step ζ·∇_{x_t} (empty when ζ = 0). */
  guidanceRms: number[];
}

/** Per-image ‖received − P(E(x01))‖ (squared: its square), [N]; `snr` is the per-image SNR tensor [N]. */
export function channelDistance(jscc: DeepJSCC, received: Tensor, x01: Tensor, snr: Tensor, squared = false): Tensor {
  const z = jscc.encode(x01, snr);
  const p = jscc.noiseless(z, snr);
  const d2 = sum(square(sub(received, p)), [1, 2, 3]);
  return squared ? d2 : sqrt(d2);
}

/** The channel guidance for the sampler: loss(x̂0) = Σ_images ‖received − P(E(x̂0·0.5 + 0.5))‖. */
export function channelGuidance(jscc: DeepJSCC, received: Tensor, snr: Tensor, o: Pick<DpsOptions, 'zeta' | 'distance'>): Guidance {
  return {
    zeta: o.zeta,
    frozen: jscc.params.list(),
    loss: (x0) => sum(channelDistance(jscc, received, affine(x0, 0.5, 0.5), snr, o.distance === 'l2sq')),
  };
}

async function perImage(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

/**
 * Reconstructs images from the received symbols [N, c, S/4, S/4] of `jscc` at `snrDb`; y01 (DeepJSCC's
 * output, [N, 3, S, S] in [0, 1]) is the start when `startT` is set. Returns x clamped to [0, 1].
 */
export async function dpsSample(unet: UNet, jscc: DeepJSCC, s: Schedule, received: Tensor, y01: Tensor, snrDb: number, o: DpsOptions): Promise<Tensor> {
  const N = y01.shape[0];
  if (received.shape[0] !== N) throw new Error(`DPS: ${received.shape[0]} received images for ${N} images y`);
  const snr = keep(tensor(jscc.engine, new Array<number>(N).fill(snrDb), [N]));
  const y = keep(noGrad(() => affine(y01, 2, -1)));
  const guidance = channelGuidance(jscc, received, snr, o);
  try {
    const x = await sample(unet, s, [...y01.shape], {
      method: o.method, steps: o.steps, eta: o.eta, seed: o.seed, firstImage: o.firstImage, clip: o.clip, unetGradient: o.unetGradient, profile: o.profile,
      init: o.startT !== undefined ? { x0: y, startT: o.startT } : undefined,
      guidance,
      onStep: o.onStep && (async (info) => {
        // from the step's x̂0 (the one the loss saw), so ζ = 0 runs report it too
        const dps = o.diagnostics ? {
          channelDistance: await perImage(noGrad(() => tidy(() => channelDistance(jscc, received, affine(info.x0, 0.5, 0.5), snr)))),
          guidanceRms: await guidanceRmsPerImage(info.guidanceStep),
        } : undefined;
        await o.onStep!({ ...info, dps });
      }),
    });
    const out = noGrad(() => tidy(() => clamp(affine(x, 0.5, 0.5), 0, 1)));
    x.dispose();
    return out;
  } finally {
    snr.dispose();
    y.dispose();
  }
}
