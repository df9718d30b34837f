// Image codecs and resampling on the host: PNG (fast-png) and JPEG (jpeg-js) decode, PNG encode,
// centre crop and area/bilinear resize. Pure JS, so Node and the browser share it. Decoding reads the
// size from the header first and refuses images over a pixel limit; every PNG bit depth and colour type
// (palettes included) becomes 8-bit RGB; any failure, the libraries' included, is an error naming the file.
import { decode as decodePngRaw, encode as encodePngRaw, type DecodedPng } from 'fast-png';
import jpeg from 'jpeg-js';

/** 8-bit RGB, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** The default pixel limit (8192 × 8192): a small file claiming a huge size must not exhaust memory. */
export const DEFAULT_MAX_PIXELS = 8192 * 8192;

export interface DecodeOptions {
  /** Refuse images with more pixels than this, read from the header before decoding. */
  maxPixels?: number;
}

/** Decodes PNG or JPEG bytes to RGB (alpha is dropped); `name` identifies the image in errors. */
export function decodeImage(bytes: Uint8Array, name = 'image', opts: DecodeOptions = {}): RgbImage {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (isPng(bytes)) return decodePng(bytes, name, maxPixels);
  if (isJpeg(bytes)) return decodeJpeg(bytes, name, maxPixels);
  throw new Error(`${name}: not a PNG or JPEG file`);
}

/** Refuses empty images and images over the pixel limit, before any pixel memory is allocated. */
function checkSize(width: number, height: number, name: string, kind: string, maxPixels: number): void {
  if (width === 0 || height === 0) throw new Error(`${name}: malformed ${kind} (size ${width}×${height} is empty)`);
  if (width * height > maxPixels) {
    throw new Error(`${name}: the ${kind} is ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels} (maxPixels)`);
  }
}

/** A library error's message, with its cause (fast-png wraps zlib errors and leaves the detail there). */
function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const msg = e.message.replace(/:\s*$/, '');
  return e.cause instanceof Error ? `${msg}: ${e.cause.message}` : msg;
}
const u32 = (b: Uint8Array, p: number) => ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
const chunkType = (b: Uint8Array, p: number) => String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3]);

// The bit depths the PNG spec allows per colour type: grey, RGB, indexed, grey+alpha, RGBA.
const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
}

/** Reads and checks the IHDR chunk; a later IHDR (which fast-png would obey) is refused, so the checked size holds. */
function readPngHeader(b: Uint8Array, name: string, maxPixels: number): PngHeader {
  const bad = (why: string) => new Error(`${name}: malformed PNG (${why})`);
  if (b.length < 33 || u32(b, 8) !== 13 || chunkType(b, 12) !== 'IHDR') throw bad('no IHDR header chunk');
  const h = { width: u32(b, 16), height: u32(b, 20), depth: b[24], colorType: b[25] };
  if (!PNG_DEPTHS[h.colorType]?.includes(h.depth)) throw bad(`bit depth ${h.depth} with colour type ${h.colorType} is not a valid combination`);
  if (b[28] > 1) throw bad(`unknown interlace method ${b[28]}`);
  // fast-png's Adam7 path treats each pixel as a whole byte, so sub-byte depths would decode to garbage
  if (b[28] === 1 && h.depth < 8) throw new Error(`${name}: interlaced PNGs with bit depth ${h.depth} are not supported; save it without interlacing`);
  checkPngChunks(b, bad);
  checkSize(h.width, h.height, name, 'PNG', maxPixels);
  return h;
}

/** Every chunk must fit in the file up to IEND (fast-png would run off the end with a bare RangeError). */
function checkPngChunks(b: Uint8Array, bad: (why: string) => Error): void {
  for (let p = 8; ; p += 12 + u32(b, p)) {
    if (p + 12 > b.length) throw bad(`cut short: the file ends at byte ${b.length}, before the IEND chunk`);
    const type = chunkType(b, p + 4);
    if (!/^[A-Za-z]{4}$/.test(type)) throw bad(`no chunk where one should start, at byte ${p}`);
    if (p + 12 + u32(b, p) > b.length) throw bad(`cut short: chunk ${JSON.stringify(type)} at byte ${p} claims ${u32(b, p)} bytes, past the end of the file`);
    if (type === 'IHDR' && p !== 8) throw bad('a second IHDR chunk');
    if (type === 'IEND') return;
  }
}

function decodePng(bytes: Uint8Array, name: string, maxPixels: number): RgbImage {
  const h = readPngHeader(bytes, name, maxPixels);
  let png: DecodedPng;
  try {
    png = decodePngRaw(bytes, { checkCrc: true });
  } catch (e) {
    throw new Error(`${name}: malformed PNG (${errorText(e)})`);
  }
  const { width, height, depth, channels } = png;
  if (width !== h.width || height !== h.height || depth !== h.depth) throw new Error(`${name}: malformed PNG (the decoder disagrees with the header)`);
  // below 8 bits fast-png returns the rows still packed (one channel: grey or palette index)
  const rowLen = depth < 8 ? Math.ceil((width * depth) / 8) : width * channels;
  if (png.data.length !== rowLen * height) throw new Error(`${name}: malformed PNG (${png.data.length} samples decoded, ${rowLen * height} expected)`);
  const samples = depth < 8 ? unpackBits(png.data as Uint8Array, width, height, depth) : png.data;
  const data = h.colorType === 3 ? expandPalette(samples, png.palette, name) : samplesToRgb(samples, width * height, channels, depth);
  return { width, height, data };
}

/** One sample per byte from rows of `depth`-bit samples packed high bit first, each row padded to a byte. */
function unpackBits(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * width + x] = (packed[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Grey, grey+alpha, RGB or RGBA samples of any depth to 8-bit RGB; grey is replicated, alpha dropped. */
function samplesToRgb(src: ArrayLike<number>, n: number, channels: number, depth: number): Uint8Array {
  const scale = 255 / (2 ** depth - 1);
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(src[i * channels + (channels >= 3 ? c : 0)] * scale);
  }
  return out;
}

function expandPalette(indices: ArrayLike<number>, palette: number[][] | undefined, name: string): Uint8Array {
  if (!palette?.length) throw new Error(`${name}: malformed PNG (indexed colour without a PLTE palette)`);
  const out = new Uint8Array(indices.length * 3);
  for (let i = 0; i < indices.length; i++) {
    const colour = palette[indices[i]];
    if (!colour) throw new Error(`${name}: malformed PNG (pixel ${i} uses colour ${indices[i]} of a ${palette.length}-colour palette)`);
    out[i * 3] = colour[0];
    out[i * 3 + 1] = colour[1];
    out[i * 3 + 2] = colour[2];
  }
  return out;
}

/** The frame size from the JPEG's SOF segment, or null when the segments cannot be followed (jpeg-js
 *  tolerates some such files; its own resolution limit then stands in). */
function readJpegSize(b: Uint8Array, name: string): { width: number; height: number } | null {
  for (let p = 2; p + 4 <= b.length; ) {
    if (b[p] !== 0xff) return null;
    const m = b[p + 1];
    if (m === 0xff) { p++; continue; } // fill byte
    if (m === 0x00 || m === 0x01 || m === 0xd8 || (m >= 0xd0 && m <= 0xd7)) { p += 2; continue; } // no length field
    if (m === 0xda || m === 0xd9) return null; // scan data or the end before any frame header
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (m > 0xc2) throw new Error(`${name}: unsupported JPEG coding (SOF${m - 0xc0}); only baseline and progressive Huffman JPEGs are decoded`);
      if (p + 9 > b.length) return null;
      return { height: (b[p + 5] << 8) | b[p + 6], width: (b[p + 7] << 8) | b[p + 8] };
    }
    p += 2 + ((b[p + 2] << 8) | b[p + 3]);
  }
  return null;
}

function decodeJpeg(bytes: Uint8Array, name: string, maxPixels: number): RgbImage {
  const size = readJpegSize(bytes, name);
  if (size) checkSize(size.width, size.height, name, 'JPEG', maxPixels);
  let img;
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: maxPixels / 1e6,
      // jpeg-js holds about 20 bytes per pixel while decoding; let its memory cap follow the pixel limit
      maxMemoryUsageInMB: Math.max(512, Math.ceil((maxPixels * 24) / 2 ** 20)),
    });
  } catch (e) {
    throw new Error(`${name}: malformed JPEG (${errorText(e)})`);
  }
  const { width, height } = img;
  const data = img.data as Uint8Array;
  if (size && (width !== size.width || height !== size.height)) throw new Error(`${name}: malformed JPEG (the decoder disagrees with the header)`);
  if (!size) checkSize(width, height, name, 'JPEG', maxPixels);
  if (data.length !== width * height * 3) throw new Error(`${name}: malformed JPEG (${data.length} bytes decoded for ${width}×${height} RGB)`);
  return { width, height, data };
}

/** An RGB image as PNG bytes (8 bits per channel). */
export function encodePng(img: RgbImage): Uint8Array {
  return encodePngRaw({ width: img.width, height: img.height, data: img.data, channels: 3, depth: 8 });
}

/** The largest centred square. */
export function centerCropSquare(img: RgbImage): RgbImage {
  const s = Math.min(img.width, img.height);
  const x0 = Math.floor((img.width - s) / 2);
  const y0 = Math.floor((img.height - s) / 2);
  const out = new Uint8Array(s * s * 3);
  for (let y = 0; y < s; y++) out.set(img.data.subarray(((y + y0) * img.width + x0) * 3, ((y + y0) * img.width + x0 + s) * 3), y * s * 3);
  return { width: s, height: s, data: out };
}

/** Resizes with area averaging when shrinking (no aliasing) and bilinear interpolation when growing. */
export function resize(img: RgbImage, width: number, height: number): RgbImage {
  if (img.width === width && img.height === height) return img;
  const out = new Uint8Array(width * height * 3);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const acc = [0, 0, 0];
      if (sx >= 1 && sy >= 1) {
        // average over the source footprint [x·sx, (x+1)·sx) × [y·sy, (y+1)·sy), with fractional edges
        let wsum = 0;
        const fx0 = x * sx, fx1 = fx0 + sx, fy0 = y * sy, fy1 = fy0 + sy;
        for (let yy = Math.floor(fy0); yy < Math.ceil(fy1); yy++) {
          const wy = Math.min(yy + 1, fy1) - Math.max(yy, fy0);
          for (let xx = Math.floor(fx0); xx < Math.ceil(fx1); xx++) {
            const w = wy * (Math.min(xx + 1, fx1) - Math.max(xx, fx0));
            const o = (yy * img.width + xx) * 3;
            for (let c = 0; c < 3; c++) acc[c] += w * img.data[o + c];
            wsum += w;
          }
        }
        for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = Math.round(acc[c] / wsum);
      } else {
        const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
        const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
        const x0 = Math.floor(fx), y0 = Math.floor(fy);
        const x1 = Math.min(x0 + 1, img.width - 1), y1 = Math.min(y0 + 1, img.height - 1);
        const ax = fx - x0, ay = fy - y0;
        for (let c = 0; c < 3; c++) {
          const p = (xx: number, yy: number) => img.data[(yy * img.width + xx) * 3 + c];
          const v = (1 - ay) * ((1 - ax) * p(x0, y0) + ax * p(x1, y0)) + ay * ((1 - ax) * p(x0, y1) + ax * p(x1, y1));
          out[(y * width + x) * 3 + c] = Math.round(v);
        }
      }
    }
  return { width, height, data: out };
}

/** Centre-crops to a square and resizes to size × size. */
export function toSquare(img: RgbImage, size: number): RgbImage {
  return resize(centerCropSquare(img), size, size);
}

/** Packs images of one size into NCHW float32 in [0, 1]. */
export function imagesToNchw(imgs: RgbImage[]): { data: Float32Array; shape: [number, number, number, number] } {
  const { width: W, height: H } = imgs[0];
  const out = new Float32Array(imgs.length * 3 * H * W);
  imgs.forEach((im, n) => {
    if (im.width !== W || im.height !== H) throw new Error(`images differ in size: ${W}×${H} and ${im.width}×${im.height}`);
    for (let i = 0; i < H * W; i++) for (let c = 0; c < 3; c++) out[(n * 3 + c) * H * W + i] = im.data[i * 3 + c] / 255;
  });
  return { data: out, shape: [imgs.length, 3, H, W] };
}

/** Unpacks NCHW float values (clamped to [0, 1]) to 8-bit RGB images. */
export function nchwToImages(data: Float32Array, shape: readonly number[]): RgbImage[] {
  const [N, C, H, W] = shape;
  if (C !== 3) throw new Error(`expected 3 channels, got shape [${shape.join(', ')}]`);
  const out: RgbImage[] = [];
  for (let n = 0; n < N; n++) {
    const d = new Uint8Array(H * W * 3);
    for (let i = 0; i < H * W; i++)
      for (let c = 0; c < 3; c++) d[i * 3 + c] = Math.round(Math.min(Math.max(data[(n * 3 + c) * H * W + i], 0), 1) * 255);
    out.push({ width: W, height: H, data: d });
  }
  return out;
}

/** The image grown to width × height by repeating its last column and row (the receiver crops them off again). */
export function padEdges(img: RgbImage, width: number, height: number): RgbImage {
  if (width < img.width || height < img.height) throw new Error(`padEdges: ${width}×${height} is smaller than the image (${img.width}×${img.height})`);
  if (width === img.width && height === img.height) return img;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const src = Math.min(y, img.height - 1) * img.width * 3;
    out.set(img.data.subarray(src, src + img.width * 3), y * width * 3);
    for (let x = img.width; x < width; x++) out.copyWithin((y * width + x) * 3, (y * width + img.width - 1) * 3, (y * width + img.width) * 3);
  }
  return { width, height, data: out };
}

/** The top-left width × height of an image. */
export function cropTopLeft(img: RgbImage, width: number, height: number): RgbImage {
  if (width > img.width || height > img.height) throw new Error(`cropTopLeft: ${width}×${height} is larger than the image (${img.width}×${img.height})`);
  if (width === img.width && height === img.height) return img;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) out.set(img.data.subarray(y * img.width * 3, (y * img.width + width) * 3), y * width * 3);
  return { width, height, data: out };
}
