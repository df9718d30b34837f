// One sampler step (U-Net forward + fused DDIM update) of the 64×64 U-Net, for deciding how Winograd
// reaches the untuned path. One process measures one configuration; the driver (winograd_step.sh) runs
// the configurations interleaved, since the machine is shared and noisy.
//   npx tsx bench/lab/winograd_step.ts --batch 8 [--reps 5] [--tune <cache.json>] [--max-run-ms 250]
// --tune: autotune on (choices in that file; the first process pays the tuning, reported as tuneMs)
import { Engine, diffusionStep, noGrad, randUniform, stepCoefficients, tidy } from '../../src/index.js';
import { SMALL_UNET, UNet } from '../../src/networks/unet.js';

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : d;
};
const BATCH = Number(arg('batch', '1'));
const REPS = Number(arg('reps', '5'));
const TUNE = arg('tune', '');
const MAX_RUN_MS = Number(arg('max-run-ms', '250'));

const engine = await Engine.create({ autotune: TUNE ? { enabled: true, cachePath: TUNE, maxRunMs: MAX_RUN_MS } : false });
const u = new UNet(engine, SMALL_UNET, 1);
const R = SMALL_UNET.resolution;
const x = randUniform(engine, [BATCH, 3, R, R], { seed: 1 }, -1, 1);
const t = new Array<number>(BATCH).fill(500);
const step = async () => {
  const t0 = performance.now();
  const y = noGrad(() => tidy(() => diffusionStep(x, u.forward(x, t), { ...stepCoefficients.ddim(0.5, 0.6, 0), sigma: 0 })));
  await engine.sync();
  y.dispose();
  return performance.now() - t0;
};
await step(); // compiles the pipelines
const t0 = performance.now();
const tuned = await engine.autotune();
const tuneMs = performance.now() - t0;
await step();
const times: number[] = [];
for (let i = 0; i < REPS; i++) times.push(await step());
const choices = Object.fromEntries(tuned.filter((r) => r.key.includes('|conv2d|')).map((r) => [r.key.split('|')[3], r.choice]));
console.log(JSON.stringify({ batch: BATCH, tune: !!TUNE, tuneMs: Math.round(tuneMs), times: times.map((v) => Math.round(v)), choices }));
u.dispose();
x.dispose();
engine.destroy();
process.exit(0);
