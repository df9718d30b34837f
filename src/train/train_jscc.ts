// DeepJSCC training: MSE, Adam, SNR drawn uniformly per sample, cosine learning rate, periodic validation
// PSNR, atomic resumable checkpoints. Deterministic: the batch order, SNRs and channel noise of a step are
// functions of (seed, step), so a resumed run continues exactly where it stopped.
import { existsSync } from 'node:fs';
import { backward, noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { Adam } from '../kernels/adam.js';
import { tensor } from '../kernels/create.js';
import { mse } from '../kernels/losses.js';
import { DeepJSCC, jsccStride, latentChannels, type DeepJsccConfig } from '../networks/deepjscc.js';
import { AWGN, describeChannel, sameChannel, type ChannelSpec } from '../channel/index.js';
import { trainedChannel } from '../networks/load_jscc.js';
import { initFromOtherRate } from './jscc_init.js';
import { Batcher, batchOf, loadImageSet, type ImageSet } from '../data/folder.js';
import { centreCrops, cropBatch, loadPhotoSet, PHOTO_SPLIT_NOTE, stepCrops, type PhotoSet } from '../data/crops.js';
import { psnr } from '../metrics/psnr.js';
import type { Lpips } from '../metrics/lpips.js';
import { mulberry32 } from '../util/rng.js';
import { loadCheckpoint, parseMeta, saveCheckpoint, progressOf } from './checkpoint.js';
import { startRun, trainingLoop, type EngineSource, type LoopResult, savedLevel, type LossLevel } from './loop.js';

export interface TrainJsccOptions {
  /** The engine to train on (see EngineSource). */
  engine: EngineSource;
  data: string;
  out: string;
  config: DeepJsccConfig;
  snr: [number, number];
  /** The channel trained over (default AWGN); recorded in the checkpoint's metadata. */
  channel?: ChannelSpec;
  /** DeepJSCC checkpoint to start from (any BCR: its latent is adapted, see jscc_init.ts); not read on resume. */
  init?: string;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  resume: boolean;
  /** Replace an existing `out` without resuming it. */
  force?: boolean;
  /** Steps between checkpoints and validations. */
  every: number;
  valCount: number;
  /** Stop after this many seconds of this run (0: no limit); the checkpoint is written first. */
  maxSeconds: number;
  commandLine: string;
  quiet?: boolean;
  /** Train on random size × size crops (with flips) of the images at their own size, not on resized images. */
  crops?: boolean;
}

export const VAL_SNRS = [1, 4, 7, 10];

export function cosineLr(step: number, total: number, lr: number, warmup = 100): number {
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const t = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/** Mean validation PSNR at each SNR over the set (fixed channel seed, so runs are comparable). */
export async function validateJscc(model: DeepJSCC, val: ImageSet, count: number, snrs = VAL_SNRS, batch = 16, channel: ChannelSpec = AWGN): Promise<Record<string, number>> {
  return (await validateJsccMetrics(model, val, count, snrs, batch, undefined, channel)).psnr;
}

/** validateJscc's PSNR and, given an LPIPS network, the mean validation LPIPS at the same SNRs and noise. */
export async function validateJsccMetrics(
  model: DeepJSCC, val: ImageSet, count: number, snrs = VAL_SNRS, batch = 16, lpips?: Lpips, channel: ChannelSpec = AWGN,
): Promise<{ psnr: Record<string, number>; lpips?: Record<string, number> }> {
  const e = model.engine;
  const n = Math.min(count, val.names.length);
  const psnrs: Record<string, number> = {};
  const lpipses: Record<string, number> = {};
  for (const snr of snrs) {
    let sum = 0;
    let lpSum = 0;
    for (let i = 0; i < n; i += batch) {
      const idx = Array.from({ length: Math.min(batch, n - i) }, (_, k) => i + k);
      const [x, y] = noGrad(() =>
        tidy(() => {
          const x = tensor(e, batchOf(val, idx), [idx.length, 3, val.size, val.size]);
          const s = tensor(e, idx.map(() => snr), [idx.length]);
          return [x, model.forward(x, s, 4242, i, 0, channel)];
        }),
      );
      sum += (await psnr(x, y)).reduce((a, b) => a + b, 0);
      if (lpips) {
        const d = noGrad(() => lpips.distance(x, y));
        lpSum += (await d.data()).reduce((a, b) => a + b, 0);
        d.dispose();
      }
      x.dispose();
      y.dispose();
    }
    psnrs[`${snr}dB`] = sum / n;
    lpipses[`${snr}dB`] = lpSum / n;
  }
  return lpips ? { psnr: psnrs, lpips: lpipses } : { psnr: psnrs };
}

/** The SNRs (dB) of one training step's batch: uniform in the range, a function of (seed, step). */
export function stepSnrs(seed: number, step: number, batch: number, range: [number, number]): number[] {
  const rand = mulberry32((seed * 1_000_003 + step) >>> 0);
  return Array.from({ length: batch }, () => range[0] + (range[1] - range[0]) * rand());
}

/** What a JSCC trainer draws its images from: training batches as a function of (images, step), and the validation set. */
export interface JsccData {
  trainCount: number;
  /** NCHW float32 in [0, 1] of the training images at these indices, as drawn at this step. */
  trainBatch: (indices: readonly number[], step: number) => Float32Array;
  val: ImageSet;
  /** The split rule, recorded in the checkpoint. */
  split: string;
  /** How the images are shaped, recorded in the checkpoint. */
  sampling: 'resize' | 'crops';
}

/** The side of a crop-trained model's validation crops: 256 (or the training crop when larger), within the smallest validation photo, a multiple of the stride. */
export function photoValSize(size: number, stride: number, smallestSide = Infinity): number {
  const side = Math.min(Math.max(size, 256), smallestSide);
  return Math.floor(side / stride) * stride;
}

/**
 * The train and validation sets of a JSCC run: each image centre-cropped and resized to the model's size (the
 * face family), or (crops) the photos at their own size, trained on random crops with flips of the model's
 * size (seeded by the run's seed) and validated on centre crops (photoValSize).
 */
export function loadJsccData(data: string, config: DeepJsccConfig, log: (s: string) => void, crops = false, seed = 0): JsccData {
  const size = config.size;
  if (crops) {
    log(`loading ${data} at the images' own sizes (${PHOTO_SPLIT_NOTE}) …`);
    const train = loadPhotoSet(data, 'train', size, log);
    let valPhotos: PhotoSet;
    try {
      valPhotos = loadPhotoSet(data, 'val', size, log);
    } catch {
      log('no validation images in this folder: validating on training images');
      valPhotos = train;
    }
    const val = centreCrops(valPhotos, photoValSize(size, jsccStride(config), Math.min(...valPhotos.images.map((i) => Math.min(i.width, i.height)))));
    log(`train ${train.names.length} images (random ${size}×${size} crops with flips), validation ${val.names.length} (centre ${val.size}×${val.size})`);
    return {
      trainCount: train.names.length, val, split: PHOTO_SPLIT_NOTE, sampling: 'crops',
      trainBatch: (indices, step) => cropBatch(train, stepCrops(train, indices, size, seed, step), size),
    };
  }
  log(`loading ${data} (train/val split by file-name hash) …`);
  const train = loadImageSet(data, size, { split: 'train' });
  let val: ImageSet;
  try {
    val = loadImageSet(data, size, { split: 'val' });
  } catch {
    // a folder too small to have validation images: validate on the training images, and say so
    log('no validation images in this folder: validating on training images');
    val = train;
  }
  log(`train ${train.names.length} images, validation ${val.names.length}`);
  return { trainCount: train.names.length, val, split: SPLIT_NOTE, sampling: 'resize', trainBatch: (indices) => batchOf(train, indices) };
}

/** Where a resumed checkpoint stopped, after checking it was trained with this config over this channel. */
export function resumedProgress(
  meta: Record<string, string>, path: string, config: DeepJsccConfig, channel: ChannelSpec = AWGN, sampling: JsccData['sampling'] = 'resize',
): { start: number; seconds: number; history: unknown[]; runs: number } {
  const was = parseMeta<string>(meta, 'sampling', 'resize');
  if (was !== sampling) throw new Error(`checkpoint ${path} was trained on ${was === 'crops' ? 'random crops (--crops)' : 'resized images (no --crops)'}, not ${sampling === 'crops' ? 'random crops' : 'resized images'}`);
  const cfg = parseMeta<DeepJsccConfig | null>(meta, 'config', null);
  if (cfg && JSON.stringify(cfg) !== JSON.stringify(config)) {
    throw new Error(`checkpoint ${path} was trained with config ${JSON.stringify(cfg)}, not ${JSON.stringify(config)}`);
  }
  const wasChannel = trainedChannel(meta, path);
  if (!sameChannel(wasChannel, channel)) throw new Error(`checkpoint ${path} was trained over ${describeChannel(wasChannel)}, not ${describeChannel(channel)}`);
  return progressOf(meta);
}

export const SPLIT_NOTE = 'train/val by fnv1a(file name) % 1000 < 50 → val';

export async function trainJscc(o: TrainJsccOptions): Promise<LoopResult> {
  // everything that can be wrong with the arguments fails here, before the engine and the data load
  const { engine, release, log } = await startRun(o, () => latentChannels(o.config));
  try {
    const data = loadJsccData(o.data, o.config, log, o.crops, o.seed);
    const channel = o.channel ?? AWGN;
    if (channel.kind !== 'awgn') log(`channel: ${describeChannel(channel)}`);
    const model = new DeepJSCC(engine, o.config, o.seed);
    const opt = new Adam(model.params.list(), { lr: o.lr });
    let start = 0;
    let cpuSeconds = 0;
    let seconds = 0;
    let history: unknown[] = [];
    let runs = 0;
    let init = o.init ?? null;
    const level: LossLevel = { lossLevel: null };
    if (o.resume && existsSync(o.out)) {
      const meta = loadCheckpoint(o.out, model.params, opt);
      Object.assign(level, savedLevel(meta));
      ({ start, seconds, history, runs } = resumedProgress(meta, o.out, o.config, channel, data.sampling));
      cpuSeconds = Number(meta.cpuSeconds ?? 0);
      init = parseMeta<string | null>(meta, 'init', null); // where the run started, whatever this resume's flags
      log(`resumed from ${o.out} at step ${start} (${(seconds / 3600).toFixed(2)} h trained)`);
    } else if (o.init) {
      const from = initFromOtherRate(model, o.init);
      log(`initialised from ${o.init} (BCR ${from.bcr.join('/')}, ${latentChannels(from)} latent channels → ${model.latent})`);
    }
    runs++;
    const batcher = new Batcher(data.trainCount, o.batch, o.seed);
    const S = o.config.size;
    const t0 = performance.now();
    const runSeconds = () => (performance.now() - t0) / 1000;
    // the process's CPU time (the JavaScript thread and the CPU adapter's threads): the budget that compares recipes on a shared machine
    const cpu0 = process.cpuUsage();
    const cpuHours = () => { const u = process.cpuUsage(cpu0); return +((cpuSeconds + (u.user + u.system) / 1e6) / 3600).toFixed(3); };
    const save = async (step: number, extra: Record<string, unknown> = {}) => {
      await saveCheckpoint(o.out, model.params, opt, {
        lossLevel: level.lossLevel,
        step, seconds: seconds + runSeconds(), cpuSeconds: cpuHours() * 3600, runs, config: o.config, channel, commandLine: o.commandLine, init,
        split: data.split, sampling: data.sampling, history, ...extra,
      });
    };
    const result = await trainingLoop({
      level,
      engine, name: 'jscc', start, steps: o.steps, batch: o.batch, every: o.every, maxSeconds: o.maxSeconds, quiet: o.quiet,
      step: (step) => {
        opt.lr = cosineLr(step, o.steps, o.lr);
        const snr = stepSnrs(o.seed, step, o.batch, o.snr);
        return tidy(() => {
          opt.zeroGrad();
          const x = tensor(engine, data.trainBatch(batcher.indices(step), step), [o.batch, 3, S, S]);
          const l = mse(model.forward(x, tensor(engine, snr, [o.batch]), o.seed, step, 0, channel), x);
          backward(l);
          opt.update();
          return l;
        });
      },
      checkpoint: async (step) => {
        const v = await validateJscc(model, data.val, o.valCount, VAL_SNRS, data.sampling === 'crops' ? 4 : 16, channel);
        history.push({ step, hours: +((seconds + runSeconds()) / 3600).toFixed(3), cpuHours: cpuHours(), valPsnr: v });
        await save(step);
        return `step ${step}: validation PSNR ${Object.entries(v).map(([k, p]) => `${k} ${p.toFixed(2)}`).join(', ')} → ${o.out}`;
      },
    });
    await save(result.step);
    log(`stopped at step ${result.step}${result.signal ? ` by ${result.signal}` : ''}; checkpoint ${o.out}`);
    return result;
  } finally {
    release();
  }
}
