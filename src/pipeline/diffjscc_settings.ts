// DiffJSCC's sampler settings as every caller names them, resolved here once. The defaults are placeholders
// until tuned on faces the evaluation does not use (eval --skip): 10 DDIM steps (η = 0) from y noised to
// t = 400 (the branch carries y into every step, so the start can be noisier than CommIN's t = 100), no guidance.
import type { DiffJsccOptions } from '../models/control.js';
import { resolveGuided, type GuidedSettings } from './guided_settings.js';

export const DEFAULT_DIFFJSCC_START_T = 400;
export const DEFAULT_DIFFJSCC_STEPS = 10;
/** ζ of the optional guidance ‖x̂0 − y‖ (0: the controlled prior alone). */
export const DEFAULT_DIFFJSCC_ZETA = 0;

export type DiffJsccSettings = GuidedSettings;

export const DEFAULT_DIFFJSCC: DiffJsccSettings = {};

/** The sampler options these settings select, for one seed. */
export function resolveDiffJscc(o: DiffJsccSettings, seed: number): DiffJsccOptions {
  return resolveGuided(o, { zeta: DEFAULT_DIFFJSCC_ZETA, steps: DEFAULT_DIFFJSCC_STEPS, startT: DEFAULT_DIFFJSCC_START_T }, seed);
}
