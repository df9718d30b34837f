// The separation baseline: JPEG of the image or a 2/4/8× downscale, at the quality where its bits meet the
// channel capacity of k complex symbols at the image's effective SNR, whichever decodes closest to the
// image; mid-grey when nothing fits (the cliff).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decodeImage, imagesToNchw, toSquare } from '../../src/data/image.js';
import { bestEncodingWithin, capacityBits, CLIFF_GREY, encodeJpeg, jpegBits, largestQualityWithin, qualityAtBudget, SCALE_BITS, separationBaseline } from '../../src/pipeline/jpeg_budget.js';
import { listImages } from '../../src/data/folder.js';
import { resize } from '../../src/data/image.js';
import { BUNDLED_FACES } from '../../src/cli/defaults.js';
import { getMethod, loadSystem, runBatch } from '../../src/pipeline/index.js';
import { fileSource } from '../../src/pipeline/file_source.js';
import { tensor } from '../../src/kernels/create.js';
import { DEFAULT_JSCC_MODEL, LPIPS_WEIGHTS } from '../../src/cli/defaults.js';
import { kodakCrop } from '../data_helpers.js';
import { useEngine } from '../helpers.js';

const S = 64;
const { data: x } = imagesToNchw([toSquare(decodeImage(new Uint8Array(readFileSync(kodakCrop('01')))), S)]);
const rgba = new Uint8Array(4 * S * S);
for (let p = 0; p < S * S; p++) {
  for (let c = 0; c < 3; c++) rgba[4 * p + c] = Math.round(255 * x[c * S * S + p]);
  rgba[4 * p + 3] = 255;
}

describe('separation bit budget', () => {
  it('capacity is k·log2(1 + SNR): 256 symbols at 1 dB carry 256·log2(1 + 10^0.1) bits', () => {
    expect(capacityBits(256, 1)).toBeCloseTo(256 * Math.log2(1 + 10 ** 0.1), 9);
    expect(capacityBits(256, 1)).toBeCloseTo(300.96, 2);
    expect(capacityBits(100, 0)).toBeCloseTo(100, 9);
  });

  it('counts the scan and the quality, not the headers the receiver rebuilds', () => {
    const file = encodeJpeg(rgba, S, 50);
    expect(jpegBits(file)).toBeLessThan(8 * file.length - 8 * 500); // tables and headers are ~600 bytes
    expect(jpegBits(file)).toBeGreaterThan(0);
  });

  it('encodes where there is no Buffer (a browser), the same bytes, and leaves no Buffer behind', () => {
    const inNode = encodeJpeg(rgba, S, 60);
    const g = globalThis as { Buffer?: unknown };
    const saved = g.Buffer;
    delete g.Buffer;
    try {
      const inBrowser = encodeJpeg(rgba, S, 60);
      expect(inBrowser).toEqual(inNode);
      expect('Buffer' in globalThis).toBe(false);
    } finally {
      g.Buffer = saved;
    }
  });

  it('picks the largest quality that fits: it fits and quality + 1 does not', () => {
    for (const snr of [15, 30]) {
      const budget = capacityBits(256, snr);
      const c = largestQualityWithin(rgba, S, budget)!;
      expect(c, `${snr} dB`).not.toBeNull();
      expect(c.bits).toBeLessThanOrEqual(budget);
      expect(jpegBits(encodeJpeg(rgba, S, c.quality))).toBe(c.bits);
      expect(jpegBits(encodeJpeg(rgba, S, c.quality + 1)), `quality ${c.quality + 1} at ${snr} dB`).toBeGreaterThan(budget);
    }
  });

  it('chooses a downscale and quality that fit, where the same scale at quality + 1 does not', async () => {
    const img = { width: S, height: S, data: new Uint8Array(3 * S * S).map((_, i) => rgba[4 * Math.floor(i / 3) + (i % 3)]) };
    for (const snr of [1, 4, 7, 15]) {
      const budget = capacityBits(256, snr);
      const { choice } = (await bestEncodingWithin(img, budget))!;
      expect(choice.bits, `${snr} dB`).toBeLessThanOrEqual(budget);
      // the transmitter's bits: the scan, 7 bits of quality and 2 of scale, of that scale's file
      const small = resize(img, S / choice.factor, S / choice.factor);
      const smallRgba = new Uint8Array(4 * small.width * small.width).fill(255);
      for (let p = 0; p < small.width * small.width; p++) for (let c = 0; c < 3; c++) smallRgba[4 * p + c] = small.data[3 * p + c];
      expect(jpegBits(encodeJpeg(smallRgba, small.width, choice.quality)) + SCALE_BITS).toBe(choice.bits);
      if (choice.quality < 100) expect(jpegBits(encodeJpeg(smallRgba, small.width, choice.quality + 1)) + SCALE_BITS, `${snr} dB`).toBeGreaterThan(budget);
      expect((await qualityAtBudget(small, budget))!.quality).toBe(choice.quality);
    }
  });

  it('at 1 dB with 256 symbols a downscaled JPEG fits and beats grey on every bundled face', async () => {
    const files = listImages(BUNDLED_FACES);
    const { data: faces } = imagesToNchw(files.map((f) => toSquare(decodeImage(new Uint8Array(readFileSync(f))), S)));
    const { out, choices } = await separationBaseline(faces, [files.length, 3, S, S], 256, files.map(() => 1));
    const P = 3 * S * S;
    choices.forEach((c, n) => {
      expect(c, files[n]).not.toBeNull();
      expect(c!.factor).toBeGreaterThan(1); // full size does not fit 301 bits
      let se = 0, grey = 0;
      for (let i = 0; i < P; i++) { se += (out[n * P + i] - faces[n * P + i]) ** 2; grey += (CLIFF_GREY - faces[n * P + i]) ** 2; }
      expect(10 * Math.log10(P / se), files[n]).toBeGreaterThan(10 * Math.log10(P / grey) + 3);
    });
  });

  it('at −10 dB (35 bits) and below nothing of this image fits 256 symbols: the receiver outputs mid-grey', async () => {
    for (const snr of [-10, -20]) {
      const { out, choices } = await separationBaseline(x, [1, 3, S, S], 256, [snr]);
      expect(choices).toEqual([null]);
      expect(out.every((v) => v === CLIFF_GREY)).toBe(true);
    }
    // with capacity enough, a decoded JPEG (at 30 dB half size at a high quality beats full size at a low one): close to the image
    const { out, choices } = await separationBaseline(x, [1, 3, S, S], 256, [30]);
    expect(choices[0]!.quality).toBeGreaterThan(50);
    const mse = out.reduce((a, v, i) => a + (v - x[i]) ** 2, 0) / out.length;
    expect(10 * Math.log10(1 / mse)).toBeGreaterThan(20);
  });
});

describe('separation method', () => {
  const engine = useEngine();
  it('runs in the pipeline on the effective SNR of the receive step (per image over Rayleigh)', async () => {
    const system = await loadSystem(engine(), fileSource({ jscc: DEFAULT_JSCC_MODEL, lpips: LPIPS_WEIGHTS }));
    const xt = tensor(engine(), [...x, ...x], [2, 3, S, S]);
    const got: Record<string, Float32Array> = {};
    const visit = async ({ method, out }: { method: { name: string }; out: { data(): Promise<Float32Array> } }) => { got[method.name] = await out.data(); };
    // −10 dB over AWGN: below the cliff, grey
    await runBatch(system, xt, { methods: [getMethod('separation')], snr: -10, seed: 0, visit });
    expect(got.separation.every((v) => v === CLIFF_GREY)).toBe(true);
    // 30 dB over Rayleigh: each image's capacity follows its own |h|², as the host function does
    let eff: Float32Array | undefined;
    await runBatch(system, xt, {
      methods: [{ ...getMethod('separation'), reconstruct: async (req) => { eff = await req.effSnrDb.data(); return getMethod('separation').reconstruct(req); } }],
      snr: 30, seed: 4, channel: { kind: 'rayleigh' }, visit: async (r) => { got.ray = await r.out.data(); },
    });
    expect(eff![0]).not.toBe(eff![1]);
    expect(got.ray).toEqual((await separationBaseline(new Float32Array([...x, ...x]), [2, 3, S, S], 256, eff!)).out);
    xt.dispose();
    system.jscc.dispose();
  });
});

describe('separation with AVIF (sharp) and at any size', () => {
  // sharp is an optional dependency: without it the AVIF test is skipped (and says so)
  const hasSharp = (() => { try { return !!createRequire(import.meta.url).resolve('sharp'); } catch { return false; } })();

  it('JPEG at a non-square size: the coded bits fit and the output has the image\'s size', async () => {
    const img = resize(toSquare(decodeImage(new Uint8Array(readFileSync(kodakCrop('05')))), 64), 72, 40);
    const { data } = imagesToNchw([img]);
    const k = 200;
    for (const snr of [1, 10]) {
      const { out, choices } = await separationBaseline(data, [1, 3, 40, 72], k, [snr]);
      expect(out.length).toBe(3 * 40 * 72);
      expect(choices[0]!.bits, `${snr} dB`).toBeLessThanOrEqual(capacityBits(k, snr));
    }
  });

  it.skipIf(!hasSharp)('AVIF: the mdat payload plus 7 + 2 bits fits the capacity and quality + 1 does not', async () => {
    const { loadAvifCodec, mdatBytes } = await import('../../src/codecs/avif.js');
    const codec = await loadAvifCodec({ effort: 2, chroma: '4:2:0' });
    const img = toSquare(decodeImage(new Uint8Array(readFileSync(kodakCrop('23')))), 64);
    const budget = capacityBits(256, 10);
    const best = (await bestEncodingWithin(img, budget, codec))!;
    expect(best.choice.bits).toBeLessThanOrEqual(budget);
    const small = resize(img, 64 / best.choice.factor, 64 / best.choice.factor);
    expect((await codec.encode(small, best.choice.quality)).bits + SCALE_BITS).toBe(best.choice.bits);
    if (best.choice.quality < 100) expect((await codec.encode(small, best.choice.quality + 1)).bits + SCALE_BITS).toBeGreaterThan(budget);
    // far better than the receiver's grey (whether it beats JPEG depends on the size: at 64×64 AV1's headers weigh)
    const grey = img.data.reduce((a, v) => a + (v / 255 - CLIFF_GREY) ** 2, 0) / img.data.length;
    expect(10 * Math.log10(grey / best.choice.mse)).toBeGreaterThan(6);
    // the box walk: a file of ftyp (16 bytes) and mdat (8 + 5 bytes) has a 5-byte payload; a bad size is refused
    const box = (type: string, payload: number[]) => [0, 0, 0, 8 + payload.length, ...[...type].map((c) => c.charCodeAt(0)), ...payload];
    expect(mdatBytes(new Uint8Array([...box('ftyp', [1, 2, 3, 4, 5, 6, 7, 8]), ...box('mdat', [9, 9, 9, 9, 9])]))).toBe(5);
    expect(() => mdatBytes(new Uint8Array([0, 0, 0, 99, 109, 100, 97, 116]))).toThrow(/bad size 99/);
  });
});
