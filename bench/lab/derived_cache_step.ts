// A/B of the derived cache (frozen weights laid out once) on a sampler step of the small 64×64 U-Net
// (forward + DDIM update; random weights), batch 1 and 8: two engines in one process, one keeping no
// derived tensors (derivedCacheBytes 0), rounds interleaved, autotuning off (the untuned defaults).
// Median and quartiles in ms; writes bench/lab/derived_cache_step.json.
//   npx tsx bench/lab/derived_cache_step.ts [rounds=5] [stepsPerRound=4]
import { writeFileSync } from 'node:fs';
import { Engine } from '../../src/engine/engine.js';
import { diffusionStep, noGrad, randUniform, stepCoefficients, tidy } from '../../src/index.js';
import { SMALL_UNET, UNet } from '../../src/networks/unet.js';

const rounds = Number(process.argv[2] ?? 5);
const perRound = Number(process.argv[3] ?? 4);
const configs = { cached: await Engine.create({ autotune: false }), uncached: await Engine.create({ autotune: false, derivedCacheBytes: 0 }) };
const result: Record<string, Record<string, { median: number; q1: number; q3: number; n: number }>> = {};
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
for (const batch of [1, 8]) {
  const setups = Object.entries(configs).map(([name, e]) => {
    const u = new UNet(e, SMALL_UNET, 1);
    const x = randUniform(e, [batch, 3, 64, 64], { seed: 1 }, -1, 1);
    const step = async () => {
      const t0 = performance.now();
      const y = noGrad(() => tidy(() => diffusionStep(x, u.forward(x, new Array(batch).fill(500)), { ...stepCoefficients.ddim(0.5, 0.6, 0), sigma: 0 })));
      await e.sync();
      y.dispose();
      return performance.now() - t0;
    };
    return { name, step, times: [] as number[], dispose: () => (u.dispose(), x.dispose()) };
  });
  for (const s of setups) await s.step(); // first run (pipelines, and the cache's first fill) apart
  for (let r = 0; r < rounds; r++) for (const s of setups) for (let i = 0; i < perRound; i++) s.times.push(await s.step());
  for (const s of setups) {
    (result[`batch ${batch}`] ??= {})[s.name] = { median: q(s.times, 0.5), q1: q(s.times, 0.25), q3: q(s.times, 0.75), n: s.times.length };
    console.log(`batch ${batch} ${s.name.padEnd(8)} ${q(s.times, 0.5).toFixed(0)} ms [${q(s.times, 0.25).toFixed(0)}–${q(s.times, 0.75).toFixed(0)}]`);
    s.dispose();
  }
}
writeFileSync('bench/lab/derived_cache_step.json', JSON.stringify({ date: new Date().toISOString(), rounds, perRound, result }, null, 2) + '\n');
for (const e of Object.values(configs)) e.destroy();
