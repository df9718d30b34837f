// Separate source and channel coding, the classical baseline: the transmitter codes each image with a
// still-image codec — at full size or downscaled 2, 4 or 8 times, at the quality where the bits meet the
// budget, whichever decodes closest to the image (it has the image, so it can compare) — within the capacity
// of the same k complex symbols DeepJSCC sends; an ideal capacity-achieving channel code carries the bits
// error-free, the receiver decodes and upsamples bilinearly (jpeg_budget.ts). Capacity per image:
// k·log2(1 + SNR_eff) with SNR_eff the receive step's effective SNR — over AWGN the nominal SNR; over block
// Rayleigh fading |h|²·SNR, the instantaneous capacity with h known at both ends; over fast fading and
// OFDM the mean gain, which by Jensen's inequality bounds the per-symbol (per-subcarrier) sum
// Σ log2(1 + |h_j|²·SNR) from above. Every choice favours the baseline. When nothing fits the receiver
// has nothing, and outputs mid-grey (the cliff effect). Only the photo's own pixels are coded, not the
// padding DeepJSCC's stride adds (the padded rows and columns repeat the edge).
import { tensor } from '../../kernels/create.js';
import { JPEG_CODEC, separationBaseline, type StillCodec } from '../jpeg_budget.js';
import type { Method } from '../method.js';
import { noGrad } from '../../engine/autograd.js';
import { cropRegion, padRegion } from '../region.js';

/** The separation method with a codec (name: the method's name; label: the column's title). */
export function separationWith(codec: StillCodec, name: string, label: string): Method {
  return {
    name,
    label,
    needs: [],
    async reconstruct({ system, sourceImages, effSnrDb, region, symbols }) {
      const padded = sourceImages();
      const x = region ? noGrad(() => cropRegion(padded, region)) : padded;
      try {
        const { out } = await separationBaseline(await x.data(), x.shape, symbols, await effSnrDb.data(), codec);
        const r = tensor(system.engine, out, x.shape);
        if (!region) return r;
        const full = noGrad(() => padRegion(r, padded.shape[2], padded.shape[3]));
        r.dispose();
        return full;
      } finally {
        x.dispose();
        if (x !== padded) padded.dispose();
      }
    },
  };
}

export const separation = separationWith(JPEG_CODEC, 'separation', 'JPEG + capacity');
