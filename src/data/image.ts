// Image codecs and resampling on the host: PNG (fast-png) and JPEG (jpeg-js) decode, PNG encode,
// centre crop and area/bilinear resize. Pure JS, so Node and the browser share it.
import { decode as decodePngRaw, encode as encodePngRaw } from 'fast-png';
import jpeg from 'jpeg-js';

/** 8-bit RGB, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Decodes PNG or JPEG bytes to RGB; `name` identifies the image in errors. */
export function decodeImage(bytes: Uint8Array, name = 'image'): RgbImage {
  if (isPng(bytes)) {
    let png;
    try {
      png = decodePngRaw(bytes);
    } catch (e) {
      throw new Error(`${name}: malformed PNG (${(e as Error).message})`);
    }
    const { width, height, channels } = png;
    const src = png.data;
    const depth = png.depth;
    const out = new Uint8Array(width * height * 3);
    const scale = depth === 16 ? 1 / 257 : 1;
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) {
        const ch = channels >= 3 ? c : 0; // grey (+alpha) → replicate
        out[i * 3 + c] = Math.round(src[i * channels + ch] * scale);
      }
    }
    if (png.palette) throw new Error(`${name}: palette PNGs are not supported`);
    return { width, height, data: out };
  }
  if (isJpeg(bytes)) {
    let img;
    try {
      img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 512 });
    } catch (e) {
      throw new Error(`${name}: malformed JPEG (${(e as Error).message})`);
    }
    const n = img.width * img.height;
    const d = img.data as Uint8Array;
    if (d.length === n * 3) return { width: img.width, height: img.height, data: new Uint8Array(d) };
    // grey JPEGs come back with one channel per pixel
    const out = new Uint8Array(n * 3);
    const ch = d.length / n;
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = d[i * ch + Math.min(c, ch - 1)];
    return { width: img.width, height: img.height, data: out };
  }
  throw new Error(`${name}: not a PNG or JPEG file`);
}

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
