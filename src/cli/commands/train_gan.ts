// `commin train gan …`: the face GAN the inverse method inverts (src/train/train_gan.ts).
import type { Command } from 'commander';
import { nonNegativeNumber, nonNegativeInt, numberList, positiveInt, positiveNumber } from '../options/args.js';
import { DEFAULT_DATA, DEFAULT_GAN_MODEL } from '../defaults.js';
import { createCliEngine } from '../engine.js';
import { signalExitCode } from '../../train/loop.js';
import { DEFAULT_GAN_DISCRIMINATOR, trainGan } from '../../train/train_gan.js';
import { DEFAULT_GENERATOR } from '../../networks/generator.js';

const ints = (v: string) => numberList(v).map((n) => positiveInt(String(n)));

export function addTrainGan(train: Command): Command {
  return train
    .command('gan')
    .description('train the face GAN (DCGAN-style generator, spectral-norm discriminator, hinge losses) that the inverse method inverts')
    .option('--data <dir>', 'image folder (recursive; PNG/JPEG)', DEFAULT_DATA)
    .option('--latent <n>', 'length of z', positiveInt, DEFAULT_GENERATOR.latent)
    .option('--g-channels <c0,c1,…>', 'generator channels: the 4×4 map, then each upsampling stage (image side 4·2^count)', ints, DEFAULT_GENERATOR.channels)
    .option('--d-channels <c0,c1,…>', 'discriminator channels of its stride-2 stages', ints, DEFAULT_GAN_DISCRIMINATOR.channels)
    .option('--steps <n>', 'total training steps', positiveInt, 100_000)
    .option('--batch <n>', 'batch size', positiveInt, 32)
    .option('--lr <x>', 'generator learning rate (constant, Adam β1 0.5)', positiveNumber, 2e-4)
    .option('--d-lr <x>', 'discriminator learning rate (constant, Adam β1 0.5)', positiveNumber, 2e-4)
    .option('--ema <decay>', 'EMA decay of the generator weights (0: none)', nonNegativeNumber, 0.999)
    .option('--seed <n>', 'seed of the initialisation, batches and z', nonNegativeInt, 0)
    .option('--every <n>', 'steps between checkpoints (and sample grids)', positiveInt, 1000)
    .option('--max-minutes <m>', 'stop this run after m minutes (checkpointed; resume later)', positiveNumber)
    .option('--resume', 'continue from --out if it exists')
    .option('--force', 'replace an existing --out instead of resuming it')
    .requiredOption('--out <file>', `checkpoint file (.safetensors; the inverse method reads ${DEFAULT_GAN_MODEL}); sample grids go beside it; an existing one needs --resume or --force`)
    .action(async (o) => {
      if (o.ema >= 1) throw new Error(`--ema must be below 1, got ${o.ema}`);
      const r = await trainGan({
        engine: createCliEngine, data: o.data, out: o.out,
        config: { latent: o.latent, channels: o.gChannels, groups: DEFAULT_GENERATOR.groups },
        discriminator: { channels: o.dChannels },
        steps: o.steps, batch: o.batch, lr: o.lr, dLr: o.dLr, emaDecay: o.ema, seed: o.seed,
        resume: !!o.resume, force: !!o.force, every: o.every, maxSeconds: o.maxMinutes ? o.maxMinutes * 60 : 0,
        commandLine: `commin ${process.argv.slice(2).join(' ')}`,
      });
      process.exitCode = signalExitCode(r.signal);
    });
}
