// The separation baseline's arithmetic, on the host: a still-image codec (JPEG here; AVIF from the Node CLI,
// avif_codec.ts) codes the image or a downscaled copy, whichever fits the channel capacity of an image's k
// complex symbols with the lowest MSE, as if a capacity-achieving channel code carried it without error. That
// code does not exist at finite k, so the baseline is a bound, favourable to separation: real codes need
// margin below capacity, and fail outright (no image) above it. jpeg-js encodes 4:4:4 only (no chroma
// subsampling option), so none is tried for JPEG.
import jpeg from 'jpeg-js';
import { resize, type RgbImage } from '../data/image.js';

/** Shannon capacity of k complex channel uses at an SNR in dB, in bits: k·log2(1 + 10^(snr/10)). */
export function capacityBits(k: number, snrDb: number): number {
  return k * Math.log2(1 + 10 ** (snrDb / 10));
}

/** Bits the receiver needs for the quality: 1…100 in 7 bits. */
export const QUALITY_BITS = 7;

/** A still-image codec for the baseline: the bits an image costs on the channel at a quality 1…100, and its decoding. */
export interface StillCodec {
  name: string;
  encode(img: RgbImage, quality: number): Promise<{ bits: number; decoded: () => Promise<RgbImage> }>;
}

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

/** jpeg-js's file of RGBA pixels, width × height (square when height is left out). */
export function encodeJpeg(rgba: Uint8Array, width: number, quality: number, height = width): Uint8Array {
  // jpeg-js returns Node's Buffer.from(bytes), which a browser lacks: there a stand-in that makes a Uint8Array
  // is in place for the (synchronous) call only, so no other code can see it
  const g = globalThis as { Buffer?: unknown };
  const standIn = g.Buffer === undefined;
  if (standIn) g.Buffer = { from: (bytes: ArrayLike<number>) => Uint8Array.from(bytes) };
  try {
    return new Uint8Array(jpeg.encode({ data: rgba, width, height }, quality).data);
  } finally {
    if (standIn) delete g.Buffer;
  }
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

/** Downscale factors the transmitter may choose (2 bits): 1, 1/2, 1/4, 1/8 of the side. */
export const SCALE_FACTORS = [1, 2, 4, 8] as const;
export const SCALE_BITS = 2;

/** What the transmitter sent for one image: downscale factor, quality, bits (codec + quality + scale) and the MSE the receiver ends with. */
export interface Choice { factor: number; quality: number; bits: number; mse: number }

/** Image n of NCHW data in [0, 1] as 8-bit RGB (what resize takes). */
function rgbOf(x: Float32Array, n: number, H: number, W: number): RgbImage {
  const plane = H * W;
  const data = new Uint8Array(3 * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) data[3 * p + c] = Math.round(255 * Math.min(1, Math.max(0, x[(3 * n + c) * plane + p])));
  return { width: W, height: H, data };
}

function rgbaFromRgb(img: RgbImage): Uint8Array {
  const out = new Uint8Array(4 * img.width * img.height).fill(255);
  for (let p = 0; p < img.width * img.height; p++) for (let c = 0; c < 3; c++) out[4 * p + c] = img.data[3 * p + c];
  return out;
}

/** 32-bit FNV-1a of bytes: the cache key of an image's pixels. */
function fnv1aBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h;
}

/**
 * A codec's encodings kept by (codec, size, pixels, quality), bounded: jpeg-js builds its tables anew on
 * every encode (~25 ms whatever the size), AVIF takes seconds, and an evaluation sends the same image at
 * several SNRs and bandwidth ratios.
 */
const encoded = new Map<string, { pixels: Uint8Array; codings: Map<number, Promise<{ bits: number; decoded: () => Promise<RgbImage> }>> }>();
function encodeCached(codec: StillCodec, img: RgbImage, quality: number): Promise<{ bits: number; decoded: () => Promise<RgbImage> }> {
  const k = `${codec.name}:${img.width}x${img.height}:${fnv1aBytes(img.data)}`;
  let entry = encoded.get(k);
  // the hash is a key, not a proof: an entry serves only the very same pixels
  if (!entry || entry.pixels.length !== img.data.length || !entry.pixels.every((v, i) => v === img.data[i])) {
    if (encoded.size >= 500) encoded.clear();
    entry = { pixels: img.data.slice(), codings: new Map() };
    encoded.set(k, entry);
  }
  let c = entry.codings.get(quality);
  if (!c) entry.codings.set(quality, (c = codec.encode(img, quality)));
  return c;
}

/** jpeg-js: the scan's bits (jpegBits), decoded by jpeg-js. */
export const JPEG_CODEC: StillCodec = {
  name: 'jpeg',
  async encode(img, quality) {
    const file = encodeJpeg(rgbaFromRgb(img), img.width, quality, img.height);
    return {
      bits: jpegBits(file),
      decoded: async () => {
        const d = jpeg.decode(file, { useTArray: true, formatAsRGBA: false });
        return { width: img.width, height: img.height, data: d.data };
      },
    };
  },
};

/**
 * At one downscale, the quality where the bits (the codec's, plus SCALE_BITS) cross the budget: quality q fits
 * and q + 1 does not (or q = 100 fits), found by bisection — sizes grow with quality nearly monotonically, and
 * 9 encodes instead of 100 keep the search affordable. null when even quality 1 does not fit.
 */
export async function qualityAtBudget(img: RgbImage, budget: number, codec: StillCodec = JPEG_CODEC): Promise<{ quality: number; bits: number; decoded: () => Promise<RgbImage> } | null> {
  const at = async (q: number) => { const c = await encodeCached(codec, img, q); return { quality: q, bits: c.bits + SCALE_BITS, decoded: c.decoded }; };
  let lo = await at(1);
  if (lo.bits > budget) return null;
  // 101 stands for "does not fit" until quality 100 is tried: the slow top qualities are coded only when needed
  let hi = 101;
  while (hi - lo.quality > 1) {
    const mid = await at((lo.quality + hi) >> 1);
    if (mid.bits <= budget) lo = mid;
    else hi = mid.quality;
  }
  return lo;
}

/**
 * The transmitter's choice for one image (it knows the image, so it can compare): per downscale factor
 * (area average; the receiver upsamples bilinearly) the quality at the budget, and of those the one whose
 * reconstruction has the lowest MSE to the original — a choice a real encoder could make the same way.
 * Returns the reconstruction at the image's size as 8-bit RGB, or null when nothing fits.
 */
export async function bestEncodingWithin(img: RgbImage, budget: number, codec: StillCodec = JPEG_CODEC): Promise<{ choice: Choice; decoded: RgbImage } | null> {
  const { width: W, height: H } = img;
  let best: { choice: Choice; decoded: RgbImage } | null = null;
  for (const factor of SCALE_FACTORS) {
    if (factor > 1 && (W < 8 * factor || H < 8 * factor)) continue; // nothing left to code
    const small = resize(img, Math.round(W / factor), Math.round(H / factor));
    const coded = await qualityAtBudget(small, budget, codec);
    if (!coded) continue;
    const decoded = resize(await coded.decoded(), W, H);
    let se = 0;
    for (let i = 0; i < decoded.data.length; i++) se += ((decoded.data[i] - img.data[i]) / 255) ** 2;
    const mse = se / decoded.data.length;
    if (!best || mse < best.choice.mse) best = { choice: { factor, quality: coded.quality, bits: coded.bits, mse }, decoded };
  }
  return best;
}

/**
 * The separation baseline on a batch x (NCHW in [0, 1], shape [N, 3, H, W]): per image, the encoding
 * bestEncodingWithin picks for capacityBits(k, effSnrDb[n]), decoded; mid-grey where none fits. Returns the
 * reconstructions (x's layout) and each image's choice (null: grey).
 */
export async function separationBaseline(
  x: Float32Array, shape: readonly number[], k: number, effSnrDb: ArrayLike<number>, codec: StillCodec = JPEG_CODEC,
): Promise<{ out: Float32Array; choices: (Choice | null)[] }> {
  const [N, , H, W] = shape;
  const plane = H * W;
  const out = new Float32Array(N * 3 * plane).fill(CLIFF_GREY);
  const choices: (Choice | null)[] = [];
  for (let n = 0; n < N; n++) {
    const best = await bestEncodingWithin(rgbOf(x, n, H, W), capacityBits(k, effSnrDb[n]), codec);
    choices.push(best?.choice ?? null);
    if (!best) continue;
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) out[(3 * n + c) * plane + p] = best.decoded.data[3 * p + c] / 255;
  }
  return { out, choices };
}
