// DiffJSCC at this project's scale (pixel space): the prior with a ControlNet-style branch conditioned on
// DeepJSCC's output y and each image's SNR (src/networks/control.ts), sampled from y noised to an intermediate
// timestep; optional guidance ‖x̂0 − y‖ (ζ, default 0). Defaults tuned with the committed control branch on
// validation faces 100–119 at 1 dB (outside the 100-face evaluation), PSNR / LPIPS: y noised to t = 400,
// 10 DDIM steps (η = 0): 20.29 / 0.115; t = 200, 10 steps: 20.85 / 0.128; t = 500, 20 steps: 19.74 / 0.123;
// t = 400, 10 steps with the guidance ζ = 1: 21.27 / 0.152 at 3× the time (DeepJSCC: 21.11 / 0.273). The
// lowest LPIPS is the default, as for DPS; ζ > 0 trades it for PSNR.
import { diffjsccSample, type DiffJsccOptions } from '../../algorithms/diffjscc.js';
import { guidedFlags, guidedSummary, resolveGuided, type GuidedSettings } from '../guided_settings.js';
import { missingModelError, modelFor } from '../missing.js';
import { samplingSteps } from '../sampling_steps.js';
import { settingsOf, type Method } from '../method.js';

export const DEFAULT_DIFFJSCC_START_T = 400;
export const DEFAULT_DIFFJSCC_STEPS = 10;
/** ζ of the optional guidance ‖x̂0 − y‖ (0: the controlled prior alone). */
export const DEFAULT_DIFFJSCC_ZETA = 0;
const DEFAULTS = { zeta: DEFAULT_DIFFJSCC_ZETA, steps: DEFAULT_DIFFJSCC_STEPS, startT: DEFAULT_DIFFJSCC_START_T };

export type DiffJsccSettings = GuidedSettings;

/** The sampler options these settings select, for one seed. */
export function resolveDiffJscc(o: DiffJsccSettings, seed: number): DiffJsccOptions {
  return resolveGuided(o, DEFAULTS, seed);
}

const flags = guidedFlags('diffjscc', 'diffjscc', DEFAULTS, 'step size ≥ 0 of the guidance ‖x̂0 − y‖', '0 = the controlled prior alone');

export const diffjscc: Method<DiffJsccSettings> = {
  name: 'diffjscc',
  label: 'DiffJSCC',
  needs: ['prior', 'control'],
  settings: {
    defaults: {},
    flags: flags.specs,
    fromFlags: (f, switches) => ({ ...flags.read(f), profile: switches?.profile }),
    describe: (s, _snr, seed) => {
      const d = resolveDiffJscc(s, seed);
      return { title: `DiffJSCC (ζ = ${d.zeta})`, method: d.method, startT: d.startT };
    },
    summary: (s, { seed, file }) => ({ ...guidedSummary(resolveDiffJscc(s, seed)), control: file('control') }),
  },
  async reconstruct({ system, y, effSnrDb, snr, seed, firstImage, options, onStep }) {
    const prior = await system.prior();
    if (!prior) throw missingModelError('DiffJSCC', 'a diffusion prior', modelFor(system, 'prior', snr));
    const control = await system.control();
    if (!control) throw missingModelError('DiffJSCC', 'a control branch on the prior', modelFor(system, 'control', snr));
    // the branch is conditioned on the SNR the decoder saw (the effective one after equalisation)
    const snrs = Array.from(await effSnrDb.data());
    return diffjsccSample(prior.model, control.model, prior.schedule, y, snrs, { ...resolveDiffJscc(settingsOf(diffjscc, options), seed), firstImage, onStep });
  },
  steps(options, _snr, schedule) {
    return samplingSteps(schedule, resolveDiffJscc(settingsOf(diffjscc, options), 0));
  },
};
