// GAN-prior inversion (method inverse) on tiny models: the loss falls over the z and ILO iterations, the ILO
// projection keeps each activation in its ball, a batch of N equals N single images, the method runs
// through the pipeline, and without a GAN it names the file and the command that makes it.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, tensor, tidy } from '../../src/index.js';
import { slice } from '../../src/kernels/copy.js';
import { loadDeepJscc } from '../../src/networks/load_jscc.js';
import { Generator, type GeneratorConfig } from '../../src/networks/generator.js';
import { invertGan, projectToBall, type InversionOptions, type InversionTarget } from '../../src/algorithms/gan_inversion.js';
import { Lpips } from '../../src/metrics/lpips.js';
import { fileSource } from '../../src/pipeline/file_source.js';
import { getMethod, loadSystem, runBatch } from '../../src/pipeline/index.js';
import { missingModels, requireAvailable } from '../../src/cli/options/model_commands.js';
import { DEFAULT_JSCC_MODEL, LPIPS_WEIGHTS } from '../../src/cli/defaults.js';
import { expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();
const GCFG: GeneratorConfig = { latent: 8, channels: [8, 4, 4, 4], groups: 2 };
const OPTS: InversionOptions = { iters: 20, restarts: 2, lambda: 0, iloIters: 10, iloLayers: 1, iloRadius: 0.2, lr: 0.05, iloLr: 0.01, seed: 7 };

/**
 * A tiny generator for 64×64 images and the committed DeepJSCC (a randomly initialised DeepJSCC's output
 * hardly depends on its input, so nothing could be inverted through it).
 */
function tiny(seed: number, withLpips = false) {
  const e = engine();
  const gen = new Generator(e, GCFG, seed);
  const { model: jscc } = loadDeepJscc(e, new Uint8Array(readFileSync(DEFAULT_JSCC_MODEL)), DEFAULT_JSCC_MODEL);
  const lpips = withLpips ? Lpips.load(e, new Uint8Array(readFileSync(LPIPS_WEIGHTS)), LPIPS_WEIGHTS) : null;
  const target = (n: number): InversionTarget => ({ jscc, lpips, snrDb: 5, decoderSnrDb: new Array<number>(n).fill(5) });
  return { e, gen, jscc, lpips, target, dispose: () => [gen, jscc, lpips].forEach((m) => m?.dispose()) };
}

describe('GAN inversion', () => {
  it('lowers its loss over the z iterations and again over ILO (MSE + λ·LPIPS)', async () => {
    const t = tiny(1, true);
    const rng = testRng();
    // a target off the generator's range: a smooth random image
    const y = tensor(t.e, Array.from({ length: 2 * 3 * 64 * 64 }, () => 0.3 + 0.4 * rng.uniform()), [2, 3, 64, 64]);
    const trace: Record<'z' | 'ilo', number[]> = { z: [], ilo: [] };
    const r = await invertGan(t.gen, t.target(2), y, { ...OPTS, lambda: 0.1, onLoss: (p, _i, l) => trace[p].push(l) });
    expect(trace.z.length).toBe(OPTS.iters);
    expect(trace.ilo.length).toBe(OPTS.iloIters);
    expect(trace.z.at(-1)!).toBeLessThan(trace.z[0]);
    expect(trace.ilo.at(-1)!).toBeLessThan(trace.ilo[0]);
    expect(r.image.shape).toEqual([2, 3, 64, 64]);
    const px = await r.image.data();
    expect(px.every((v) => v >= 0 && v <= 1)).toBe(true);
    // the final loss is ILO's last iterate (projected), at or below the best restart's
    r.loss.forEach((l, i) => expect(l).toBeLessThanOrEqual(r.zLoss[i] * 1.01));
    [y, r.image].forEach((x) => x.dispose());
    t.dispose();
  }, 300_000);

  it('the ball projection keeps every activation within radius of its start and leaves inner points alone', async () => {
    const e = engine();
    const rng = testRng();
    const shape = [3, 4, 2, 2];
    const n = 3 * 16;
    const h0v = rng.f32(n, -1, 1);
    // image 0 far outside its ball, image 1 inside, image 2 on a large ball
    const d = rng.f32(n, -1, 1).map((v, i) => v * (i < 16 ? 5 : i < 32 ? 0.01 : 1));
    const h = tensor(e, h0v.map((v, i) => v + d[i]), shape);
    const h0 = tensor(e, h0v, shape);
    const radius = tensor(e, [0.5, 0.5, 100], [3, 1, 1, 1]);
    const before = await h.data();
    projectToBall(h, h0, radius);
    const after = await h.data();
    const norms = [0, 1, 2].map((i) => Math.hypot(...Array.from({ length: 16 }, (_, j) => after[i * 16 + j] - h0v[i * 16 + j])));
    expect(norms[0]).toBeCloseTo(0.5, 4);
    expectClose(after.subarray(16), before.subarray(16), 1e-6, 1e-7, 'inner points');
    // the projection is along the line to the start
    const dir = Array.from({ length: 16 }, (_, j) => (after[j] - h0v[j]) / (before[j] - h0v[j]));
    dir.forEach((s) => expect(s).toBeCloseTo(dir[0], 4));
    [h, h0, radius].forEach((x) => x.dispose());
  });

  it('a batch of N gives what N single images give (restarts keyed by seed and image index)', async () => {
    const t = tiny(2);
    const rng = testRng();
    const y = tensor(t.e, Array.from({ length: 2 * 3 * 64 * 64 }, () => rng.uniform()), [2, 3, 64, 64]);
    const o = { ...OPTS, iters: 6, iloIters: 4, iloLayers: 2, firstImage: 3 };
    const batch = await invertGan(t.gen, t.target(2), y, o);
    for (let i = 0; i < 2; i++) {
      const yi = noGrad(() => tidy(() => slice(y, 0, i, 1)));
      const one = await invertGan(t.gen, t.target(1), yi, { ...o, firstImage: 3 + i });
      const b = noGrad(() => slice(batch.image, 0, i, 1));
      expectClose(await one.image.data(), await b.data(), 1e-3, 1e-4, `image ${i}`);
      expect(one.zLoss[0]).toBeCloseTo(batch.zLoss[i], 4);
      [yi, one.image, b].forEach((x) => x.dispose());
    }
    [y, batch.image].forEach((x) => x.dispose());
    t.dispose();
  }, 300_000);

  it('runs as a pipeline method from a GAN file; without one, names the file and `commin train gan`', async () => {
    const e = engine();
    const missing = await loadSystem(e, fileSource({ jscc: DEFAULT_JSCC_MODEL, lpips: LPIPS_WEIGHTS, gan: '/nonexistent/gan.safetensors' }));
    const inverse = getMethod('inverse');
    expect(await missingModels(missing, inverse, 4)).toEqual(['/nonexistent/gan.safetensors (make it with: commin train gan --out /nonexistent/gan.safetensors)']);
    await expect(requireAvailable(missing, [inverse], [4])).rejects.toThrow(
      "InverseJSCC needs '/nonexistent/gan.safetensors', which does not exist; make it with: commin train gan --out /nonexistent/gan.safetensors");
    const x = tensor(e, new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]);
    await expect(runBatch(missing, x, { methods: [inverse], snr: 4, seed: 1 })).rejects.toThrow(
      "InverseJSCC needs a face GAN: '/nonexistent/gan.safetensors' does not exist");
    // a tiny 64×64 generator written as `commin train gan` writes it
    const g = new Generator(e, { latent: 8, channels: [4, 4, 4, 4], groups: 2 }, 3);
    const file = join(mkdtempSync(join(tmpdir(), 'inv-')), 'gan.safetensors');
    writeFileSync(file, await g.params.save({ kind: 'gan', config: JSON.stringify(g.cfg) }));
    g.dispose();
    const s = await loadSystem(e, fileSource({ jscc: DEFAULT_JSCC_MODEL, lpips: LPIPS_WEIGHTS, gan: file }));
    const results = await runBatch(s, x, {
      methods: [inverse], snr: 4, seed: 1, options: { inverse: { iters: 2, restarts: 2, iloIters: 2, lambda: 0.1 } },
      visit: async ({ out }) => expect(out.shape).toEqual([1, 3, 64, 64]),
    });
    expect(results[0].scores.psnr[0]).toBeGreaterThan(0);
    x.dispose();
  }, 300_000);
});
