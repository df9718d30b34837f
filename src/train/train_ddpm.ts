// DDPM prior training: ε-prediction loss, Adam, EMA weights, atomic resumable checkpoints (the EMA is saved
// with the prefix "ema."), periodic validation loss and sample grids (DDIM, fixed seed) written as PNG.
import { writeFileAtomic } from '../util/atomic_write.js';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import type { HostTensor } from '../engine/safetensors.js';
import { dirname, join } from 'node:path';
import { backward, noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { Adam } from '../kernels/adam.js';
import { tensor } from '../kernels/create.js';
import { parseSafetensors } from '../engine/safetensors.js';
import { UNet, checkUNetConfig, type UNetConfig } from '../networks/unet.js';
import { Ema, Schedule, diffusionLoss, type ScheduleConfig } from '../algorithms/diffusion.js';
import { sample } from '../algorithms/sampler.js';
import { Batcher, batchOf, loadImageSet } from '../data/folder.js';
import { encodePng, nchwToImages } from '../data/image.js';
import { squareGrid } from '../data/grid.js';
import { mulberry32 } from '../util/rng.js';
import { affine } from '../kernels/elementwise.js';
import { sampleGridPath, parseMeta, saveCheckpoint, loadCheckpoint, progressOf, loadEmaHost } from './checkpoint.js';
import { cosineLr } from './train_jscc.js';
import { startRun, trainingLoop, type EngineSource, type LoopResult, savedLevel, type LossLevel } from './loop.js';

export interface TrainDdpmOptions {
  /** The engine to train on (see EngineSource). */
  engine: EngineSource;
  data: string;
  out: string;
  config: UNetConfig;
  schedule: ScheduleConfig;
  steps: number;
  batch: number;
  lr: number;
  emaDecay: number;
  seed: number;
  resume: boolean;
  /** Replace an existing `out` without resuming it. */
  force?: boolean;
  every: number;
  maxSeconds: number;
  sampleSteps: number;
  commandLine: string;
  quiet?: boolean;
}

export async function trainDdpm(o: TrainDdpmOptions): Promise<LoopResult> {
  // everything that can be wrong with the arguments fails here, before the engine and the data load
  const { engine, release, log } = await startRun(o, () => checkUNetConfig(o.config));
  try {
    const S = o.config.resolution;
    const train = loadImageSet(o.data, S, { split: 'train' });
    log(`train ${train.names.length} images at ${S}×${S}`);
    const model = new UNet(engine, o.config, o.seed);
    log(`U-Net ${model.params.count().toLocaleString()} parameters`);
    const opt = new Adam(model.params.list(), { lr: o.lr });
    const ema = new Ema(model.params.list(), o.emaDecay);
    const sched = new Schedule(o.schedule);
    let start = 0, seconds = 0, runs = 0;
    let history: unknown[] = [];
    const level: LossLevel = { lossLevel: null };
    if (o.resume && existsSync(o.out)) {
      const meta = loadCheckpoint(o.out, model.params, opt);
      Object.assign(level, savedLevel(meta));
      const f = parseSafetensors(new Uint8Array(readFileSync(o.out)), o.out);
      loadEmaHost(engine, f.tensors, model.params, ema.shadow);
      const cfg = parseMeta<UNetConfig | null>(meta, 'config', null);
      if (cfg && JSON.stringify(cfg) !== JSON.stringify(o.config)) throw new Error(`checkpoint ${o.out} has config ${JSON.stringify(cfg)}, not ${JSON.stringify(o.config)}`);
      ({ start, seconds, runs, history } = progressOf(meta));
      log(`resumed from ${o.out} at step ${start} (${(seconds / 3600).toFixed(2)} h trained)`);
    }
    runs++;
    const batcher = new Batcher(train.names.length, o.batch, o.seed);
    const t0 = performance.now();
    const runSeconds = () => (performance.now() - t0) / 1000;
    const save = async (step: number) => {
      // the EMA weights ride along under "ema."; the sampler loads them by default
      const names = [...model.params.tensors.keys()];
      const emaHost = new Map<string, HostTensor>();
      for (let i = 0; i < names.length; i++) emaHost.set(`ema.${names[i]}`, { shape: [...ema.shadow[i].shape], data: await ema.shadow[i].data() });
      await saveCheckpoint(o.out, model.params, opt, {
        lossLevel: level.lossLevel,
        step, seconds: seconds + runSeconds(), runs, config: o.config, schedule: o.schedule, commandLine: o.commandLine,
        emaDecay: o.emaDecay, history, kind: 'ddpm',
      }, emaHost);
    };
    const result = await trainingLoop({
      level,
      engine, name: 'ddpm', start, steps: o.steps, batch: o.batch, every: o.every, maxSeconds: o.maxSeconds, quiet: o.quiet,
      step: (step) => {
        opt.lr = cosineLr(step, o.steps, o.lr, 200);
        const rand = mulberry32((o.seed * 7_919 + step) >>> 0);
        const loss = tidy(() => {
          opt.zeroGrad();
          const x = tensor(engine, batchOf(train, batcher.indices(step)), [o.batch, 3, S, S]);
          const l = diffusionLoss(model, x, sched, o.seed, step, rand);
          backward(l);
          opt.update();
          return l;
        });
        ema.update();
        return loss;
      },
      checkpoint: async (step) => {
        history.push({ step, hours: +((seconds + runSeconds()) / 3600).toFixed(3) });
        await save(step);
        await writeSampleGrid(model, ema, sched, sampleGridPath(o.out, step), o.sampleSteps);
      },
    });
    await save(result.step);
    log(`stopped at step ${result.step}${result.signal ? ` by ${result.signal}` : ''}; checkpoint ${o.out}`);
    return result;
  } finally {
    release();
  }
}

/** 16 DDIM samples from the EMA weights (swapped in for the call) as a PNG grid. */
async function writeSampleGrid(model: UNet, ema: Ema, s: Schedule, path: string, steps: number): Promise<void> {
  const e = model.engine;
  const params = [...model.params.tensors.values()];
  const backup = await Promise.all(params.map((p) => p.data()));
  for (let i = 0; i < params.length; i++) e.write(params[i].buffer, await ema.shadow[i].data());
  const R = model.cfg.resolution;
  const y = await sample(model, s, [16, 3, R, R], { method: 'ddim', steps, eta: 0, seed: 1234 });
  const img = noGrad(() => tidy(() => affine(y, 0.5, 0.5)));
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, encodePng(squareGrid(nchwToImages(await img.data(), img.shape))));
  y.dispose();
  img.dispose();
  for (let i = 0; i < params.length; i++) e.write(params[i].buffer, backup[i]);
}
