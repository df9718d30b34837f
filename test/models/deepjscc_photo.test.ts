// The natural family's DeepJSCC: stride-16 latents for the four BCRs, any image size (padded to the stride,
// cropped back), tiled inference equal to the untiled one, GDN against float64 with its gradients, random
// crops with flips, and an exactly resumable crop training on generated photos of several sizes.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, tidy } from '../../src/index.js';
import { noGrad } from '../../src/engine/autograd.js';
import { DeepJSCC, latentChannels, type DeepJsccConfig } from '../../src/networks/deepjscc.js';
import { gdn } from '../../src/networks/gdn.js';
import { padForJscc, cropRegion } from '../../src/pipeline/region.js';
import { cropBatch, centreCrops, loadPhotoSet, stepCrops } from '../../src/data/crops.js';
import { encodePng, imagesToNchw, type RgbImage } from '../../src/data/image.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { trainJscc } from '../../src/train/train_jscc.js';
import { createCliEngine } from '../../src/cli/engine.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';
import type { Rng } from '../reference/rng.js';

const engine = useEngine();

/** A smooth random photo (sums of a few gradients and waves), so crops and flips differ visibly. */
function photo(rng: Rng, width: number, height: number): RgbImage {
  const a = Array.from({ length: 9 }, () => rng.uniform());
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        const v = 0.5 + 0.3 * Math.sin(a[c] * 0.3 * x + a[c + 3] * 0.2 * y + 6 * a[c + 6]) + 0.2 * (x / width - y / height);
        data[(y * width + x) * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
  return { width, height, data };
}

const natural = (o: Partial<DeepJsccConfig> = {}): DeepJsccConfig => ({ size: 32, bcr: [1, 48], channels: [4, 8], snrAdaptive: true, downsample: 4, ...o });

describe('natural-family DeepJSCC', () => {
  it('stride 16: 32, 16, 8 and 4 latent channels for BCR 1/48, 1/96, 1/192, 1/384', () => {
    expect([48, 96, 192, 384].map((d) => latentChannels({ size: 128, bcr: [1, d], downsample: 4 }))).toEqual([32, 16, 8, 4]);
    expect(() => latentChannels({ size: 120, bcr: [1, 48], downsample: 4 })).toThrow(/not a multiple of 16/);
    expect(() => latentChannels({ size: 128, bcr: [1, 48], downsample: 5 })).toThrow(/not 2, 3 or 4/);
  });

  it('any size: 321×481, 17×1000 and 1×1 are padded to the stride, sent, and cropped back; k follows the padded size', async () => {
    const rng = testRng();
    const model = new DeepJSCC(engine(), natural(), 1);
    for (const [w, h, pw, ph] of [[321, 481, 336, 496], [17, 1000, 32, 1008], [1, 1, 16, 16]]) {
      const img = photo(rng, w, h);
      const sent = padForJscc(img, model);
      expect([sent.width, sent.height], `${w}×${h}`).toEqual([pw, ph]);
      // the padding repeats the last column and row
      expect(Array.from(sent.data.subarray((0 * pw + pw - 1) * 3, (0 * pw + pw) * 3))).toEqual(Array.from(img.data.subarray((w - 1) * 3, w * 3)));
      const x = tensor(engine(), imagesToNchw([sent]).data, [1, 3, ph, pw]);
      const out = noGrad(() => tidy(() => cropRegion(model.forward(x, tensor(engine(), [4], [1]), 3), { height: h, width: w })));
      expect(out.shape).toEqual([1, 3, h, w]);
      const v = await out.data();
      expect(v.every((q) => q >= 0 && q <= 1)).toBe(true);
      // 32 latent channels per 16×16 cell, two reals a symbol
      expect(model.symbolsFor(ph, pw)).toBe((32 * (ph / 16) * (pw / 16)) / 2);
      x.dispose();
      out.dispose();
    }
    expect(() => noGrad(() => model.encode(tensor(engine(), new Float32Array(3 * 20 * 16), [1, 3, 20, 16]), tensor(engine(), [1], [1])))).toThrow(/20×16 \(H×W\) is not a multiple of the encoder's stride 16: pad it first/);
    model.dispose();
  });

  it('tiled inference equals the untiled one (to float rounding without SNR attention; within 0.01 with it)', async () => {
    const rng = testRng();
    const img = padForJscc(photo(rng, 200, 150), { stride: 16, keepEvery: 1 });
    for (const snrAdaptive of [false, true]) {
      const model = new DeepJSCC(engine(), natural({ snrAdaptive }), 2);
      const x = tensor(engine(), imagesToNchw([img]).data, [1, 3, img.height, img.width]);
      const s = tensor(engine(), [7], [1]);
      const run = () => noGrad(() => tidy(() => {
        const z = model.encode(x, s);
        return [z, model.decode(z, s)];
      }));
      model.tiling = { maxPixels: Infinity, core: 64, halo: 96 };
      const [z0, y0] = run();
      // 3 × 4 tiles of 64 pixels (the last ones narrower), each with up to 96 pixels of context
      model.tiling = { maxPixels: 0, core: 64, halo: 96 };
      const [z1, y1] = run();
      const [a, b] = [await y0.data(), await y1.data()];
      if (!snrAdaptive) {
        expectClose(await z1.data(), await z0.data(), 1e-4, 1e-5, 'latent');
        expectClose(b, a, 1e-4, 1e-5, 'image');
      } else {
        // the attention's spatial mean is per tile: a small difference, measured
        const maxDiff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
        expect(maxDiff).toBeLessThan(0.01);
        expect(maxDiff).toBeGreaterThan(0);
      }
      for (const t of [x, s, z0, y0, z1, y1]) t.dispose();
      model.dispose();
    }
  });

  it('GDN and inverse GDN against float64, with gradients for x, b and g', async () => {
    const rng = testRng();
    const [N, C, H, W] = [2, 3, 3, 5];
    const ref = (inverse: boolean) => (x: Float64Array, b: Float64Array, g: Float64Array) => {
      const y = new Float64Array(x.length);
      for (let n = 0; n < N; n++)
        for (let p = 0; p < H * W; p++)
          for (let i = 0; i < C; i++) {
            let pool = b[i] * b[i] + 1e-6;
            for (let j = 0; j < C; j++) pool += g[i * C + j] ** 2 * x[(n * C + j) * H * W + p] ** 2;
            const k = (n * C + i) * H * W + p;
            y[k] = inverse ? x[k] * Math.sqrt(pool) : x[k] / Math.sqrt(pool);
          }
      return y;
    };
    const inputs = () => [
      { data: Float64Array.from(rng.f32(N * C * H * W, -2, 2)), shape: [N, C, H, W] },
      { data: Float64Array.from(rng.f32(C, 0.5, 1.5)), shape: [C] },
      { data: Float64Array.from(rng.f32(C * C, -0.8, 0.8)), shape: [C, C, 1, 1] },
    ];
    for (const inverse of [false, true]) {
      const ins = inputs();
      const y = noGrad(() => gdn(...(ins.map((i) => tensor(engine(), i.data, i.shape)) as [never, never, never]), inverse));
      expectClose(await y.data(), ref(inverse)(ins[0].data, ins[1].data, ins[2].data), 1e-4, 1e-5, inverse ? 'IGDN' : 'GDN');
      y.dispose();
      await checkGrad(engine(), rng, (x, b, g) => gdn(x, b, g, inverse), ref(inverse), ins, { eps: 1e-4, rtol: 2e-2, atol: 2e-3 });
    }
  });

  it('random crops: inside the photo, a function of (seed, step), flipped on about half the draws', () => {
    const rng = testRng();
    const set = { names: ['a', 'b'], images: [photo(rng, 40, 24), photo(rng, 24, 56)] };
    const crops = stepCrops(set, [0, 1, 0, 1, 0, 1, 0, 1], 16, 3, 11);
    expect(stepCrops(set, [0, 1, 0, 1, 0, 1, 0, 1], 16, 3, 11)).toEqual(crops);
    expect(stepCrops(set, [0, 1, 0, 1, 0, 1, 0, 1], 16, 3, 12)).not.toEqual(crops);
    for (const c of crops) {
      const img = set.images[c.image];
      expect(c.x + 16 <= img.width && c.y + 16 <= img.height && c.x >= 0 && c.y >= 0).toBe(true);
    }
    const many = Array.from({ length: 50 }, (_, s) => stepCrops(set, [0, 1], 16, 3, s)).flat();
    const flips = many.filter((c) => c.flip).length;
    expect(flips).toBeGreaterThan(30);
    expect(flips).toBeLessThan(70);
    // a flipped crop is the unflipped one mirrored
    const c = { image: 0, x: 5, y: 3, flip: false };
    const [plain, mirrored] = [cropBatch(set, [c], 16), cropBatch(set, [{ ...c, flip: true }], 16)];
    for (let ch = 0; ch < 3; ch++) for (let r = 0; r < 16; r++) for (let q = 0; q < 16; q++) {
      expect(mirrored[ch * 256 + r * 16 + q]).toBe(plain[ch * 256 + r * 16 + 15 - q]);
    }
    expect(plain[0]).toBe(Math.fround(set.images[0].data[(3 * 40 + 5) * 3] / 255));
    expect(() => cropBatch(set, [{ image: 0, x: 30, y: 0, flip: false }], 16)).toThrow(/outside a/);
    expect(centreCrops(set, 16).pixels.length).toBe(2 * 16 * 16 * 3);
  });

  it('crop training on photos of several sizes: a resumed run equals an uninterrupted one bit for bit', async () => {
    const rng = testRng();
    const data = mkdtempSync(join(tmpdir(), 'photos-'));
    // 12 photos, both orientations; the name hash puts one or more in the validation split
    [[48, 40], [40, 56], [64, 48], [56, 40], [40, 40], [72, 48], [48, 64], [40, 48], [48, 48], [56, 64], [64, 40], [40, 72]].forEach(([w, h], i) =>
      writeFileSync(join(data, `photo${i}.png`), encodePng(photo(rng, w, h))));
    expect(loadPhotoSet(data, 'all', 32).names.length).toBe(12);
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const base = {
      engine: createCliEngine, data, crops: true,
      config: natural({ downsample: 3, channels: [4, 4] }),
      snr: [0, 20] as [number, number], batch: 2, lr: 1e-3, seed: 5, every: 1000, valCount: 2, maxSeconds: 0, commandLine: 'test', quiet: true,
    };
    await trainJscc({ ...base, out: join(dir, 'straight.safetensors'), steps: 6, resume: false });
    await trainJscc({ ...base, out: join(dir, 'resumed.safetensors'), steps: 3, resume: false });
    await trainJscc({ ...base, out: join(dir, 'resumed.safetensors'), steps: 6, resume: true });
    const a = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'straight.safetensors'))));
    const b = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'resumed.safetensors'))));
    expect(b.metadata.step).toBe('6');
    expect(b.metadata.sampling).toBe('crops');
    for (const [k, t] of a.tensors) expect(Array.from(b.tensors.get(k)!.data), k).toEqual(Array.from(t.data));
    // resuming a crop-trained checkpoint on resized images is refused
    await expect(trainJscc({ ...base, crops: false, out: join(dir, 'resumed.safetensors'), steps: 8, resume: true })).rejects.toThrow(/was trained on random crops \(--crops\), not resized images/);
  }, 300_000);
});
