// DPS's sampler settings as every caller names them, resolved here once (the CLI flags and the web page).
// Defaults chosen on 20 tuning faces at 1 dB (validation faces 100–119, outside the 100-face evaluation;
// `eval --methods dps --skip 100 --count 20 --snr 1`), PSNR / LPIPS:
//   from t = 100, 10 DDIM steps: ζ 0 21.02 / 0.169, ζ 0.3 21.07 / 0.170, ζ 1 21.01 / 0.184
//   from t = 400, 20 DDIM steps: ζ 0 19.06 / 0.129, ζ 1 20.29 / 0.117, ζ 3 20.50 / 0.136
// Near y (t = 100) the channel term has nothing to correct; from t = 400 the prior invents detail and the
// guidance pulls it back to the received symbols (+1.2 dB over ζ = 0, and lower LPIPS).
import type { DpsOptions } from '../models/dps.js';
import { resolveGuided, type GuidedSettings } from './guided_settings.js';

/** ζ of the channel guidance (per-image ‖ŷ − P(E(x̂0))‖, the gradient through encoder and U-Net). */
export const DEFAULT_DPS_ZETA = 1.0;
export const DEFAULT_DPS_START_T = 400;
export const DEFAULT_DPS_STEPS = 20;

export interface DpsSettings extends GuidedSettings {
  /** Read back per-step channel distances (for onStep). */
  diagnostics?: boolean;
}

export const DEFAULT_DPS: DpsSettings = {};

/** The sampler options these settings select, for one seed. */
export function resolveDps(o: DpsSettings, seed: number): DpsOptions {
  return { ...resolveGuided(o, { zeta: DEFAULT_DPS_ZETA, steps: DEFAULT_DPS_STEPS, startT: DEFAULT_DPS_START_T }, seed), diagnostics: o.diagnostics };
}
