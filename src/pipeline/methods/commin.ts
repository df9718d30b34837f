// CommIN: the diffusion prior guided by the INN for this SNR, starting from DeepJSCC's output. Its settings
// are a preset (models/commin_presets.ts) and flags that override single fields, resolved here once, so the
// CLI and the web page pick the same ζ, steps and start timestep for an SNR.
import { comminSample, type CommInOptions } from '../../algorithms/commin.js';
import { DEFAULT_PRESET, PRESETS, presetOptions, type PresetName } from '../../algorithms/commin_presets.js';
import type { Lpips } from '../../metrics/lpips.js';
import type { UnetGradient } from '../../algorithms/sampler.js';
import { missingModelError, modelFor } from '../missing.js';
import { samplingSteps } from '../sampling_steps.js';
import { settingsOf, type Method } from '../method.js';

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

type Flags = Partial<Omit<CommInSettings, 'diagnostics' | 'profile'>>;

export const commin: Method<CommInSettings> = {
  name: 'commin',
  label: 'CommIN',
  needs: ['prior', 'inn'],
  settings: {
    defaults: DEFAULT_COMMIN,
    flags: [
      { flags: '--preset <name>', description: 'CommIN: sampler settings — paper (DDPM, 1,000 steps), indigo (t 400, 100 DDIM steps, η 0.5, INN + LPIPS loss), fast (t 100, 10 DDIM steps)', choices: PRESETS, default: DEFAULT_PRESET },
      { flags: '--steps <n>', description: 'CommIN: DDIM steps (overrides the preset)', parse: 'positiveInt' },
      { flags: '--start-t <n>', description: "CommIN: start from y noised to this timestep (overrides the preset's)", parse: 'nonNegativeInt' },
      { flags: '--zeta <x>', description: "CommIN: guidance step size ≥ 0 (overrides the preset's; 0 = no guidance)", parse: 'nonNegativeNumber' },
      { flags: '--eta <x>', description: "CommIN: DDIM η (overrides the preset's)", parse: 'nonNegativeNumber' },
      { flags: '--inn-gradient <form>', description: "CommIN: the guidance gradient flows through the INN forward (reference) or treats x_inn as fixed (overrides the preset's)", choices: ['through', 'detached'] },
      { flags: '--unet-gradient <form>', description: "CommIN: the guidance gradient flows back through the U-Net (reference) or holds ε̂ fixed, ∇x̂0/√ᾱ_t (overrides the preset's)", choices: ['through', 'detached'] },
      { flags: '--no-clip', description: 'CommIN: do not clip the x̂0 estimate to [−1, 1] at each step' },
    ],
    fromFlags(flags, switches) {
      const f = flags as Flags;
      return {
        preset: f.preset ?? DEFAULT_PRESET, steps: f.steps, startT: f.startT, zeta: f.zeta, eta: f.eta,
        innGradient: f.innGradient, unetGradient: f.unetGradient, clip: f.clip, diagnostics: switches?.diagnostics, profile: switches?.profile,
      };
    },
    describe(s, snr, seed, lpips) {
      const c = resolveCommin(s, snr, seed, lpips);
      return { title: `CommIN (${s.preset} preset)`, method: c.method, startT: c.startT };
    },
    summary(s, { snrs, lpips }) {
      const perSnr = Object.fromEntries(snrs.map((snr) => {
        const c = resolveCommin(s, snr, 0, lpips);
        return [snr, { method: c.method, steps: c.steps ?? null, startT: c.startT ?? null, eta: c.eta ?? 0, zeta: c.zeta, loss: c.loss ?? 'inn-distance', innGradient: c.innGradient, unetGradient: c.unetGradient ?? 'through', clip: c.clip }];
      }));
      return { preset: s.preset, perSnr };
    },
  },
  async reconstruct({ system, y, snr, seed, firstImage, options, onStep }) {
    const prior = await system.prior();
    const inn = await system.inn(snr);
    if (!prior) throw missingModelError('CommIN', 'a diffusion prior', modelFor(system, 'prior', snr));
    if (!inn) throw missingModelError('CommIN', `an INN for ${snr} dB`, modelFor(system, 'inn', snr));
    const o = resolveCommin(settingsOf(commin, options), snr, seed, system.lpips);
    return comminSample(prior.model, inn.inn, prior.schedule, y, { ...o, firstImage, onStep });
  },
  steps(options, snr, schedule) {
    const o = settingsOf(commin, options);
    const p = presetOptions(o.preset, snr, 0);
    return samplingSteps(schedule, { method: p.method, steps: o.steps ?? p.steps, startT: o.startT ?? p.startT });
  },
};
