// InverseJSCC-style GAN-prior inversion: DeepJSCC's output y is taken as a degraded measurement, and the
// face GAN is inverted through the system's DeepJSCC over a noiseless channel (src/models/gan_inversion.ts):
// the reconstruction is the generator's image whose DeepJSCC reconstruction best matches y (MSE + λ·LPIPS).
import { invertGan } from '../../models/gan_inversion.js';
import { DEFAULT_INVERSE, resolveInverse } from '../inverse_settings.js';
import { missingModelError, modelFor } from '../missing.js';
import type { Method } from '../method.js';

export const inverse: Method = {
  name: 'inverse',
  label: 'InverseJSCC',
  needs: ['gan'],
  async reconstruct({ system, y, snr, effSnrDb, seed, firstImage, options }) {
    const gan = await system.gan();
    if (!gan) throw missingModelError('InverseJSCC', 'a face GAN', modelFor(system, 'gan', snr));
    const o = resolveInverse(options.inverse ?? DEFAULT_INVERSE, seed);
    if (o.lambda > 0 && !system.lpips) throw new Error('InverseJSCC: an LPIPS term (--inverse-lambda > 0) needs LPIPS weights; pass --inverse-lambda 0 to invert with MSE alone');
    const target = { jscc: system.jscc, lpips: system.lpips, snrDb: snr, decoderSnrDb: Array.from(await effSnrDb.data()) };
    const { image } = await invertGan(gan.model, target, y, { ...o, firstImage });
    return image;
  },
};
