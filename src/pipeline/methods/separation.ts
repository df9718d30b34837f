// Separate source and channel coding, the classical baseline: the transmitter JPEG-codes each image — at
// full size or downscaled 2, 4 or 8 times, at the quality where the bits meet the budget, whichever
// decodes closest to the image (it has the image, so it can compare) — within the capacity of the same k
// complex symbols DeepJSCC sends; an ideal capacity-achieving channel code carries the bits error-free, the
// receiver decodes the JPEG and upsamples it bilinearly (jpeg_budget.ts). Capacity per image:
// k·log2(1 + SNR_eff) with SNR_eff the receive step's effective SNR — over AWGN the nominal SNR; over block
// Rayleigh fading |h|²·SNR, the instantaneous capacity with h known at both ends; over fast fading and
// OFDM the mean gain, which by Jensen's inequality bounds the per-symbol (per-subcarrier) sum
// Σ log2(1 + |h_j|²·SNR) from above. Every choice favours the baseline. When nothing fits the receiver
// has nothing, and outputs mid-grey (the cliff effect).
import { tensor } from '../../kernels/create.js';
import { separationBaseline } from '../jpeg_budget.js';
import type { Method } from '../method.js';

export const separation: Method = {
  name: 'separation',
  label: 'JPEG + capacity',
  needs: [],
  async reconstruct({ system, sourceImages, effSnrDb }) {
    const x = sourceImages();
    const [N, , S] = x.shape;
    try {
      const { out } = separationBaseline(await x.data(), N, S, system.jscc.symbols, await effSnrDb.data());
      return tensor(system.engine, out, x.shape);
    } finally {
      x.dispose();
    }
  },
};
