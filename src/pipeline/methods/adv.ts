// The adversarially trained DeepJSCC (MSE + LPIPS + GAN loss, fine-tuned from the system's model): the batch
// is sent through it instead, and its decoder's output is the reconstruction. The channel draw is keyed as
// the system's (seed, image index), so it is the same noise — but added to other symbols, since its encoder
// differs: the methods share the noise, not the received symbols.
import { missingModelError, modelFor } from '../missing.js';
import type { Method } from '../method.js';

export const adv: Method = {
  name: 'adv',
  label: 'DeepJSCC-adv',
  needs: ['adv'],
  async reconstruct({ system, snr, send }) {
    const a = await system.adv();
    if (!a) throw missingModelError('DeepJSCC-adv', 'the adversarially trained DeepJSCC', modelFor(system, 'adv', snr));
    return send(a.model);
  },
};
