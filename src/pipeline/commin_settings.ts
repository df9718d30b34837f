// CommIN's sampler settings as every caller names them — a preset and single-field overrides — resolved
// here once, so the CLI and the web page pick the same ζ, steps and start timestep for an SNR.
import type { CommInOptions } from '../models/commin.js';
import { DEFAULT_PRESET, presetOptions, type PresetName } from '../models/commin_presets.js';
import type { Lpips } from '../metrics/lpips.js';
import type { UnetGradient } from '../models/sampler.js';

export interface CommInSettings {
  preset: PresetName;
  steps?: number;
  startT?: number;
  zeta?: number;
  eta?: number;
  innGradient?: 'through' | 'detached';
  unetGradient?: UnetGradient;
  clip?: boolean;
  /** Read back per-step guidance distances (for onStep). */
  diagnostics?: boolean;
  /** Time U-Net and guidance per step (for onStep). */
  profile?: boolean;
}

export const DEFAULT_COMMIN: CommInSettings = { preset: DEFAULT_PRESET };

/** The sampler options these settings select, for one SNR and seed (`lpips` for the indigo loss). */
export function resolveCommin(o: CommInSettings, snrDb: number, seed: number, lpips?: Lpips | null): CommInOptions {
  const p = presetOptions(o.preset, snrDb, seed);
  if (p.loss === 'indigo' && !lpips) throw new Error("CommIN: the 'indigo' preset needs LPIPS weights (--lpips)");
  return {
    ...p, steps: o.steps ?? p.steps, startT: o.startT ?? p.startT, zeta: o.zeta ?? p.zeta, eta: o.eta ?? p.eta,
    innGradient: o.innGradient ?? p.innGradient, unetGradient: o.unetGradient ?? p.unetGradient, clip: o.clip, lpips: lpips ?? undefined,
    diagnostics: o.diagnostics, profile: o.profile,
  };
}
