// The trained 64×64 prior's ε-prediction under the untuned defaults (F(2×2) for 64+ channels) and with
// every 3×3 conv of 32+ channels on F(4×4), against the direct kernels: how far the choice of kernel moves
// a real model's output (max |Δε| / max |ε|, and the mean |Δε|).
//   npx tsx bench/lab/winograd_prior_check.ts [--model models/prior_64.safetensors] [--batch 2]
import { readFileSync } from 'node:fs';
import { Engine, noGrad, randUniform } from '../../src/index.js';
import { loadUNet } from '../../src/algorithms/load_prior.js';

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : d;
};
const MODEL = arg('model', 'models/prior_64.safetensors');
const BATCH = Number(arg('batch', '2'));

/** ε for x at t = 500 with every conv2d shape class forced to `force(variants)` (null: the untuned default). */
async function eps(force: ((variants: readonly string[]) => string | undefined) | null): Promise<Float32Array> {
  const engine = await Engine.create({ autotune: false });
  if (force) {
    // answer every pick from a rule instead of the stored choices: the same shapes, one kernel family
    const tuner = engine.autotuner as unknown as { pick: (f: string, k: string, v: readonly string[]) => string };
    const pick = tuner.pick.bind(tuner);
    tuner.pick = (family, key, variants) => (family === 'conv2d' ? force(variants) ?? variants[0] : pick(family, key, variants));
  }
  const { model } = loadUNet(engine, readFileSync(MODEL), MODEL);
  const R = model.cfg.resolution;
  const x = randUniform(engine, [BATCH, 3, R, R], { seed: 7 }, -1, 1);
  const y = noGrad(() => model.forward(x, new Array<number>(BATCH).fill(500)));
  const out = await y.data();
  engine.destroy();
  return out;
}

const direct = await eps((v) => v.find((k) => !k.startsWith('winograd')));
const stats = (a: Float32Array) => {
  let maxRef = 0, maxD = 0, sumD = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - direct[i]);
    maxRef = Math.max(maxRef, Math.abs(direct[i]));
    maxD = Math.max(maxD, d);
    sumD += d;
  }
  return { maxRelToMax: maxD / maxRef, meanAbs: sumD / a.length, maxRef };
};
console.log(JSON.stringify({
  model: MODEL, batch: BATCH,
  defaults: stats(await eps(null)),
  winograd4: stats(await eps((v) => (v.includes('winograd4') ? 'winograd4' : undefined))),
  winograd2: stats(await eps((v) => (v.includes('winograd2') ? 'winograd2' : undefined))),
}));
process.exit(0);
