// How many sampling steps (onStep calls) a sampler setting takes: the methods' progress-bar counts.
import type { Schedule } from '../algorithms/diffusion.js';
import { samplerTimesteps } from '../algorithms/sampler.js';
import type { Tensor } from '../engine/tensor.js';

/** The number of timesteps (onStep calls) a DDPM or DDIM sampler visits on a schedule, from startT or the top. */
export function samplingSteps(s: Schedule, o: { method: 'ddpm' | 'ddim'; steps?: number; startT?: number }): number {
  // samplerTimesteps reads the start timestep only, never the start image
  const init = o.startT !== undefined ? { x0: undefined as unknown as Tensor, startT: o.startT } : undefined;
  return samplerTimesteps(s, { method: o.method, steps: o.steps, init }).length;
}
