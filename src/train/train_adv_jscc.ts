// Perceptual / adversarial DeepJSCC: the DeepJSCC generator (usually fine-tuned from an MSE model) trained
// with K_M·MSE + K_P·LPIPS-squeeze + β·hinge-GAN against a spectral-norm PatchGAN discriminator. Each step
// runs the generator once, updates the discriminator on (real, detached reconstruction), then the generator
// against the updated discriminator (whose weights are frozen for that backward). The run shares the MSE
// trainer's conventions: data split, batches, SNRs and channel noise as functions of (seed, step), cosine
// learning rates, atomic resumable checkpoints (generator + discriminator + both Adam states + the
// spectral-norm vectors) and periodic validation (PSNR and LPIPS at the validation SNRs). The file loads as a
// plain DeepJSCC with loadDeepJscc, which reads only the generator's tensors.
import { existsSync, readFileSync } from 'node:fs';
import { backward, noGrad } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import { parseSafetensors } from '../engine/safetensors.js';
import type { Tensor } from '../engine/tensor.js';
import { Adam } from '../kernels/adam.js';
import { concat, slice } from '../kernels/copy.js';
import { tensor } from '../kernels/create.js';
import { add, affine } from '../kernels/elementwise.js';
import { hingeDiscriminator, hingeGenerator, mse } from '../kernels/losses.js';
import { mean } from '../kernels/reduce.js';
import { Batcher } from '../data/folder.js';
import { Lpips } from '../metrics/lpips.js';
import { checkpointConfig } from './jscc_init.js';
import { DeepJSCC, latentChannels, type DeepJsccConfig } from '../networks/deepjscc.js';
import { AWGN, describeChannel } from '../channel/index.js';
import { DEFAULT_DISCRIMINATOR, Discriminator, type DiscriminatorConfig } from '../networks/discriminator.js';
import { loadCheckpoint, loadOptimizerHost, optimizerToHost, parseMeta, readFlaggedCheckpoint, saveCheckpoint } from './checkpoint.js';
import { startRun, trainingLoop, type LoopResult, savedLevel, type LossLevel } from './loop.js';
import { cosineLr, loadJsccData, resumedProgress, stepSnrs, validateJsccMetrics, VAL_SNRS, type TrainJsccOptions } from './train_jscc.js';

export interface AdvWeights {
  mse: number;
  lpips: number;
  gan: number;
}

/**
 * Defaults for a short fine-tune of the 64×64 MSE model. Public perceptual JSCC code uses 0.01·MSE + 1·LPIPS +
 * 5·adv over long runs; here MSE keeps weight 1 so the fine-tune trades little PSNR, LPIPS (≈0.3 on the MSE
 * model, its pixel gradients ~10× MSE's) gets 0.1, and the hinge term, whose pixel gradients through a
 * spectrally normalised D are larger still, gets 0.005 so it sharpens textures without leading.
 */
export const DEFAULT_ADV_WEIGHTS: AdvWeights = { mse: 1, lpips: 0.1, gan: 0.005 };

export interface TrainAdvJsccOptions extends TrainJsccOptions {
  /** DeepJSCC checkpoint to start from; its config replaces `config`. Not read on resume. */
  init?: string;
  /** LPIPS-squeeze weights (safetensors). */
  lpips: string;
  weights: AdvWeights;
  /** Peak learning rate of the discriminator (cosine schedule as the generator's). */
  dLr: number;
  discriminator?: DiscriminatorConfig;
}

const D_PREFIX = 'discriminator.';

/** One discriminator update on real images and (detached) reconstructions; returns the hinge loss. */
export function discriminatorStep(disc: Discriminator, opt: Adam, real: Tensor, fake: Tensor): Tensor {
  return tidy(() => {
    disc.powerIterate();
    opt.zeroGrad();
    const n = real.shape[0];
    const detached = noGrad(() => affine(fake, 1, 0));
    const logits = disc.forward(concat([real, detached], 0));
    const loss = hingeDiscriminator(slice(logits, 0, 0, n), slice(logits, 0, n, n));
    backward(loss);
    opt.update();
    return loss;
  });
}

/** The generator's loss terms on (reconstruction, original), the discriminator taken as fixed. */
export function generatorTerms(y: Tensor, x: Tensor, disc: Discriminator, lpips: Lpips, w: AdvWeights): { total: Tensor; mse: Tensor; lpips: Tensor; gan: Tensor } {
  const m = mse(y, x);
  const lp = mean(lpips.distance(y, x));
  const frozen = disc.params.list();
  // D's weights take no gradient here (only its input does); LPIPS weights never require grad
  for (const p of frozen) p.requiresGrad = false;
  let g: Tensor;
  try {
    g = hingeGenerator(disc.forward(y));
  } finally {
    for (const p of frozen) p.requiresGrad = true;
  }
  const total = add(add(affine(m, w.mse), affine(lp, w.lpips)), affine(g, w.gan));
  return { total, mse: m, lpips: lp, gan: g };
}

export async function trainAdvJscc(o: TrainAdvJsccOptions): Promise<LoopResult> {
  let config = o.config;
  let crops = !!o.crops;
  const { engine, release, log } = await startRun(o, () => {
    if (o.init) {
      config = checkpointConfig(o.init);
      // a model trained on crops of photos is fine-tuned on them too
      crops ||= parseMeta<string>(readFlaggedCheckpoint(o.init, '--init', 'DeepJSCC').metadata, 'sampling', 'resize') === 'crops';
    }
    latentChannels(config);
    if (!existsSync(o.lpips)) throw new Error(`LPIPS weights '${o.lpips}' do not exist`);
  });
  const data = loadJsccData(o.data, config, log, crops, o.seed);
  const channel = o.channel ?? AWGN;
  if (channel.kind !== 'awgn') log(`channel: ${describeChannel(channel)}`);
  const model = new DeepJSCC(engine, config, o.seed);
  const dCfg = o.discriminator ?? DEFAULT_DISCRIMINATOR;
  const disc = new Discriminator(engine, dCfg, o.seed + 1);
  const lpips = Lpips.load(engine, new Uint8Array(readFileSync(o.lpips)), o.lpips);
  const gOpt = new Adam(model.params.list(), { lr: o.lr });
  // β1 = 0.5 as usual for GAN discriminators
  const dOpt = new Adam(disc.params.list(), { lr: o.dLr, beta1: 0.5 });
  let start = 0, seconds = 0, runs = 0, cpuSeconds = 0;
  let history: unknown[] = [];
  const level: LossLevel = { lossLevel: null };
  if (o.resume && existsSync(o.out)) {
    const meta = loadCheckpoint(o.out, model.params, gOpt);
    Object.assign(level, savedLevel(meta));
    ({ start, seconds, history, runs } = resumedProgress(meta, o.out, config, channel, data.sampling));
    cpuSeconds = Number(meta.cpuSeconds ?? 0);
    const f = parseSafetensors(new Uint8Array(readFileSync(o.out)), o.out);
    disc.params.loadHost(f.tensors, o.out, D_PREFIX);
    disc.loadVectors(f.tensors, o.out, D_PREFIX);
    loadOptimizerHost(f.tensors, disc.params, dOpt, o.out, D_PREFIX);
    dOpt.step = Number(meta.dAdamStep ?? 0);
    log(`resumed from ${o.out} at step ${start} (${(seconds / 3600).toFixed(2)} h trained)`);
  } else if (o.init) {
    loadCheckpoint(o.init, model.params);
    log(`generator initialised from ${o.init} (${config.size}×${config.size}, BCR ${config.bcr.join('/')})`);
  }
  runs++;
  const batcher = new Batcher(data.trainCount, o.batch, o.seed);
  const S = config.size;
  const t0 = performance.now();
  const runSeconds = () => (performance.now() - t0) / 1000;
  // the process's CPU time (the JavaScript thread and the CPU adapter's threads): the budget that compares recipes on a shared machine
  const cpu0 = process.cpuUsage();
  const cpuHours = () => { const u = process.cpuUsage(cpu0); return +((cpuSeconds + (u.user + u.system) / 1e6) / 3600).toFixed(3); };
  // every 10th step's [mse, lpips, gan, d] kept on the device, averaged into the history at the checkpoint
  let terms: Tensor[] = [];
  const save = async (step: number) => {
    const extra = new Map([...(await disc.params.toHost(D_PREFIX)), ...(await disc.vectorsToHost(D_PREFIX)), ...(await optimizerToHost(disc.params, dOpt, D_PREFIX))]);
    await saveCheckpoint(o.out, model.params, gOpt, {
      lossLevel: level.lossLevel,
      step, seconds: seconds + runSeconds(), cpuSeconds: cpuHours() * 3600, runs, config, channel, kind: 'deepjscc-adversarial', loss: 'mse+lpips+gan', lossWeights: o.weights,
      init: o.init ?? null, lr: o.lr, dLr: o.dLr, batch: o.batch, snrRange: o.snr, discriminator: dCfg, dAdamStep: dOpt.step,
      commandLine: o.commandLine, split: data.split, sampling: data.sampling, history,
    }, extra);
  };
  try {
    const result = await trainingLoop({
      level,
      engine, name: 'jscc (mse+lpips+gan)', start, steps: o.steps, batch: o.batch, every: o.every, maxSeconds: o.maxSeconds, quiet: o.quiet,
      step: (step) => {
        gOpt.lr = cosineLr(step, o.steps, o.lr);
        dOpt.lr = cosineLr(step, o.steps, o.dLr);
        const snr = stepSnrs(o.seed, step, o.batch, o.snr);
        return tidy(() => {
          const x = tensor(engine, data.trainBatch(batcher.indices(step), step), [o.batch, 3, S, S]);
          const y = model.forward(x, tensor(engine, snr, [o.batch]), o.seed, step, 0, channel);
          const d = discriminatorStep(disc, dOpt, x, y);
          gOpt.zeroGrad();
          const g = generatorTerms(y, x, disc, lpips, o.weights);
          backward(g.total);
          gOpt.update();
          if (step % 10 === 0) terms.push(keep(noGrad(() => concat([g.mse, g.lpips, g.gan, d].map((t) => t.reshape([1])), 0))));
          return g.total;
        });
      },
      checkpoint: async (step) => {
        const sums = [0, 0, 0, 0];
        for (const t of terms) (await t.data()).forEach((v, i) => (sums[i] += v / terms.length));
        terms.forEach((t) => t.dispose());
        const trainTerms = terms.length ? { mse: sums[0], lpips: sums[1], gan: sums[2], d: sums[3] } : null;
        terms = [];
        const v = await validateJsccMetrics(model, data.val, o.valCount, VAL_SNRS, data.sampling === 'crops' ? 4 : 16, lpips, channel);
        history.push({ step, hours: +((seconds + runSeconds()) / 3600).toFixed(3), cpuHours: cpuHours(), valPsnr: v.psnr, valLpips: v.lpips, train: trainTerms });
        await save(step);
        const fmt = (r: Record<string, number>, d: number) => Object.entries(r).map(([k, p]) => `${k} ${p.toFixed(d)}`).join(', ');
        const tt = trainTerms ? `; train mse ${trainTerms.mse.toFixed(5)} lpips ${trainTerms.lpips.toFixed(4)} gan ${trainTerms.gan.toFixed(3)} D ${trainTerms.d.toFixed(3)}` : '';
        return `step ${step}: validation PSNR ${fmt(v.psnr, 2)}; LPIPS ${fmt(v.lpips!, 4)}${tt} → ${o.out}`;
      },
    });
    await save(result.step);
    log(`stopped at step ${result.step}${result.signal ? ` by ${result.signal}` : ''}; checkpoint ${o.out}`);
    return result;
  } finally {
    terms.forEach((t) => t.dispose());
    for (const x of [model, disc, lpips, gOpt, dOpt]) x.dispose();
    release();
  }
}
