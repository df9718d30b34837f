// The CommIN sampler: the diffusion sampler with an INN guidance hook. At each step the x̂0 estimate is
// decomposed by the INN, its coarse part is replaced by the one that matches the received image y, the INN
// is inverted (x_inn: details from the prior, coarse content from the channel), and x_{t−1} moves along
// −ζ·∇_{x_t} ‖x_inn − x̂0‖, one norm per image. By default the gradient flows through the U-Net and the
// INN forward, as in the reference code (INDIGO+); `innGradient: 'detached'` treats x_inn as a fixed target.
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import { add, affine, clamp, sqrt, square, sub } from '../kernels/elementwise.js';
import { sum } from '../kernels/reduce.js';
import { avgPool } from '../kernels/resample.js';
import type { Schedule } from './diffusion.js';
import type { Inn } from '../networks/inn.js';
import { guidanceRmsPerImage, sample, type Guidance, type GuidedRunOptions, type StepInfo } from './sampler.js';
import type { UNet } from '../networks/unet.js';
import type { Lpips } from '../metrics/lpips.js';

export interface CommInOptions extends GuidedRunOptions {
  /** 'l2' (the norm, as the reference code) or 'l2sq' (its square); per image either way. */
  distance?: 'l2' | 'l2sq';
  /**
   * 'inn-distance' (default, the CommIN paper): ‖x_inn − x̂0‖; 'indigo' (INDIGO+): w0·‖target(y) −
   * coarse(INN(x̂0))‖ + w1·LPIPS(x_inn, x̂0), which needs `lpips`.
   */
  loss?: 'inn-distance' | 'indigo';
  /** [w0, w1] of the 'indigo' loss (default [2.5, 1]). */
  weights?: [number, number];
  lpips?: Lpips;
  /** 'through' (default, the reference): ∇ through the INN forward too; 'detached': x_inn is a fixed target. */
  innGradient?: 'through' | 'detached';
  /** Per-step callback; with `diagnostics` it also gets the per-image guidance distances of that step. */
  onStep?: (info: StepInfo & { diagnostics?: CommInDiagnostics }) => void | Promise<void>;
  /** Read back ‖x_inn − x̂0‖ and ‖target(y) − coarse(INN(x̂0))‖ per image at every step (a GPU sync each). */
  diagnostics?: boolean;
}

/** Per-image distances at one step, in the [−1, 1] image range the guidance uses. */
export interface CommInDiagnostics {
  /** RMS per pixel of the guidance step ζ·∇_{x_t} (0 when ζ = 0). */
  guidanceRms: number[];
  /** ‖x_inn − x̂0‖: the guidance distance. */
  innDistance: number[];
  /** ‖target(y) − coarse(INN(x̂0))‖: how far the prior's estimate is from the channel's coarse content. */
  coarseResidual: number[];
}

export type { StepTimes } from './sampler.js';

/** Default ζ for the three SNRs of the reference evaluation, low to high. */
export function defaultZeta(snrDb: number): number {
  return snrDb <= 2 ? 0.3 : snrDb <= 5 ? 0.4 : 0.5;
}

/** The coarse target the INN's coarse part must match: y itself (undecimated) or y averaged over 2^J blocks. */
export function coarseTarget(inn: Inn, y01: Tensor): Tensor {
  return inn.cfg.mode === 'decimated' ? avgPool(y01, 2 ** inn.cfg.levels) : affine(y01, 1, 0);
}


/** Per-image L2 norm of a − b over all but the first axis, in the [−1, 1] range (a, b in [0, 1]). */
function normPerImage(a: Tensor, b: Tensor, squared: boolean): Tensor {
  const d2 = sum(square(affine(sub(a, b), 2, 0)), [1, 2, 3]);
  return squared ? d2 : sqrt(d2);
}

/** The INN guidance for the sampler; `last` holds the step's per-image distances when diagnostics are on. */
export function innGuidance(inn: Inn, target: Tensor, o: Pick<CommInOptions, 'zeta' | 'distance' | 'innGradient' | 'diagnostics' | 'loss' | 'weights' | 'lpips'>) {
  const indigo = o.loss === 'indigo';
  if (indigo && !o.lpips) throw new Error("CommIN: the 'indigo' loss needs LPIPS weights");
  const [w0, w1] = o.weights ?? [2.5, 1];
  const state: { last: { inn: Tensor; coarse: Tensor } | null } = { last: null };
  const guidance: Guidance = {
    zeta: o.zeta,
    frozen: inn.params.list(),
    loss(x0: Tensor): Tensor {
      const x0img = affine(x0, 0.5, 0.5);
      const through = (o.innGradient ?? 'through') === 'through';
      const code = through ? inn.forward(x0img) : noGrad(() => inn.forward(x0img));
      // the reference form: x_inn depends on x̂0 through its details, so the gradient reaches x_t through
      // the INN too; detached, x_inn is a constant of the step
      const xInn = inn.inverse({ coarse: target, details: code.details });
      const squared = (o.distance ?? 'l2') === 'l2sq';
      // INDIGO+: the coarse residual (through the INN forward) plus the perceptual distance of x_inn to x̂0
      const d = indigo
        ? add(affine(normPerImage(target, code.coarse, squared), w0, 0), affine(o.lpips!.distance(xInn, x0img), w1, 0))
        : normPerImage(xInn, x0img, squared);
      if (o.diagnostics) {
        state.last?.inn.dispose();
        state.last?.coarse.dispose();
        state.last = noGrad(() => ({ inn: keep(normPerImage(xInn, x0img, false)), coarse: keep(normPerImage(target, code.coarse, false)) }));
      }
      return sum(d);
    },
  };
  return { guidance, state };
}

/**
 * Reconstructs images from the received images y [N, 3, R, R] in [0, 1]. Returns x clamped to [0, 1].
 * The guidance distance is per image, so no image's step depends on another's.
 */
export async function comminSample(unet: UNet, inn: Inn, s: Schedule, y01: Tensor, o: CommInOptions): Promise<Tensor> {
  const target = keep(noGrad(() => coarseTarget(inn, y01)));
  const { guidance, state } = innGuidance(inn, target, o);
  const y = keep(noGrad(() => affine(y01, 2, -1)));
  try {
    const x = await sample(unet, s, [...y01.shape], {
      method: o.method, steps: o.steps, eta: o.eta, seed: o.seed, firstImage: o.firstImage, clip: o.clip, unetGradient: o.unetGradient, profile: o.profile,
      init: o.startT !== undefined ? { x0: y, startT: o.startT } : undefined,
      guidance,
      onStep: o.onStep && (async (info) => {
        const diagnostics = state.last ? { innDistance: Array.from(await state.last.inn.data()), coarseResidual: Array.from(await state.last.coarse.data()), guidanceRms: await guidanceRmsPerImage(info.guidanceStep) } : undefined;
        await o.onStep!({ ...info, diagnostics });
      }),
    });
    const out = noGrad(() => tidy(() => clamp(affine(x, 0.5, 0.5), 0, 1)));
    x.dispose();
    return out;
  } finally {
    state.last?.inn.dispose();
    state.last?.coarse.dispose();
    target.dispose();
    y.dispose();
  }
}
