// One photo through a loaded system, as an embedding page or script wants it: sent at its own size (the
// natural family: padded to the encoder's stride) or centre-cropped and resized (the 64×64 face family),
// once over the channel, reconstructed by each method, each result an image of the size that was sent.
import { tensor } from '../kernels/create.js';
import { imagesToNchw, nchwToImages, toSquare, type RgbImage } from '../data/image.js';
import { AWGN, type ChannelSpec } from '../channel/index.js';
import { FAMILIES } from './families.js';
import { padForJscc } from './region.js';
import { runBatch } from './run.js';
import { getMethod, REFERENCE_METHOD } from './methods/index.js';
import type { Method, MethodOptions } from './method.js';
import type { System } from './system.js';

export interface TransmitImageOptions {
  /** Channel SNR in dB. */
  snr: number;
  /** Channel noise seed: the same seed gives the same received symbols (default 0). */
  seed?: number;
  /** Reconstruction methods (default DeepJSCC alone). */
  methods?: Method[];
  channel?: ChannelSpec;
  /** Per-method settings (methodOptionsFromFlags, or each method's own object under its name). */
  options?: MethodOptions;
}

export interface TransmittedImage {
  /** What was sent: the photo itself, or its 64×64 square for the face family. */
  original: RgbImage;
  /** Complex channel symbols the photo was sent in. */
  symbols: number;
  /** Per method, in the order asked: its reconstruction and scores against `original` (LPIPS where the system has weights). */
  results: { method: string; label: string; image: RgbImage; psnr: number; ssim: number; lpips?: number }[];
}

/** Sends `image` once over the channel and reconstructs it with each method (see TransmitImageOptions). */
export async function transmitImage(system: System, image: RgbImage, o: TransmitImageOptions): Promise<TransmittedImage> {
  const { jscc } = system;
  const original = FAMILIES[system.family].ownSize ? image : toSquare(image, jscc.cfg.size);
  const sent = FAMILIES[system.family].ownSize ? padForJscc(original, jscc) : original;
  const { data, shape } = imagesToNchw([sent]);
  const x = tensor(system.engine, data, shape);
  const results: TransmittedImage['results'] = [];
  try {
    await runBatch(system, x, {
      methods: o.methods ?? [getMethod(REFERENCE_METHOD)], snr: o.snr, seed: o.seed ?? 0, channel: o.channel ?? AWGN, options: o.options,
      region: sent === original ? undefined : { height: original.height, width: original.width },
      visit: async ({ method, out, scores }) => {
        results.push({ method: method.name, label: method.label, image: nchwToImages(await out.data(), out.shape)[0], psnr: scores.psnr[0], ssim: scores.ssim[0], lpips: scores.lpips?.[0] });
      },
    });
  } finally {
    x.dispose();
  }
  return { original, symbols: jscc.symbolsFor(sent.height, sent.width), results };
}
