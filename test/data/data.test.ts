import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePngRaw } from 'fast-png';
import jpeg from 'jpeg-js';
import { centerCropSquare, decodeImage, encodePng, imagesToNchw, nchwToImages, resize, type RgbImage } from '../../src/data/image.js';
import { Batcher, batchOf, loadImageSet, splitOf } from '../../src/data/folder.js';
import { imageGrid } from '../../src/data/grid.js';
import { testRng } from '../helpers.js';

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
  it('batches: every epoch visits each image once; the order is a function of (seed, step)', () => {
    const b = new Batcher(10, 4, 3);
    const epoch = [...b.indices(0), ...b.indices(1), ...b.indices(2)].slice(0, 10);
    expect([...epoch].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Batcher(10, 4, 3).indices(7)).toEqual(b.indices(7));
    expect(new Batcher(10, 4, 4).indices(0)).not.toEqual(b.indices(0));
  });
});
