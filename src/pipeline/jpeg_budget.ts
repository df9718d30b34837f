// The separation baseline's arithmetic, on the host: JPEG (jpeg-js) at the largest quality whose bits fit
// the channel capacity of an image's k complex symbols, as if a capacity-achieving channel code carried
// them without error. That code does not exist at finite k, so the baseline is a bound, favourable to
// separation: real codes need margin below capacity, and fail outright (no image) above it.
import jpeg from 'jpeg-js';

/** Shannon capacity of k complex channel uses at an SNR in dB, in bits: k·log2(1 + 10^(snr/10)). */
export function capacityBits(k: number, snrDb: number): number {
  return k * Math.log2(1 + 10 ** (snrDb / 10));
}

/** Bits the receiver needs for the quality: 1…100 in 7 bits. */
export const QUALITY_BITS = 7;

/**
 * Bits a jpeg-js file costs on the channel: its entropy-coded scan (after the SOS header, before EOI) and
 * the quality. The rest of the file is not sent: the receiver rebuilds it from the quality and the image
 * size it knows (jpeg-js scales the standard quantisation tables by the quality and always writes the
 * standard Huffman tables, 4:4:4, no restart markers).
 */
export function jpegBits(file: Uint8Array): number {
  let i = 2; // after SOI
  while (i + 4 <= file.length) {
    if (file[i] !== 0xff) throw new Error(`jpegBits: no marker at byte ${i}`);
    const len = (file[i + 2] << 8) | file[i + 3];
    if (file[i + 1] === 0xda) return 8 * (file.length - 2 - (i + 2 + len)) + QUALITY_BITS;
    i += 2 + len;
  }
  throw new Error('jpegBits: no SOS segment');
}

/** Image n of NCHW data in [0, 1] as RGBA bytes (what jpeg-js encodes). */
function rgbaOf(x: Float32Array, n: number, S: number): Uint8Array {
  const plane = S * S;
  const out = new Uint8Array(4 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) out[4 * p + c] = Math.round(255 * Math.min(1, Math.max(0, x[(3 * n + c) * plane + p])));
    out[4 * p + 3] = 255;
  }
  return out;
}

export function encodeJpeg(rgba: Uint8Array, S: number, quality: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: rgba, width: S, height: S }, quality).data);
}

export interface Coded { quality: number; bits: number; file: Uint8Array }

/** The largest quality 1…100 whose jpegBits fit `budget` bits (sizes are not monotone in quality: every quality is tried from the top); null when none does. */
export function largestQualityWithin(rgba: Uint8Array, S: number, budget: number): Coded | null {
  for (let q = 100; q >= 1; q--) {
    const file = encodeJpeg(rgba, S, q);
    const bits = jpegBits(file);
    if (bits <= budget) return { quality: q, bits, file };
  }
  return null;
}

/** What the receiver outputs when no quality fits: it knows nothing of the image, so mid-grey everywhere (the cliff). */
export const CLIFF_GREY = 0.5;

/**
 * The separation baseline on a batch x (NCHW in [0, 1], S×S): per image, JPEG at the largest quality that
 * fits capacityBits(k, effSnrDb[n]), decoded; mid-grey where none fits. Returns the reconstructions
 * (x's layout) and each image's quality (null: grey).
 */
export function separationBaseline(x: Float32Array, N: number, S: number, k: number, effSnrDb: ArrayLike<number>): { out: Float32Array; qualities: (number | null)[] } {
  const plane = S * S;
  const out = new Float32Array(N * 3 * plane).fill(CLIFF_GREY);
  const qualities: (number | null)[] = [];
  for (let n = 0; n < N; n++) {
    const coded = largestQualityWithin(rgbaOf(x, n, S), S, capacityBits(k, effSnrDb[n]));
    qualities.push(coded?.quality ?? null);
    if (!coded) continue;
    const img = jpeg.decode(coded.file, { useTArray: true, formatAsRGBA: true });
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) out[(3 * n + c) * plane + p] = img.data[4 * p + c] / 255;
  }
  return { out, qualities };
}
