// How good a diffusion prior is, in numbers: FD-/KID-squeeze of its samples against validation faces,
// next to the same distances for as many training faces (the floor a perfect prior would reach), and the
// x̂0 estimate's PSNR / LPIPS on validation faces noised to a few timesteps (the restoration regime
// CommIN samples in).
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { tensor } from '../kernels/create.js';
import { affine, clamp } from '../kernels/elementwise.js';
import { randNormal } from '../kernels/random.js';
import { diffusionStep, stepCoefficients } from '../kernels/diffusion_step.js';
import { batchOf, type ImageSet } from '../data/folder.js';
import { qSample, type Schedule } from '../algorithms/diffusion.js';
import { sample } from '../algorithms/sampler.js';
import type { UNet } from '../networks/unet.js';
import type { Lpips } from '../metrics/lpips.js';
import { psnr } from '../metrics/psnr.js';
import { frechetDistance, kernelDistance, rows } from '../metrics/distribution.js';

export interface PriorEvalOptions {
  /** Samples drawn for FD/KID (and training faces for the floor). */
  count: number;
  /** DDIM steps (η = 0) per sample. */
  sampleSteps: number;
  batch: number;
  seed: number;
  clip: boolean;
  /** Timesteps of the x̂0 check. */
  timesteps: number[];
  /** Validation faces in the x̂0 check. */
  denoiseCount: number;
  /** Samples drawn elsewhere (e.g. tools/torch_ref/sample_ddpm.py) to use instead of sampling here. */
  samples?: ImageSet;
}

export const DEFAULT_PRIOR_EVAL: PriorEvalOptions = { count: 500, sampleSteps: 50, batch: 16, seed: 0, clip: true, timesteps: [100, 200, 400, 700], denoiseCount: 100 };

export interface PriorEvaluation {
  samples: { count: number; steps: number; fdSqueeze: number; kidSqueeze: number };
  /** The same distances for `count` training faces: what a prior that draws the data distribution reaches. */
  trainingFloor: { count: number; fdSqueeze: number; kidSqueeze: number };
  /** FD of the samples over FD of the floor (1 = as close as real training faces). */
  fdRatio: number;
  reference: { split: 'val'; count: number };
  denoise: { t: number; psnr: number; lpips: number; count: number }[];
  /** The first 16 samples (the `commin sample -n 16` grid of the same seed and steps), NCHW in [0, 1]. */
  grid: { data: Float32Array; shape: number[] };
  seconds: number;
}

function concatF32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function features(lp: Lpips, batches: AsyncIterable<Tensor> | Iterable<Tensor>): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  for await (const x of batches) {
    const f = lp.pooledFeatures(x);
    out.push(...rows(await f.data(), f.shape[1]));
    f.dispose();
    x.dispose();
  }
  return out;
}

function* imageBatches(engine: Engine, set: ImageSet, count: number, batch: number): Generator<Tensor> {
  const S = set.size;
  for (let i = 0; i < count; i += batch) {
    const idx = Array.from({ length: Math.min(batch, count - i) }, (_, k) => i + k);
    yield tensor(engine, batchOf(set, idx), [idx.length, 3, S, S]);
  }
}

export async function evaluatePrior(
  model: UNet, s: Schedule, lp: Lpips, val: ImageSet, train: ImageSet, o: PriorEvalOptions,
  onProgress?: (phase: string, done: number, total: number) => void,
): Promise<PriorEvaluation> {
  const e = model.engine;
  const R = model.cfg.resolution;
  if (val.size !== R || train.size !== R) throw new Error(`prior evaluation: the model is ${R}×${R}, the images ${val.size}×${val.size}`);
  if (train.names.length < o.count) throw new Error(`prior evaluation: ${o.count} training faces wanted for the floor, the folder has ${train.names.length}`);
  if (o.samples && (o.samples.size !== R || o.samples.names.length < o.count)) {
    throw new Error(`prior evaluation: ${o.count} samples of ${R}×${R} wanted, the sample file has ${o.samples.names.length} of ${o.samples.size}×${o.samples.size}`);
  }
  for (const t of o.timesteps) {
    if (!Number.isInteger(t) || t < 0 || t >= s.T) throw new Error(`prior evaluation: timestep ${t} is outside [0, ${s.T - 1}]`);
  }
  const started = performance.now();
  const ref = await features(lp, imageBatches(e, val, val.names.length, o.batch));
  const floorFeat = await features(lp, imageBatches(e, train, o.count, o.batch));
  // samples: batch k uses seed + k, so the first batch of 16 is `commin sample -n 16 --seed S`
  const total = Math.ceil(o.count / o.batch);
  async function* sampled(): AsyncGenerator<Tensor> {
    for (let k = 0; k < total; k++) {
      const n = Math.min(o.batch, o.count - k * o.batch);
      const x = await sample(model, s, [n, 3, R, R], { method: 'ddim', steps: o.sampleSteps, eta: 0, seed: o.seed + k, clip: o.clip });
      yield noGrad(() => tidy(() => clamp(affine(x, 0.5, 0.5), 0, 1)));
      x.dispose();
    }
  }
  // the grid keeps the first 16 samples, whatever the batch size
  const gridParts: Float32Array[] = [];
  let gridCount = 0;
  async function* gridAndProgress(batches: AsyncIterable<Tensor> | Iterable<Tensor>): AsyncGenerator<Tensor> {
    let k = 0;
    for await (const img of batches) {
      const g = Math.min(16 - gridCount, img.shape[0]);
      if (g > 0) {
        gridParts.push((await img.data()).slice(0, g * 3 * R * R));
        gridCount += g;
      }
      onProgress?.('samples', ++k, total);
      yield img;
    }
  }
  const sampleFeat = await features(lp, gridAndProgress(o.samples ? imageBatches(e, o.samples, o.count, o.batch) : sampled()));
  const denoise: PriorEvaluation['denoise'] = [];
  const dn = Math.min(o.denoiseCount, val.names.length);
  for (const t of o.timesteps) {
    const ps: number[] = [], ls: number[] = [];
    let k = 0;
    for (const x of imageBatches(e, val, dn, o.batch)) {
      const n = x.shape[0];
      const x0 = noGrad(() => tidy(() => {
        const xt = qSample(affine(x, 2, -1), randNormal(e, x.shape, { seed: o.seed, offset: t * 10007 + k }), new Array(n).fill(t), s);
        const est = diffusionStep(xt, model.forward(xt, new Array(n).fill(t)), stepCoefficients.x0(s.alphaBar(t)));
        return clamp(affine(est, 0.5, 0.5), 0, 1);
      }));
      ps.push(...(await psnr(x, x0)));
      const l = noGrad(() => lp.distance(x, x0));
      ls.push(...(await l.data()));
      l.dispose();
      x0.dispose();
      x.dispose();
      k++;
      await e.throttle();
    }
    denoise.push({ t, psnr: +mean(ps).toFixed(3), lpips: +mean(ls).toFixed(4), count: dn });
    onProgress?.('x̂0 check', denoise.length, o.timesteps.length);
  }
  const fd = frechetDistance(sampleFeat, ref);
  const floorFd = frechetDistance(floorFeat, ref);
  const result: PriorEvaluation = {
    samples: { count: o.count, steps: o.sampleSteps, fdSqueeze: +fd.toFixed(5), kidSqueeze: +kernelDistance(sampleFeat, ref).toFixed(6) },
    trainingFloor: { count: o.count, fdSqueeze: +floorFd.toFixed(5), kidSqueeze: +kernelDistance(floorFeat, ref).toFixed(6) },
    fdRatio: +(fd / floorFd).toFixed(3),
    reference: { split: 'val', count: ref.length },
    denoise,
    grid: { data: concatF32(gridParts), shape: [gridCount, 3, R, R] },
    seconds: +((performance.now() - started) / 1000).toFixed(1),
  };
  for (const v of [fd, floorFd, ...denoise.flatMap((d) => [d.psnr, d.lpips])]) {
    if (!Number.isFinite(v)) throw new Error(`prior evaluation: a metric is not finite (${JSON.stringify({ fd, floorFd, denoise })})`);
  }
  return result;
}
