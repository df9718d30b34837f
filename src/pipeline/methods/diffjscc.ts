// DiffJSCC at this project's scale (pixel space): the prior with a ControlNet-style branch conditioned on
// DeepJSCC's output y and each image's SNR (src/models/control.ts), sampled from y noised to an intermediate
// timestep; optional guidance ‖x̂0 − y‖ (ζ, default 0).
import { diffjsccSample } from '../../models/control.js';
import { DEFAULT_DIFFJSCC, resolveDiffJscc } from '../diffjscc_settings.js';
import { missingControlError, missingModelError, modelFor } from '../missing.js';
import { samplingSteps } from '../sampling_steps.js';
import type { Method, MethodOptions } from '../method.js';

const settings = (options: MethodOptions) => options.diffjscc ?? DEFAULT_DIFFJSCC;

export const diffjscc: Method = {
  name: 'diffjscc',
  label: 'DiffJSCC',
  needs: ['prior', 'control'],
  async reconstruct({ system, y, effSnrDb, snr, seed, firstImage, options, onStep }) {
    const prior = await system.prior();
    if (!prior) throw missingModelError('DiffJSCC', 'a diffusion prior', modelFor(system, 'prior', snr));
    const control = await system.control();
    if (!control) throw missingControlError(system, snr);
    // the branch is conditioned on the SNR the decoder saw (the effective one after equalisation)
    const snrs = Array.from(await effSnrDb.data());
    return diffjsccSample(prior.model, control.model, prior.schedule, y, snrs, { ...resolveDiffJscc(settings(options), seed), firstImage, onStep });
  },
  steps(options, _snr, schedule) {
    return samplingSteps(schedule, resolveDiffJscc(settings(options), 0));
  },
};
