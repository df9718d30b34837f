// INN training for CommIN: pairs (x, y = DeepJSCC(x) at a fixed SNR, a fresh channel draw every step);
// loss = MSE(coarse(INN(x)), target(y)), target = y averaged to the coarse size (decimated) or y itself
// (undecimated). One INN per (SNR, BCR) setting, as in the paper. Resumable like the other trainers.
import { existsSync, readFileSync } from 'node:fs';
import { backward, noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { Adam } from '../kernels/adam.js';
import { tensor } from '../kernels/create.js';
import { mse } from '../kernels/losses.js';
import { Inn, type InnConfig } from '../networks/inn.js';
import { coarseTarget } from '../algorithms/commin.js';
import { loadDeepJscc } from '../networks/load_jscc.js';
import type { DeepJSCC } from '../networks/deepjscc.js';
import { Batcher, batchOf, listImages, loadImageSet, splitOf, type ImageSet } from '../data/folder.js';
import { loadCheckpoint, parseMeta, progressOf, readFlaggedCheckpoint, saveCheckpoint } from './checkpoint.js';
import { cosineLr } from './train_jscc.js';
import { startRun, trainingLoop, type EngineSource, savedLevel, type LossLevel } from './loop.js';

export interface TrainInnOptions {
  /** The engine to train on (see EngineSource). */
  engine: EngineSource;
  data: string;
  jscc: string;
  snr: number;
  out: string;
  config: InnConfig;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  resume: boolean;
  /** Replace an existing `out` without resuming it. */
  force?: boolean;
  every: number;
  maxSeconds: number;
  commandLine: string;
  /** Validation faces scored at each checkpoint (default 64). */
  valCount?: number;
  /** An INN of the same config to start from (e.g. one trained at another SNR or BCR); not read on resume. */
  init?: string;
  quiet?: boolean;
}

export async function trainInn(o: TrainInnOptions): Promise<{ finalLoss: number; signal?: NodeJS.Signals }> {
  // everything that can be wrong with the arguments fails here or just below, before the data load
  if (!existsSync(o.jscc)) throw new Error(`DeepJSCC model '${o.jscc}' does not exist`);
  const { engine, release, log } = await startRun(o, () => {});
  try {
    const { model: jscc } = loadDeepJscc(engine, new Uint8Array(readFileSync(o.jscc)), o.jscc);
    const S = jscc.cfg.size;
    const f = 2 ** o.config.levels;
    if (o.config.mode === 'decimated' && S % f !== 0) throw new Error(`INN: ${o.config.levels} decimated levels need an image side divisible by ${f}; DeepJSCC '${o.jscc}' is for ${S}×${S}`);
    const train = loadImageSet(o.data, S, { split: 'train' });
    const valCount = o.valCount ?? 64;
    // a folder too small to have validation images validates on training images, and says so
    const hasVal = listImages(o.data).some((f) => splitOf(f) === 'val');
    if (!hasVal) log('no validation images in this folder: validating on training images');
    const val = hasVal ? loadImageSet(o.data, S, { split: 'val', limit: valCount }) : train;
    const inn = new Inn(engine, o.config, o.seed);
    log(`train ${train.names.length} images at ${S}×${S}, SNR ${o.snr} dB; INN ${inn.params.count().toLocaleString()} parameters (${o.config.mode})`);
    const opt = new Adam(inn.params.list(), { lr: o.lr });
    let start = 0, seconds = 0, runs = 0;
    let history: unknown[] = [];
    let init = o.init ?? null;
    const level: LossLevel = { lossLevel: null };
    if (o.resume && existsSync(o.out)) {
      const meta = loadCheckpoint(o.out, inn.params, opt);
      Object.assign(level, savedLevel(meta));
      init = parseMeta<string | null>(meta, 'init', null); // where the run started, whatever this resume's flags
      const cfg = parseMeta<InnConfig | null>(meta, 'config', null);
      if (cfg && JSON.stringify(cfg) !== JSON.stringify(o.config)) throw new Error(`checkpoint ${o.out} has config ${JSON.stringify(cfg)}, not ${JSON.stringify(o.config)}`);
      ({ start, seconds, runs, history } = progressOf(meta));
      log(`resumed from ${o.out} at step ${start}`);
    } else if (o.init) {
      const f = readFlaggedCheckpoint<InnConfig>(o.init, '--init', 'INN');
      if (JSON.stringify(f.config) !== JSON.stringify(o.config)) throw new Error(`--init '${o.init}' has config ${JSON.stringify(f.config)}, not ${JSON.stringify(o.config)}`);
      inn.params.loadHost(f.tensors, o.init);
      log(`initialised from ${o.init}`);
    }
    runs++;
    const batcher = new Batcher(train.names.length, o.batch, o.seed);
    const t0 = performance.now();
    const runSeconds = () => (performance.now() - t0) / 1000;
    const save = (step: number) =>
      saveCheckpoint(o.out, inn.params, opt, {
        lossLevel: level.lossLevel,
        step, seconds: seconds + runSeconds(), runs, config: o.config, snr: o.snr, bcr: jscc.cfg.bcr, jscc: o.jscc, init, commandLine: o.commandLine, history, kind: 'inn',
      });
    const { step, lastLoss, signal } = await trainingLoop({
      level,
      engine, name: 'inn', start, steps: o.steps, batch: o.batch, every: o.every, maxSeconds: o.maxSeconds, quiet: o.quiet,
      step: (step) => {
        opt.lr = cosineLr(step, o.steps, o.lr, 50);
        return tidy(() => {
          opt.zeroGrad();
          const x = tensor(engine, batchOf(train, batcher.indices(step)), [o.batch, 3, S, S]);
          const y = noGrad(() => jscc.forward(x, tensor(engine, new Array(o.batch).fill(o.snr), [o.batch]), o.seed + 1, step));
          const l = mse(inn.forward(x).coarse, noGrad(() => coarseTarget(inn, y)));
          backward(l);
          opt.update();
          return l;
        });
      },
      checkpoint: async (step) => {
        const valMse = await validateInn(inn, jscc, val, o.snr, o.batch, o.seed, valCount);
        history.push({ step, hours: +((seconds + runSeconds()) / 3600).toFixed(3), valCoarseMse: valMse, valCoarsePsnr: 10 * Math.log10(1 / valMse) });
        await save(step);
        return `step ${step}: validation coarse MSE ${valMse.toExponential(3)} (${(10 * Math.log10(1 / valMse)).toFixed(2)} dB) → ${o.out}`;
      },
    });
    await save(step);
    log(`stopped at step ${step}${signal ? ` by ${signal}` : ''} (loss ${lastLoss.toFixed(5)}); checkpoint ${o.out}`);
    return { finalLoss: lastLoss, signal };
  } finally {
    release();
  }
}

/** Mean MSE(coarse(INN(x)), target(y)) over the validation images, with fixed channel draws (seed + 2). */
export async function validateInn(inn: Inn, jscc: DeepJSCC, val: ImageSet, snr: number, batch: number, seed: number, limit = Infinity): Promise<number> {
  const e = inn.engine;
  const S = jscc.cfg.size;
  let total = 0;
  const n = Math.min(val.names.length, limit);
  for (let i = 0; i < n; i += batch) {
    const idx = Array.from({ length: Math.min(batch, n - i) }, (_, k) => i + k);
    const l = noGrad(() => tidy(() => {
      const x = tensor(e, batchOf(val, idx), [idx.length, 3, S, S]);
      const y = jscc.forward(x, tensor(e, idx.map(() => snr), [idx.length]), seed + 2, 0, i);
      return mse(inn.forward(x).coarse, coarseTarget(inn, y));
    }));
    total += (await l.item()) * idx.length;
    l.dispose();
  }
  return total / n;
}
