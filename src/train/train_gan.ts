// Face GAN training (the prior the `inverse` method inverts): the DCGAN-style generator against the
// spectral-norm discriminator with hinge losses. Each step draws z (a function of seed and step), updates
// the discriminator on (real, detached G(z)), then the generator against the updated discriminator (its
// weights frozen for that backward), as the adversarial DeepJSCC trainer does. Constant learning rates
// with β1 = 0.5 for both (the usual GAN setting), an optional EMA of the generator (saved as "ema.", which
// the loader prefers), atomic resumable checkpoints (G, D, both Adam states, the spectral-norm vectors) and
// a grid of 16 samples from a fixed z beside the checkpoint at each one.
import { writeFileAtomic } from '../util/atomic_write.js';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { backward, noGrad } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import { parseSafetensors, type HostTensor } from '../engine/safetensors.js';
import type { Tensor } from '../engine/tensor.js';
import { Adam } from '../kernels/adam.js';
import { tensor } from '../kernels/create.js';
import { hingeGenerator } from '../kernels/losses.js';
import { randNormal } from '../kernels/random.js';
import { concat } from '../kernels/copy.js';
import { Batcher, batchOf, loadImageSet } from '../data/folder.js';
import { encodePng, nchwToImages } from '../data/image.js';
import { squareGrid } from '../data/grid.js';
import { Ema } from '../algorithms/diffusion.js';
import { Discriminator, type DiscriminatorConfig } from '../networks/discriminator.js';
import { checkGeneratorConfig, Generator, generatorSize, type GeneratorConfig } from '../networks/generator.js';
import { sampleGridPath, loadCheckpoint, loadOptimizerHost, optimizerToHost, parseMeta, saveCheckpoint, progressOf, loadEmaHost } from './checkpoint.js';
import { discriminatorStep } from './train_adv_jscc.js';
import { startRun, trainingLoop, type EngineSource, type LoopResult, savedLevel, type LossLevel } from './loop.js';

/** A deeper discriminator than the PatchGAN default: at 64×64 its logits see most of the face (3×3 patches). */
export const DEFAULT_GAN_DISCRIMINATOR: DiscriminatorConfig = { channels: [32, 64, 128, 256] };

export interface TrainGanOptions {
  engine: EngineSource;
  data: string;
  out: string;
  config: GeneratorConfig;
  discriminator?: DiscriminatorConfig;
  steps: number;
  batch: number;
  /** Generator and discriminator learning rates (constant). */
  lr: number;
  dLr: number;
  /** EMA decay of the generator's weights (0: no EMA). */
  emaDecay: number;
  seed: number;
  resume: boolean;
  force?: boolean;
  every: number;
  maxSeconds: number;
  commandLine: string;
  quiet?: boolean;
}

const D_PREFIX = 'discriminator.';
const EMA_PREFIX = 'ema.';
/** Stream of the training z draws (per step) and of the fixed z of the sample grids. */
const Z_OFFSET = 0x6a4e;
const GRID_SEED = 1234;

/** The z of a training step: [batch, latent], a function of (seed, step) only (so a resumed run matches). */
export function stepLatents(g: Generator, batch: number, seed: number, step: number): Tensor {
  return randNormal(g.engine, [batch, g.cfg.latent], { seed, offset: Z_OFFSET + step });
}

/** One generator update against the (fixed) discriminator on G's output `fake`; returns the hinge loss. */
export function generatorStep(disc: Discriminator, opt: Adam, fake: Tensor): Tensor {
  opt.zeroGrad();
  const frozen = disc.params.list();
  for (const p of frozen) p.requiresGrad = false;
  try {
    const loss = hingeGenerator(disc.forward(fake));
    backward(loss);
    opt.update();
    return loss;
  } finally {
    for (const p of frozen) p.requiresGrad = true;
  }
}

export async function trainGan(o: TrainGanOptions): Promise<LoopResult> {
  const { engine, release, log } = await startRun(o, () => checkGeneratorConfig(o.config));
  const S = generatorSize(o.config);
  const train = loadImageSet(o.data, S, { split: 'train' });
  log(`train ${train.names.length} images at ${S}×${S}`);
  const gen = new Generator(engine, o.config, o.seed);
  const dCfg = o.discriminator ?? DEFAULT_GAN_DISCRIMINATOR;
  const disc = new Discriminator(engine, dCfg, o.seed + 1);
  log(`generator ${gen.params.count().toLocaleString()} parameters, discriminator ${disc.params.count().toLocaleString()}`);
  const gOpt = new Adam(gen.params.list(), { lr: o.lr, beta1: 0.5 });
  const dOpt = new Adam(disc.params.list(), { lr: o.dLr, beta1: 0.5 });
  const ema = o.emaDecay > 0 ? new Ema(gen.params.list(), o.emaDecay) : null;
  let start = 0, seconds = 0, runs = 0;
  let history: unknown[] = [];
  const level: LossLevel = { lossLevel: null };
  if (o.resume && existsSync(o.out)) {
    const meta = loadCheckpoint(o.out, gen.params, gOpt);
    Object.assign(level, savedLevel(meta));
    const cfg = parseMeta<GeneratorConfig | null>(meta, 'config', null);
    if (JSON.stringify(cfg) !== JSON.stringify(o.config)) throw new Error(`checkpoint ${o.out} has generator config ${JSON.stringify(cfg)}, not ${JSON.stringify(o.config)}`);
    const f = parseSafetensors(new Uint8Array(readFileSync(o.out)), o.out);
    disc.params.loadHost(f.tensors, o.out, D_PREFIX);
    disc.loadVectors(f.tensors, o.out, D_PREFIX);
    loadOptimizerHost(f.tensors, disc.params, dOpt, o.out, D_PREFIX);
    dOpt.step = Number(meta.dAdamStep ?? 0);
    if (ema) loadEmaHost(engine, f.tensors, gen.params, ema.shadow, EMA_PREFIX);
    ({ start, seconds, runs, history } = progressOf(meta));
    log(`resumed from ${o.out} at step ${start} (${(seconds / 3600).toFixed(2)} h trained)`);
  }
  runs++;
  const batcher = new Batcher(train.names.length, o.batch, o.seed);
  const t0 = performance.now();
  const runSeconds = () => (performance.now() - t0) / 1000;
  // every 10th step's [D loss, G loss] kept on the device, averaged into the history at the checkpoint
  let terms: Tensor[] = [];
  const save = async (step: number) => {
    const extra = new Map<string, HostTensor>([...(await disc.params.toHost(D_PREFIX)), ...(await disc.vectorsToHost(D_PREFIX)), ...(await optimizerToHost(disc.params, dOpt, D_PREFIX))]);
    if (ema) {
      const names = [...gen.params.tensors.keys()];
      for (let i = 0; i < names.length; i++) extra.set(EMA_PREFIX + names[i], { shape: [...ema.shadow[i].shape], data: await ema.shadow[i].data() });
    }
    await saveCheckpoint(o.out, gen.params, gOpt, {
      lossLevel: level.lossLevel,
      step, seconds: seconds + runSeconds(), runs, kind: 'gan', config: o.config, discriminator: dCfg, loss: 'hinge',
      lr: o.lr, dLr: o.dLr, batch: o.batch, emaDecay: o.emaDecay, dAdamStep: dOpt.step, commandLine: o.commandLine, history,
    }, extra);
  };
  try {
    const result = await trainingLoop({
      level,
      engine, name: 'gan', start, steps: o.steps, batch: o.batch, every: o.every, maxSeconds: o.maxSeconds, quiet: o.quiet,
      step: (step) => {
        const loss = tidy(() => {
          const x = tensor(engine, batchOf(train, batcher.indices(step)), [o.batch, 3, S, S]);
          const fake = gen.forward(stepLatents(gen, o.batch, o.seed, step));
          const d = discriminatorStep(disc, dOpt, x, fake);
          const g = generatorStep(disc, gOpt, fake);
          if (step % 10 === 0) terms.push(keep(noGrad(() => concat([d.reshape([1]), g.reshape([1])], 0))));
          return d;
        });
        ema?.update();
        return loss;
      },
      checkpoint: async (step) => {
        const sums = [0, 0];
        for (const t of terms) (await t.data()).forEach((v, i) => (sums[i] += v / terms.length));
        const train = terms.length ? { d: sums[0], g: sums[1] } : null;
        terms.forEach((t) => t.dispose());
        terms = [];
        history.push({ step, hours: +((seconds + runSeconds()) / 3600).toFixed(3), train });
        await save(step);
        const grid = sampleGridPath(o.out, step);
        await writeGanGrid(gen, ema, grid);
        return `step ${step}${train ? `: D ${train.d.toFixed(3)}, G ${train.g.toFixed(3)}` : ''} → ${o.out}, ${grid}`;
      },
    });
    await save(result.step);
    log(`stopped at step ${result.step}${result.signal ? ` by ${result.signal}` : ''}; checkpoint ${o.out}`);
    return result;
  } finally {
    terms.forEach((t) => t.dispose());
    for (const x of [gen, disc, gOpt, dOpt]) x.dispose();
    ema?.dispose();
    release();
  }
}


/** 16 samples from a fixed z (the EMA weights swapped in for the call, when there are any) as a PNG grid. */
export async function writeGanGrid(gen: Generator, ema: Ema | null, path: string): Promise<void> {
  const e = gen.engine;
  const params = gen.params.list();
  const backup = ema ? await Promise.all(params.map((p) => p.data())) : [];
  if (ema) for (let i = 0; i < params.length; i++) e.write(params[i].buffer, await ema.shadow[i].data());
  try {
    const img = noGrad(() => tidy(() => gen.forward(randNormal(e, [16, gen.cfg.latent], { seed: GRID_SEED, offset: Z_OFFSET - 1 }))));
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, encodePng(squareGrid(nchwToImages(await img.data(), img.shape))));
    img.dispose();
  } finally {
    if (ema) for (let i = 0; i < params.length; i++) e.write(params[i].buffer, backup[i]);
  }
}
