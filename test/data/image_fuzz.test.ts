// Mutation fuzzing of the PNG and JPEG decoders: every mutant of a valid image either decodes to a
// consistent RGB image (width × height × 3 bytes, within the pixel limit) or is refused with an Error
// naming the file. A low pixel limit keeps each case fast, whatever size a mutated header claims.
import { describe, expect, it } from 'vitest';
import { encode as encodePngRaw } from 'fast-png';
import jpeg from 'jpeg-js';
import { decodeImage, encodePng, type RgbImage } from '../../src/data/image.js';
import { Rng } from '../reference/rng.js';
import { fuzz, genericMutators, type Mutator } from '../fuzz.js';
import { crc32, makePng } from './png_bytes.js';

const MAX_PIXELS = 1 << 16;

function randomRgb(w: number, h: number, rng: Rng): Uint8Array {
  return Uint8Array.from({ length: w * h * 3 }, () => rng.int(0, 255));
}

function checkImage(name: string) {
  return (img: RgbImage) => {
    expect(img.width > 0 && img.height > 0 && img.width * img.height <= MAX_PIXELS, `${name}: ${img.width}×${img.height}`).toBe(true);
    expect(img.data.length).toBe(img.width * img.height * 3);
  };
}

const u32 = (b: Uint8Array, p: number) => ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;

/** Recomputes every chunk's CRC, so a mutant gets past the CRC check into inflate, unfilter and palette code. */
function fixCrcs(b: Uint8Array): Uint8Array {
  const o = Uint8Array.from(b);
  for (let p = 8; p + 12 <= o.length; ) {
    const len = u32(o, p);
    if (p + 12 + len > o.length) break;
    new DataView(o.buffer).setUint32(p + 8 + len, crc32(o.subarray(p + 4, p + 8 + len)));
    p += 12 + len;
  }
  return o;
}

/** Sets one IHDR field (size, depth, colour type, methods) to an odd value, with a valid CRC. */
const ihdrField: Mutator = (b, rng) => {
  if (b.length < 33) return b;
  const o = Uint8Array.from(b);
  const view = new DataView(o.buffer);
  const field = rng.int(0, 6);
  const size = [0, 1, rng.int(1, 300), 2 ** 16, 2 ** 31, 2 ** 32 - 1][rng.int(0, 5)];
  if (field < 2) view.setUint32(16 + field * 4, size);
  else o[[24, 25, 26, 27, 28][field - 2]] = rng.uniform() < 0.5 ? [1, 2, 3, 4, 6, 8, 16][rng.int(0, 6)] : rng.int(0, 255);
  return fixCrcs(o);
};

function pngSeeds(rng: Rng): Uint8Array[] {
  const rows = (w: number, h: number, ch: number, depth: number) =>
    Array.from({ length: h }, () => Array.from({ length: w * ch }, () => rng.int(0, 2 ** depth - 1)));
  const palette = Array.from({ length: 16 }, () => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]);
  return [
    encodePng({ width: 8, height: 6, data: randomRgb(8, 6, rng) }),
    makePng({ width: 7, height: 5, depth: 4, colorType: 3, rows: rows(7, 5, 1, 4), palette, alpha: [0, 128, 255] }),
    makePng({ width: 9, height: 4, depth: 1, colorType: 0, rows: rows(9, 4, 1, 1), level: 0 }),
    makePng({ width: 3, height: 3, depth: 16, colorType: 6, rows: rows(3, 3, 4, 16) }),
    makePng({ width: 5, height: 4, depth: 2, colorType: 3, rows: rows(5, 4, 1, 2), palette: palette.slice(0, 4), level: 0 }),
    encodePngRaw({ width: 10, height: 7, data: randomRgb(10, 7, rng), channels: 3, depth: 8 }, { interlace: 'Adam7' }),
  ];
}

function jpegSeeds(rng: Rng): Uint8Array[] {
  const rgba = (w: number, h: number) => Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : 64 + ((i * 7) % 128) + rng.int(0, 8)));
  return [
    new Uint8Array(jpeg.encode({ width: 16, height: 16, data: rgba(16, 16) }, 80).data),
    new Uint8Array(jpeg.encode({ width: 24, height: 8, data: rgba(24, 8) }, 40).data),
    new Uint8Array(jpeg.encode({ width: 5, height: 3, data: rgba(5, 3) }, 95).data),
  ];
}

describe('image decoders under mutation fuzzing', () => {
  const formats = [
    // half the PNG byte-level mutants get valid CRCs again, to reach the decoder behind the CRC check
    { kind: 'PNG', name: 'fuzz.png', seeds: () => pngSeeds(new Rng(11)), seed: 5150, minRefused: 1000,
      mutators: [...genericMutators, ...genericMutators.map((m): Mutator => (b, rng) => fixCrcs(m(b, rng))), ihdrField, ihdrField] },
    { kind: 'JPEG', name: 'fuzz.jpg', seeds: () => jpegSeeds(new Rng(12)), seed: 8086, minRefused: 500, mutators: genericMutators },
  ];
  for (const f of formats) {
    it(`${f.kind}: 2,000 mutants decode consistently or fail with an Error naming the file`, () => {
      const r = fuzz({
        name: f.name,
        seeds: f.seeds(),
        cases: 2000,
        seed: f.seed,
        mutators: f.mutators,
        load: (bytes) => decodeImage(bytes, f.name, { maxPixels: MAX_PIXELS }),
        check: checkImage(f.name),
      });
      expect(r.loaded).toBeGreaterThan(50);
      expect(r.refused).toBeGreaterThan(f.minRefused);
      expect(r.slowestMs).toBeLessThan(1000);
    });
  }
});
