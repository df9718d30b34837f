import { describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePngRaw } from 'fast-png';
import jpeg from 'jpeg-js';
import { centerCropSquare, decodeImage, DEFAULT_MAX_PIXELS, encodePng, imagesToNchw, nchwToImages, resize, type RgbImage } from '../../src/data/image.js';
import { Batcher, batchOf, imageCachePath, loadImageSet, splitOf } from '../../src/data/folder.js';
import { imageGrid } from '../../src/data/grid.js';
import { testRng } from '../helpers.js';
import { chunk, makePng } from './png_bytes.js';

function randomImage(w: number, h: number, seed: number): RgbImage {
  const rng = testRng();
  void seed;
  return { width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, () => rng.int(0, 255)) };
}

describe('image codecs and resampling', () => {
  it('PNG encode → decode is lossless; 16-bit and grey PNGs decode to 8-bit RGB', () => {
    const img = randomImage(13, 7, 1);
    expect(decodeImage(encodePng(img))).toEqual(img);
    const grey16 = encodePngRaw({ width: 2, height: 1, data: Uint16Array.of(0, 65535), channels: 1, depth: 16 });
    expect(Array.from(decodeImage(grey16).data)).toEqual([0, 0, 0, 255, 255, 255]);
  });
  it('JPEG decodes close to its source', () => {
    const img = randomImage(16, 16, 2);
    const rgba = new Uint8Array(16 * 16 * 4);
    for (let i = 0; i < 256; i++) { rgba.set(img.data.subarray(i * 3, i * 3 + 3), i * 4); rgba[i * 4 + 3] = 255; }
    const smooth = rgba.map((v, i) => (i % 4 === 3 ? 255 : 128)); // a flat image survives JPEG almost exactly
    const bytes = jpeg.encode({ width: 16, height: 16, data: smooth }, 95).data;
    const d = decodeImage(new Uint8Array(bytes), 'flat.jpg');
    expect(d.width).toBe(16);
    expect(Math.max(...Array.from(d.data, (v) => Math.abs(v - 128)))).toBeLessThanOrEqual(2);
  });
  it('malformed files name the file and the problem', () => {
    expect(() => decodeImage(new Uint8Array([1, 2, 3]), 'x.bin')).toThrow(/x.bin: not a PNG or JPEG file/);
    const png = encodePng(randomImage(4, 4, 3));
    expect(() => decodeImage(png.subarray(0, 30), 'cut.png')).toThrow(/cut.png: malformed PNG/);
  });
  it('area resize preserves the mean; centre crop takes the middle square', () => {
    const img = randomImage(60, 60, 4);
    const small = resize(img, 20, 20);
    const mean = (d: Uint8Array) => d.reduce((a, b) => a + b, 0) / d.length;
    expect(Math.abs(mean(small.data) - mean(img.data))).toBeLessThan(0.6);
    const wide = randomImage(10, 4, 5);
    const sq = centerCropSquare(wide);
    expect(sq.width).toBe(4);
    expect(Array.from(sq.data.subarray(0, 3))).toEqual(Array.from(wide.data.subarray(3 * 3, 3 * 3 + 3)));
  });
  it('NCHW packing round-trips; the grid places tiles with gaps', () => {
    const imgs = [randomImage(5, 5, 6), randomImage(5, 5, 7)];
    const { data, shape } = imagesToNchw(imgs);
    expect(nchwToImages(data, shape)).toEqual(imgs);
    const g = imageGrid([imgs], 2);
    expect([g.width, g.height]).toEqual([2 * 5 + 3 * 2, 5 + 2 * 2]);
  });
});

/** Rows of random samples below 2^depth. */
function randomRows(w: number, h: number, channels: number, depth: number, rng = testRng()): number[][] {
  return Array.from({ length: h }, () => Array.from({ length: w * channels }, () => rng.int(0, 2 ** depth - 1)));
}

/** The RGB bytes a decoder must give for grey/RGB(+alpha) samples: scaled to 8 bits, grey replicated, alpha dropped. */
function expectedRgb(rows: number[][], channels: number, depth: number): number[] {
  const scale = 255 / (2 ** depth - 1);
  const out: number[] = [];
  for (const r of rows) {
    for (let x = 0; x < r.length / channels; x++) for (let c = 0; c < 3; c++) out.push(Math.round(r[x * channels + (channels >= 3 ? c : 0)] * scale));
  }
  return out;
}

describe('PNG bit depths, colour types and palettes', () => {
  it('1-, 2- and 4-bit greyscale decode sample by sample (rows padded to a byte)', () => {
    for (const depth of [1, 2, 4]) {
      const rows = randomRows(11, 3, 1, depth); // 11 pixels: rows end mid-byte
      const img = decodeImage(makePng({ width: 11, height: 3, depth, colorType: 0, rows }), `grey${depth}.png`);
      expect([img.width, img.height]).toEqual([11, 3]);
      expect(Array.from(img.data), `depth ${depth}`).toEqual(expectedRgb(rows, 1, depth));
    }
  });
  it('8- and 16-bit grey, grey+alpha, RGB and RGBA decode to 8-bit RGB (alpha dropped)', () => {
    for (const depth of [8, 16])
      for (const [colorType, channels] of [[0, 1], [4, 2], [2, 3], [6, 4]]) {
        const rows = randomRows(5, 4, channels, depth);
        const img = decodeImage(makePng({ width: 5, height: 4, depth, colorType, rows }), 'x.png');
        expect(Array.from(img.data), `depth ${depth}, colour type ${colorType}`).toEqual(expectedRgb(rows, channels, depth));
      }
  });
  it('indexed PNGs of 1, 2, 4 and 8 bits expand through the palette; a tRNS alpha is dropped', () => {
    const rng = testRng();
    for (const depth of [1, 2, 4, 8]) {
      const palette = Array.from({ length: 2 ** depth }, () => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]);
      const rows = randomRows(7, 3, 1, depth, rng);
      const want = rows.flat().flatMap((i) => palette[i]);
      const img = decodeImage(makePng({ width: 7, height: 3, depth, colorType: 3, rows, palette }), `pal${depth}.png`);
      expect(Array.from(img.data), `depth ${depth}`).toEqual(want);
      const alpha = palette.map(() => rng.int(0, 255));
      expect(Array.from(decodeImage(makePng({ width: 7, height: 3, depth, colorType: 3, rows, palette, alpha })).data)).toEqual(want);
    }
  });
  it('fast-png files decode too: its encoder, Adam7 interlacing at 8 and 16 bits', () => {
    const img = randomImage(9, 6, 11);
    expect(decodeImage(encodePngRaw({ width: 9, height: 6, data: img.data, channels: 3, depth: 8 }, { interlace: 'Adam7' }))).toEqual(img);
    const grey = Uint16Array.from({ length: 9 * 6 }, (_, i) => i * 1000);
    const d = decodeImage(encodePngRaw({ width: 9, height: 6, data: grey, channels: 1, depth: 16 }, { interlace: 'Adam7' }));
    expect(Array.from(d.data)).toEqual(Array.from(grey).flatMap((v) => [v, v, v].map((x) => Math.round(x / 257))));
  });
  it('bad palettes, bad depths, unsupported interlacing and corrupt chunks are clear errors', () => {
    const rows = [[0, 5, 1, 2]];
    const pal = [[0, 0, 0], [255, 255, 255], [9, 9, 9], [7, 7, 7]];
    expect(() => decodeImage(makePng({ width: 4, height: 1, depth: 4, colorType: 3, rows, palette: pal }), 'p.png')).toThrow(/p.png: malformed PNG \(pixel 1 uses colour 5 of a 4-colour palette\)/);
    expect(() => decodeImage(makePng({ width: 4, height: 1, depth: 4, colorType: 3, rows }), 'p.png')).toThrow(/p.png: malformed PNG \(indexed colour without a PLTE palette\)/);
    expect(() => decodeImage(makePng({ width: 2, height: 1, depth: 4, colorType: 2, rows: [[1, 2, 3, 4, 5, 6]] }), 'd.png')).toThrow(/d.png: malformed PNG \(bit depth 4 with colour type 2/);
    expect(() => decodeImage(makePng({ width: 8, height: 8, depth: 1, colorType: 0, rows: randomRows(8, 8, 1, 1), interlace: 1 }), 'i.png')).toThrow(/i.png: interlaced PNGs with bit depth 1 are not supported/);
    // stored (level 0) rows: a flipped pixel byte is still a valid zlib stream; only the chunk CRC catches it
    const png = makePng({ width: 4, height: 4, depth: 8, colorType: 0, rows: randomRows(4, 4, 1, 8), level: 0 });
    png[png.length - 12 - 4 - 8] ^= 0x10; // a byte of the last row, before the zlib checksum
    expect(() => decodeImage(png, 'crc.png')).toThrow(/crc.png: malformed PNG \(CRC mismatch for chunk IDAT/);
  });
});

describe('the pixel limit', () => {
  /** A PNG whose IHDR claims w × h, with no image data: refusing it must not need the data. */
  function pngClaiming(w: number, h: number): Uint8Array {
    const ihdr = new Uint8Array(13);
    new DataView(ihdr.buffer).setUint32(0, w);
    new DataView(ihdr.buffer).setUint32(4, h);
    ihdr.set([8, 2, 0, 0, 0], 8);
    return Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunk('IHDR', ihdr), ...chunk('IEND', new Uint8Array(0))]);
  }
  it('a header claiming a huge image is refused before decoding, naming the image, its size and the limit', () => {
    expect(DEFAULT_MAX_PIXELS).toBe(8192 * 8192);
    expect(() => decodeImage(pngClaiming(100_000, 100_000), 'huge.png')).toThrow(/huge.png: the PNG is 100000×100000 = 10000000000 pixels, over the limit of 67108864/);
    expect(() => decodeImage(pngClaiming(0, 5), 'empty.png')).toThrow(/empty.png: malformed PNG \(size 0×5 is empty\)/);
    const rgba = new Uint8Array(16 * 8 * 4).fill(200);
    const jpg = new Uint8Array(jpeg.encode({ width: 16, height: 8, data: rgba }, 90).data);
    const sof = jpg.findIndex((b, i) => b === 0xff && jpg[i + 1] === 0xc0);
    jpg.set([0xea, 0x60, 0xea, 0x60], sof + 5); // 60000 × 60000
    expect(() => decodeImage(jpg, 'huge.jpg')).toThrow(/huge.jpg: the JPEG is 60000×60000 = 3600000000 pixels, over the limit of 67108864/);
  });
  it('the limit is an option', () => {
    const png = encodePng(randomImage(13, 7, 12));
    expect(() => decodeImage(png, 'small.png', { maxPixels: 90 })).toThrow(/small.png: the PNG is 13×7 = 91 pixels, over the limit of 90/);
    expect(decodeImage(png, 'small.png', { maxPixels: 91 }).width).toBe(13);
    const rgba = new Uint8Array(16 * 8 * 4).fill(100);
    const jpg = new Uint8Array(jpeg.encode({ width: 16, height: 8, data: rgba }, 90).data);
    expect(() => decodeImage(jpg, 'small.jpg', { maxPixels: 127 })).toThrow(/small.jpg: the JPEG is 16×8 = 128 pixels, over the limit of 127/);
    expect(decodeImage(jpg, 'small.jpg', { maxPixels: 128 }).height).toBe(8);
  });
});

describe('datasets', () => {
  it('the split depends on the file name only (≈5 % validation)', () => {
    const names = Array.from({ length: 4000 }, (_, i) => `img_${i}.jpg`);
    const val = names.filter((n) => splitOf(join('/a', n)) === 'val').length;
    expect(val / names.length).toBeGreaterThan(0.03);
    expect(val / names.length).toBeLessThan(0.07);
    expect(names.every((n) => splitOf(join('/a', n)) === splitOf(join('/b/c', n)))).toBe(true);
  });
  it('unreadable files are skipped and reported; the rest load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'set-'));
    writeFileSync(join(dir, 'a.png'), encodePng(randomImage(8, 8, 8)));
    writeFileSync(join(dir, 'b.png'), encodePng(randomImage(8, 8, 9)));
    writeFileSync(join(dir, 'broken.jpg'), 'nope');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const set = loadImageSet(dir, 4, { cacheDir: null });
    expect(set.names).toEqual(['a.png', 'b.png']);
    expect(warn.mock.calls[0][0]).toMatch(/skipped 1 unreadable image.*broken.jpg/s);
    warn.mockRestore();
    expect(batchOf(set, [1]).length).toBe(3 * 16);
  });
  it('the cache returns the same pixels as decoding', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cache-'));
    writeFileSync(join(dir, 'a.png'), encodePng(randomImage(9, 9, 10)));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cc-'));
    const a = loadImageSet(dir, 8, { cacheDir });
    const b = loadImageSet(dir, 8, { cacheDir });
    expect(b.pixels).toEqual(a.pixels);
    expect(readFileSync(join(dir, 'a.png')).length).toBeGreaterThan(0);
  });
  it('the default cache folder is $COMMIN_DATASET_CACHE (the test run\'s own temporary folder), else .cache/datasets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'where-'));
    writeFileSync(join(dir, 'a.png'), encodePng(randomImage(9, 9, 11)));
    const files = [join(dir, 'a.png')];
    const runCache = process.env.COMMIN_DATASET_CACHE;
    expect(runCache).toMatch(/commin-test-cache-/);
    expect(imageCachePath(dir, 8, files)!.startsWith(join(runCache!, 'where-'))).toBe(true);
    loadImageSet(dir, 8);
    expect(existsSync(imageCachePath(dir, 8, files)!)).toBe(true);
    try {
      delete process.env.COMMIN_DATASET_CACHE;
      expect(imageCachePath(dir, 8, files)!.startsWith(join('.cache', 'datasets', 'where-'))).toBe(true);
    } finally {
      process.env.COMMIN_DATASET_CACHE = runCache;
    }
  });
  it('an image replaced by another of the same byte size rebuilds the cache (keyed by size and mtime)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stale-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cc-'));
    const flat = (v: number): RgbImage => ({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(v) });
    const [a, b] = [encodePng(flat(10)), encodePng(flat(200))];
    expect(b.length).toBe(a.length); // the same byte size, other pixels
    writeFileSync(join(dir, 'a.png'), a);
    utimesSync(join(dir, 'a.png'), 1_700_000_000, 1_700_000_000);
    expect(loadImageSet(dir, 8, { cacheDir }).pixels[0]).toBe(10);
    writeFileSync(join(dir, 'a.png'), b);
    utimesSync(join(dir, 'a.png'), 1_700_000_100, 1_700_000_100);
    expect(loadImageSet(dir, 8, { cacheDir }).pixels[0]).toBe(200);
  });
  it('bytes changed with the modification time put back rebuild the cache (keyed by a hash of the content too)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stale-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cc-'));
    const flat = (v: number): RgbImage => ({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(v) });
    const f = join(dir, 'a.png');
    writeFileSync(f, encodePng(flat(10)));
    utimesSync(f, 1_700_000_000, 1_700_000_000);
    expect(loadImageSet(dir, 8, { cacheDir }).pixels[0]).toBe(10);
    writeFileSync(f, encodePng(flat(200)));
    utimesSync(f, 1_700_000_000, 1_700_000_000); // size and time as before
    expect(loadImageSet(dir, 8, { cacheDir }).pixels[0]).toBe(200);
  });
  it('a dangling link and a link loop in the folder are skipped with a warning naming them; a linked folder is walked once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'links-'));
    writeFileSync(join(dir, 'a.png'), encodePng(randomImage(9, 9, 12)));
    symlinkSync(join(dir, 'missing.png'), join(dir, 'dangling.png'));
    symlinkSync(join(dir, 'loop2.png'), join(dir, 'loop1.png'));
    symlinkSync(join(dir, 'loop1.png'), join(dir, 'loop2.png'));
    symlinkSync(dir, join(dir, 'self')); // a folder linking to itself
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const set = loadImageSet(dir, 8, { cacheDir: null });
    expect(set.names).toEqual(['a.png']);
    const said = warn.mock.calls.flat().join('\n');
    warn.mockRestore();
    expect(said).toMatch(/skipped 3 broken link\(s\)/);
    expect(said).toMatch(/dangling\.png: ENOENT/);
    expect(said).toMatch(/loop1\.png: ELOOP/);
  });
  it('batches: every epoch visits each image once; the order is a function of (seed, step)', () => {
    const b = new Batcher(10, 4, 3);
    const epoch = [...b.indices(0), ...b.indices(1), ...b.indices(2)].slice(0, 10);
    expect([...epoch].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Batcher(10, 4, 3).indices(7)).toEqual(b.indices(7));
    expect(new Batcher(10, 4, 4).indices(0)).not.toEqual(b.indices(0));
  });
});
