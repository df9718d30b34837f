// DiffJSCC's reconstruction at this project's scale: the prior with a control branch on it (the ε-model of
// networks/control.ts, conditioned on DeepJSCC's output y and each image's SNR), sampled from y noised to an
// intermediate timestep, with an optional guidance ‖x̂0 − y‖.
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import { affine, clamp, sqrt, square, sub } from '../kernels/elementwise.js';
import { sum } from '../kernels/reduce.js';
import type { ControlNet } from '../networks/control.js';
import type { UNet } from '../networks/unet.js';
import type { Schedule } from './diffusion.js';
import { sample, type EpsModel, type Guidance, type GuidedRunOptions, type StepInfo } from './sampler.js';

/**
 * The prior with the branch on it, as the sampler takes an ε-model: forward(x, t) for one batch of
 * conditions (y in [−1, 1], one SNR per image). `params` lists both networks (held fixed while guiding).
 */
export function controlledUNet(prior: UNet, control: ControlNet, y: Tensor, snrDb: number[]): EpsModel {
  return {
    engine: prior.engine,
    params: { list: () => [...prior.params.list(), ...control.list()] },
    forward: (x: Tensor, t: number[]) => prior.forward(x, t, { control: control.residuals(x, t, y, snrDb) }),
  };
}

export interface DiffJsccOptions extends GuidedRunOptions {
  /** Start from y noised to this timestep. */
  startT: number;
  /** ζ of the optional guidance Σ_images ‖x̂0 − y‖ (in [−1, 1]); 0: none. */
  zeta: number;
  onStep?: (info: StepInfo) => void | Promise<void>;
}

/**
 * DiffJSCC's reconstruction: the prior with the control branch (conditioned on y and each image's SNR) as
 * the ε-model, sampled from y noised to `startT`. y01 [N, 3, S, S] is DeepJSCC's output in [0, 1]; returns
 * the reconstruction in [0, 1].
 */
export async function diffjsccSample(prior: UNet, control: ControlNet, s: Schedule, y01: Tensor, snrDb: number[], o: DiffJsccOptions): Promise<Tensor> {
  const y = keep(noGrad(() => affine(y01, 2, -1)));
  const guidance: Guidance | undefined = o.zeta > 0
    ? { zeta: o.zeta, loss: (x0) => sum(sqrt(sum(square(sub(x0, y)), [1, 2, 3]))) }
    : undefined;
  try {
    const x = await sample(controlledUNet(prior, control, y, snrDb), s, [...y01.shape], {
      method: o.method, steps: o.steps, eta: o.eta, seed: o.seed, firstImage: o.firstImage, clip: o.clip, unetGradient: o.unetGradient, profile: o.profile,
      init: { x0: y, startT: o.startT }, guidance, onStep: o.onStep,
    });
    const out = noGrad(() => tidy(() => clamp(affine(x, 0.5, 0.5), 0, 1)));
    x.dispose();
    return out;
  } finally {
    y.dispose();
  }
}
