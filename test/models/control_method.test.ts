// --method diffjscc through the pipeline, with the committed DeepJSCC and prior and a control branch in
// memory: an untrained branch (zero convs) and ζ = 0 sample exactly as the prior does from y noised to the
// start; with a trained-looking branch and guidance a batch of N still equals N runs of batch 1; without a
// branch the error names the file and the commands that make it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { affine, clamp, noGrad, tensor, tidy } from '../../src/index.js';
import { ControlNet, CONTROL_DEFAULTS } from '../../src/networks/control.js';
import { loadUNet } from '../../src/algorithms/load_prior.js';
import { sample } from '../../src/algorithms/sampler.js';
import { getMethod, loadSystem, runBatch, type ByteSource, type ModelPaths, type System } from '../../src/pipeline/index.js';
import { fileSource } from '../../src/pipeline/file_source.js';
import { DEFAULT_JSCC_MODEL, DEFAULT_PRIOR, LPIPS_WEIGHTS } from '../../src/cli/defaults.js';
import { randomizeParams, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

/** The committed models, and the branch's bytes at paths.control (none: no branch there). */
async function system(control: Uint8Array | null): Promise<System> {
  const paths: ModelPaths = { jscc: DEFAULT_JSCC_MODEL, lpips: LPIPS_WEIGHTS, prior: DEFAULT_PRIOR, control: 'memory:control' };
  const files = fileSource(paths);
  const source: ByteSource = { paths, read: async (p) => (p === 'memory:control' ? control : files.read(p)) };
  return loadSystem(engine(), source);
}

async function branch(randomSeed?: number): Promise<Uint8Array> {
  const { model: prior } = loadUNet(engine(), new Uint8Array(readFileSync(DEFAULT_PRIOR)), DEFAULT_PRIOR);
  const c = new ControlNet(engine(), { unet: prior.cfg, ...CONTROL_DEFAULTS }, 5);
  prior.dispose();
  // small values in the zero convs and the stem's last conv: the branch then changes every step's ε̂
  if (randomSeed !== undefined) {
    await randomizeParams(engine(), [...c.own.tensors].filter(([n]) => /^(zero_convs|mid_zero_conv|cond_stem\.2)\./.test(n)), randomSeed, 0.02);
  }
  const bytes = await c.save();
  c.dispose();
  return bytes;
}

function images(n: number) {
  const rng = testRng();
  return tensor(engine(), Array.from({ length: n * 3 * 64 * 64 }, () => rng.uniform()), [n, 3, 64, 64]);
}

async function outputs(s: System, x: ReturnType<typeof images>, firstImage: number, diffjscc: Record<string, unknown>) {
  const outs: Record<string, Float32Array> = {};
  await runBatch(s, x, {
    methods: [getMethod('deepjscc'), getMethod('diffjscc')], snr: 3, seed: 4, firstImage, options: { diffjscc },
    visit: async ({ method, out }) => { outs[method.name] = await out.data(); },
  });
  return outs;
}

describe('diffjscc', () => {
  it('an untrained branch (zero convs) with ζ = 0 is the prior sampled from y noised to the start', async () => {
    const s = await system(await branch());
    const x = images(2);
    const settings = { steps: 2, startT: 300 };
    const outs = await outputs(s, x, 0, settings);
    const prior = (await s.prior())!;
    const y = tensor(engine(), outs.deepjscc, [2, 3, 64, 64]);
    const y11 = noGrad(() => affine(y, 2, -1));
    const plain = await sample(prior.model, prior.schedule, [2, 3, 64, 64], { method: 'ddim', steps: 2, eta: 0, seed: 4, firstImage: 0, init: { x0: y11, startT: 300 } });
    const expected = noGrad(() => tidy(() => clamp(affine(plain, 0.5, 0.5), 0, 1)));
    expect(outs.diffjscc).toEqual(await expected.data());
    expect(outs.diffjscc).not.toEqual(outs.deepjscc);
    expect(getMethod('diffjscc').steps!({ diffjscc: settings }, 3, prior.schedule)).toBe(2);
    for (const t of [x, y, y11, plain, expected]) t.dispose();
  }, 300_000);

  it('a branch that acts, with guidance: a batch of N equals N runs of batch 1', async () => {
    const rng = testRng();
    const s = await system(await branch(rng.int(0, 1e6)));
    const x = images(2);
    const settings = { steps: 1, startT: 300, zeta: 0.5 };
    const batch = await outputs(s, x, 0, settings);
    const untrained = await outputs(await system(await branch()), x, 0, settings);
    expect(batch.diffjscc).not.toEqual(untrained.diffjscc);
    const size = 3 * 64 * 64;
    const all = await x.data();
    for (let k = 0; k < 2; k++) {
      const one = tensor(engine(), all.slice(k * size, (k + 1) * size), [1, 3, 64, 64]);
      const single = await outputs(s, one, k, settings);
      const diff = Math.max(...single.diffjscc.map((v, i) => Math.abs(v - batch.diffjscc[k * size + i])));
      expect(diff, `image ${k}`).toBeLessThan(1e-4);
      one.dispose();
    }
    x.dispose();
  }, 300_000);

  it('without a branch: the error names the file and the commands that make it', async () => {
    const s = await system(null);
    const x = images(1);
    await expect(runBatch(s, x, { methods: [getMethod('diffjscc')], snr: 3, seed: 0 })).rejects.toThrow(
      /^DiffJSCC needs a control branch on the prior: 'memory:control' does not exist$/);
    x.dispose();
  });
});
