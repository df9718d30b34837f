// InverseJSCC-style GAN-prior inversion: DeepJSCC's output y is taken as a degraded measurement, and the
// face GAN is inverted through the system's DeepJSCC over a noiseless channel (src/algorithms/gan_inversion.ts):
// the reconstruction is the generator's image whose DeepJSCC reconstruction best matches y (MSE + λ·LPIPS).
// Each image: `restarts` random z, `iters` Adam steps on each, the best kept; then `iloIters` Adam steps on
// the generator's first `iloLayers` intermediate activations (ILO), each held within an L2 ball around where
// it started.
import { invertGan, type InversionOptions } from '../../algorithms/gan_inversion.js';
import { missingModelError, modelFor } from '../missing.js';
import { settingsOf, type Method } from '../method.js';

// Tuned on validation faces 100–119 at 1 dB (outside the 100-face evaluation) within a CPU budget of ~70
// steps per image (each step runs the generator, DeepJSCC and LPIPS forward and backward; 5–6 s per image
// on the 2-core CPU adapter): λ 0 / 0.1 / 1 gave PSNR 17.9 / 17.4 / 15.7 dB, LPIPS 0.283 / 0.268 / 0.287;
// ILO over 3 or 4 layers (radius 0.5 or 1) raised PSNR to 18.7 dB but LPIPS to 0.36–0.43 (images leave the
// GAN's range). Longer runs and more restarts remain options (--inverse-iters, --inverse-restarts).

/** Adam steps on z per restart. */
export const DEFAULT_INVERSE_ITERS = 50;
/** Random starts per image (run as one batch); the one with the lowest loss is kept. */
export const DEFAULT_INVERSE_RESTARTS = 1;
/** λ of the LPIPS term. */
export const DEFAULT_INVERSE_LAMBDA = 0.1;
/** Adam steps on each ILO layer's activation (0: z alone). */
export const DEFAULT_ILO_ITERS = 20;
/** ILO layers, optimised in turn: 1 the 4×4 map after the linear layer, 2 also the first upsampling stage's output. */
export const DEFAULT_ILO_LAYERS = 1;
/** Radius of each ILO ball, as a fraction of the starting activation's norm (per image). */
export const DEFAULT_ILO_RADIUS = 0.2;
export const DEFAULT_INVERSE_LR = 0.05;
export const DEFAULT_ILO_LR = 0.01;

export interface InverseSettings {
  iters?: number;
  restarts?: number;
  lambda?: number;
  iloIters?: number;
  iloLayers?: number;
  iloRadius?: number;
  lr?: number;
  iloLr?: number;
}

/** The inversion options these settings select, for one seed (the batch's first image is the caller's). */
export function resolveInverse(s: InverseSettings, seed: number): InversionOptions {
  return {
    iters: s.iters ?? DEFAULT_INVERSE_ITERS,
    restarts: s.restarts ?? DEFAULT_INVERSE_RESTARTS,
    lambda: s.lambda ?? DEFAULT_INVERSE_LAMBDA,
    iloIters: s.iloIters ?? DEFAULT_ILO_ITERS,
    iloLayers: s.iloLayers ?? DEFAULT_ILO_LAYERS,
    iloRadius: s.iloRadius ?? DEFAULT_ILO_RADIUS,
    lr: s.lr ?? DEFAULT_INVERSE_LR,
    iloLr: s.iloLr ?? DEFAULT_ILO_LR,
    seed,
  };
}

type Flags = { inverseIters?: number; inverseRestarts?: number; inverseLambda?: number; inverseIloIters?: number; inverseIloLayers?: number; inverseIloRadius?: number };

export const inverse: Method<InverseSettings> = {
  name: 'inverse',
  label: 'InverseJSCC',
  needs: ['gan'],
  settings: {
    defaults: {},
    flags: [
      { flags: '--inverse-iters <n>', description: `inverse: Adam steps on z per random start (default ${DEFAULT_INVERSE_ITERS})`, parse: 'nonNegativeInt' },
      { flags: '--inverse-restarts <n>', description: `inverse: random starts of z per image, the best kept (default ${DEFAULT_INVERSE_RESTARTS})`, parse: 'positiveInt' },
      { flags: '--inverse-lambda <x>', description: `inverse: weight of the LPIPS term ≥ 0 (default ${DEFAULT_INVERSE_LAMBDA}; 0 = MSE alone)`, parse: 'nonNegativeNumber' },
      { flags: '--inverse-ilo-iters <n>', description: `inverse: Adam steps on each intermediate layer after z (ILO; default ${DEFAULT_ILO_ITERS}, 0 = z alone)`, parse: 'nonNegativeInt' },
      { flags: '--inverse-ilo-layers <n>', description: `inverse: intermediate layers optimised in turn (default ${DEFAULT_ILO_LAYERS})`, parse: 'nonNegativeInt' },
      { flags: '--inverse-ilo-radius <x>', description: `inverse: each layer's ball radius, a fraction of its starting norm (default ${DEFAULT_ILO_RADIUS})`, parse: 'nonNegativeNumber' },
    ],
    fromFlags(flags) {
      const o = flags as Flags;
      return { iters: o.inverseIters, restarts: o.inverseRestarts, lambda: o.inverseLambda, iloIters: o.inverseIloIters, iloLayers: o.inverseIloLayers, iloRadius: o.inverseIloRadius };
    },
    summary: (s, { seed, file }) => ({ ...resolveInverse(s, seed), gan: file('gan') }),
  },
  async reconstruct({ system, y, snr, effSnrDb, seed, firstImage, options }) {
    const gan = await system.gan();
    if (!gan) throw missingModelError('InverseJSCC', 'a face GAN', modelFor(system, 'gan', snr));
    const o = resolveInverse(settingsOf(inverse, options), seed);
    if (o.lambda > 0 && !system.lpips) throw new Error('InverseJSCC: an LPIPS term (--inverse-lambda > 0) needs LPIPS weights; pass --inverse-lambda 0 to invert with MSE alone');
    const target = { jscc: system.jscc, lpips: system.lpips, snrDb: snr, decoderSnrDb: Array.from(await effSnrDb.data()) };
    const { image } = await invertGan(gan.model, target, y, { ...o, firstImage });
    return image;
  },
};
