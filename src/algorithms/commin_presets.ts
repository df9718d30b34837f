// Named CommIN sampler settings. Each is a complete set of sampler options; flags given by the user
// override single fields.
//   paper  — the CommIN paper's Algorithm 1: DDPM ancestral sampling over all 1,000 steps from pure noise,
//            ζ = 0.3 / 0.4 / 0.5 from low to high SNR, the INN distance ‖x_inn − x̂0‖.
//   indigo — the authors' later code (INDIGO+): y's restoration noised to t ≈ 400, 100 guided DDIM steps
//            with η = 0.5, loss 2.5·‖target(y) − coarse(INN(x̂0))‖ + 1·LPIPS(x_inn, x̂0), scale 3.5.
//   fast   — for the browser and the demo: y noised to t = 100, 10 DDIM steps (η = 0), ζ = 1 with x_inn a
//            fixed target of each step (no gradient through the INN). Chosen on 8 tuning faces at 1 dB (README):
//            with the gradient through the INN, ζ = 1 cost 0.7 dB and ζ·101/10 (the paper's guidance per
//            timestep over t = 100 … 0) 2 dB; detached, ζ = 1 lowered LPIPS (0.172 → 0.163) for 0.07 dB.
import { defaultZeta, type CommInOptions } from './commin.js';

export const PRESETS = ['paper', 'indigo', 'fast'] as const;
export type PresetName = (typeof PRESETS)[number];
export const DEFAULT_PRESET: PresetName = 'fast';

export const FAST_START_T = 100;
export const FAST_STEPS = 10;

export function presetOptions(name: PresetName, snrDb: number, seed: number): CommInOptions {
  switch (name) {
    case 'paper':
      return { method: 'ddpm', seed, zeta: defaultZeta(snrDb), loss: 'inn-distance', innGradient: 'through' };
    case 'indigo':
      return { method: 'ddim', steps: 100, eta: 0.5, startT: 400, seed, zeta: 3.5, loss: 'indigo', weights: [2.5, 1], innGradient: 'through' };
    case 'fast':
      return { method: 'ddim', steps: FAST_STEPS, eta: 0, startT: FAST_START_T, seed, zeta: 1, loss: 'inn-distance', innGradient: 'detached' };
    default:
      throw new Error(`unknown CommIN preset '${name as string}' (known: ${PRESETS.join(', ')})`);
  }
}
