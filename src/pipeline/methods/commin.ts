// CommIN: the diffusion prior guided by the INN for this SNR, starting from DeepJSCC's output.
import { comminSample } from '../../models/commin.js';
import { presetOptions } from '../../models/commin_presets.js';
import { DEFAULT_COMMIN, resolveCommin } from '../commin_settings.js';
import { missingModelError, modelFor } from '../missing.js';
import { samplingSteps } from '../sampling_steps.js';
import type { Method } from '../method.js';

export const commin: Method = {
  name: 'commin',
  label: 'CommIN',
  needs: ['prior', 'inn'],
  async reconstruct({ system, y, snr, seed, firstImage, options, onStep }) {
    const prior = await system.prior();
    const inn = await system.inn(snr);
    if (!prior) throw missingModelError('CommIN', 'a diffusion prior', modelFor(system, 'prior', snr));
    if (!inn) throw missingModelError('CommIN', `an INN for ${snr} dB`, modelFor(system, 'inn', snr));
    const o = resolveCommin(options.commin ?? DEFAULT_COMMIN, snr, seed, system.lpips);
    return comminSample(prior.model, inn.inn, prior.schedule, y, { ...o, firstImage, onStep });
  },
  steps(options, snr, schedule) {
    const o = options.commin ?? DEFAULT_COMMIN;
    const p = presetOptions(o.preset, snr, 0);
    return samplingSteps(schedule, { method: p.method, steps: o.steps ?? p.steps, startT: o.startT ?? p.startT });
  },
};
