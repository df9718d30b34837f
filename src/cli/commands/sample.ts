// `commin train ddpm …` and `commin sample …` (from the prior, or from a face GAN)
import { writeFileAtomic } from '../../util/atomic_write.js';
import { createCliEngine } from '../engine.js';
import { existsSync, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { noGrad } from '../../engine/autograd.js';
import { tidy } from '../../engine/scope.js';
import { affine } from '../../kernels/elementwise.js';
import { encodePng, nchwToImages } from '../../data/image.js';
import { squareGrid } from '../../data/grid.js';
import { loadUNet } from '../../algorithms/load_prior.js';
import { loadGenerator } from '../../networks/load_generator.js';
import { parseSafetensors } from '../../engine/safetensors.js';
import { randNormal } from '../../kernels/random.js';
import { sample } from '../../algorithms/sampler.js';
import { SMALL_UNET } from '../../networks/unet.js';
import { trainDdpm } from '../../train/train_ddpm.js';
import { nonNegativeInt, number, numberList, positiveInt, positiveNumber } from '../options/args.js';
import { DEFAULT_DATA } from '../defaults.js';
import { checkNotInput, checkWritableFile } from '../../util/output.js';
import { signalExitCode } from '../../train/loop.js';

export function addTrainDdpm(train: Command): void {
  train
    .command('ddpm')
    .description('train the DDPM prior (ε-prediction U-Net) on an image folder')
    .option('--data <dir>', 'image folder', DEFAULT_DATA)
    .option('--size <n>', 'image size (a multiple of 2^(levels − 1), levels = entries of --ch-mult)', positiveInt, SMALL_UNET.resolution)
    .option('--ch <n>', 'base channels', positiveInt, SMALL_UNET.ch)
    .option('--ch-mult <list>', 'channel multipliers per level', numberList, SMALL_UNET.chMult)
    .option('--res-blocks <n>', 'residual blocks per level', positiveInt, SMALL_UNET.numResBlocks)
    .option('--attn <list>', 'resolutions with attention', numberList, SMALL_UNET.attnResolutions)
    .option('--groups <n>', 'GroupNorm groups', positiveInt, SMALL_UNET.groups)
    .addOption(new Option('--schedule <kind>', 'β schedule').choices(['linear', 'cosine']).default('linear'))
    .option('--T <n>', 'diffusion steps', positiveInt, 1000)
    .option('--steps <n>', 'training steps', positiveInt, 50000)
    .option('--batch <n>', 'batch size', positiveInt, 16)
    .option('--lr <x>', 'peak learning rate', positiveNumber, 2e-4)
    .option('--ema <d>', 'EMA decay', positiveNumber, 0.999)
    .option('--seed <n>', 'seed', nonNegativeInt, 0)
    .option('--every <n>', 'steps between checkpoints and sample grids', positiveInt, 1000)
    .option('--sample-steps <n>', 'DDIM steps for the sample grids', positiveInt, 50)
    .option('--max-minutes <m>', 'stop this run after m minutes (checkpointed)', positiveNumber)
    .option('--resume', 'continue from --out if it exists')
    .option('--force', 'replace an existing --out instead of resuming it')
    .requiredOption('--out <file>', 'checkpoint file (.safetensors); sample grids go beside it; an existing one needs --resume or --force')
    .action(async (o) => {
      const r = await trainDdpm({
        engine: createCliEngine,
        data: o.data, out: o.out,
        config: { ...SMALL_UNET, resolution: o.size, ch: o.ch, chMult: o.chMult, numResBlocks: o.resBlocks, attnResolutions: o.attn, groups: o.groups },
        schedule: { kind: o.schedule, T: o.T, betaStart: 1e-4, betaEnd: 0.02 },
        steps: o.steps, batch: o.batch, lr: o.lr, emaDecay: o.ema, seed: o.seed, resume: !!o.resume, force: !!o.force, every: o.every,
        maxSeconds: o.maxMinutes ? o.maxMinutes * 60 : 0, sampleSteps: o.sampleSteps, commandLine: `commin ${process.argv.slice(2).join(' ')}`,
      });
      process.exitCode = signalExitCode(r.signal);
    });
}

export function sampleCommand(): Command {
  return new Command('sample')
    .description('sample images from a DDPM prior or a face GAN into a PNG grid')
    .requiredOption('--model <file>', 'U-Net checkpoint, or a GAN generator (commin train gan, tools/convert_gan.ts): z ~ N(0, I) from --seed (the sampler flags do not apply)')
    .option('-n <count>', 'images', positiveInt, 16)
    .option('--steps <n>', 'sampling steps (DDIM) ', positiveInt, 100)
    .addOption(new Option('--method <m>', 'sampler').choices(['ddim', 'ddpm']).default('ddim'))
    .option('--eta <x>', 'DDIM η', number, 0)
    .option('--seed <n>', 'seed', nonNegativeInt, 0)
    .option('--raw', 'use the raw weights instead of the EMA')
    .option('--no-clip', 'do not clip the x̂0 estimate to [−1, 1] at each step')
    .option('--out <file>', 'output PNG', 'out/samples.png')
    .action(async (o) => {
      if (!existsSync(o.model)) throw new Error(`model '${o.model}' does not exist`);
      checkNotInput(o.out, [o.model], 'output PNG');
      checkWritableFile(o.out, 'output PNG');
      const bytes = new Uint8Array(readFileSync(o.model));
      const engine = await createCliEngine();
      if (parseSafetensors(bytes, o.model).metadata.kind === 'gan') {
        const { model } = loadGenerator(engine, bytes, o.model, !o.raw);
        const img = noGrad(() => tidy(() => model.forward(randNormal(engine, [o.n, model.cfg.latent], { seed: o.seed }))));
        writeFileAtomic(o.out, encodePng(squareGrid(nchwToImages(await img.data(), img.shape))));
        console.log(`wrote ${o.n} generator samples to ${o.out}`);
        engine.destroy();
        return;
      }
      const { model, schedule } = loadUNet(engine, bytes, o.model, !o.raw);
      if (o.steps > schedule.T) {
        engine.destroy();
        throw new Error(`--steps ${o.steps}: the prior '${o.model}' has ${schedule.T} diffusion steps; sample with at most ${schedule.T}`);
      }
      const R = model.cfg.resolution;
      const bar = new cliProgress.SingleBar({ format: 'sample |{bar}| {value}/{total} steps | {ms} ms/step' }, cliProgress.Presets.shades_classic);
      let last = performance.now();
      let started = false;
      const y = await sample(model, schedule, [o.n, 3, R, R], {
        method: o.method, steps: o.steps, eta: o.eta, seed: o.seed, clip: o.clip,
        onStep: ({ i, count }) => {
          if (!started) { bar.start(count, 0, { ms: '-' }); started = true; }
          const now = performance.now();
          bar.update(i + 1, { ms: (now - last).toFixed(0) });
          last = now;
        },
      });
      bar.stop();
      const img = noGrad(() => tidy(() => affine(y, 0.5, 0.5)));
      writeFileAtomic(o.out, encodePng(squareGrid(nchwToImages(await img.data(), img.shape))));
      console.log(`wrote ${o.n} samples to ${o.out}`);
      engine.destroy();
    });
}
