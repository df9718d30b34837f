// CommIN: the diffusion prior guided by the INN for this SNR, starting from DeepJSCC's output.
import { comminSample } from '../../models/commin.js';
import { DEFAULT_COMMIN, resolveCommin } from '../commin_settings.js';
import type { Method } from '../method.js';

export const commin: Method = {
  name: 'commin',
  label: 'CommIN',
  needs: ['prior', 'inn'],
  async reconstruct({ system, y, snr, seed, firstImage, options, onStep }) {
    const prior = await system.prior();
    const inn = await system.inn(snr);
    if (!prior) throw new Error(`CommIN needs a diffusion prior: '${system.source.paths.prior}' does not exist`);
    if (!inn) throw new Error(`CommIN needs an INN for ${snr} dB: '${system.source.paths.inn?.(snr)}' does not exist`);
    const o = resolveCommin(options.commin ?? DEFAULT_COMMIN, snr, seed, system.lpips);
    return comminSample(prior.model, inn.inn, prior.schedule, y, { ...o, firstImage, onStep });
  },
};
