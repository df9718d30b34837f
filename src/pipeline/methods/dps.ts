// DPS: the diffusion prior guided through the channel — each step's x̂0 is encoded by the system's DeepJSCC
// and pulled towards the received symbols (src/models/dps.ts). Starts from DeepJSCC's output y.
import { dpsSample } from '../../models/dps.js';
import { DEFAULT_DPS, resolveDps } from '../dps_settings.js';
import { missingModelError, modelFor } from '../missing.js';
import { samplingSteps } from '../sampling_steps.js';
import type { Method } from '../method.js';

export const dps: Method = {
  name: 'dps',
  label: 'DPS',
  needs: ['prior'],
  async reconstruct({ system, y, received, snr, seed, firstImage, options, onStep }) {
    const prior = await system.prior();
    if (!prior) throw missingModelError('DPS', 'a diffusion prior', modelFor(system, 'prior', snr));
    const o = resolveDps(options.dps ?? DEFAULT_DPS, seed);
    return dpsSample(prior.model, system.jscc, prior.schedule, received, y, snr, { ...o, firstImage, onStep });
  },
  steps(options, _snr, schedule) {
    return samplingSteps(schedule, resolveDps(options.dps ?? DEFAULT_DPS, 0));
  },
};
