// DPS's sampler settings as every caller names them, resolved here once (the CLI flags and the web page).
// The defaults follow CommIN's fast preset: 10 DDIM steps (η = 0) from y noised to t = 100.
import type { DpsOptions } from '../models/dps.js';
import { FAST_START_T, FAST_STEPS } from '../models/commin_presets.js';

/** ζ of the channel guidance: a placeholder until tuned on faces the evaluation does not use (eval --skip). */
export const DEFAULT_DPS_ZETA = 1.0;

export interface DpsSettings {
  zeta?: number;
  steps?: number;
  startT?: number;
  eta?: number;
  method?: 'ddpm' | 'ddim';
  clip?: boolean;
  /** Read back per-step channel distances (for onStep). */
  diagnostics?: boolean;
  profile?: boolean;
}

export const DEFAULT_DPS: DpsSettings = {};

/** The sampler options these settings select, for one seed. */
export function resolveDps(o: DpsSettings, seed: number): DpsOptions {
  const method = o.method ?? 'ddim';
  return {
    method, steps: method === 'ddim' ? (o.steps ?? FAST_STEPS) : undefined, eta: o.eta ?? 0, seed,
    zeta: o.zeta ?? DEFAULT_DPS_ZETA, startT: o.startT ?? FAST_START_T, clip: o.clip,
    diagnostics: o.diagnostics, profile: o.profile,
  };
}
