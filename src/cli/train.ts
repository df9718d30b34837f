// `commin train jscc …`
import { Command } from 'commander';
import { fraction, intPair, nonNegativeInt, positiveInt, positiveNumber, range } from './args.js';
import { trainJscc } from '../train/train_jscc.js';
import { DEFAULT_DATA } from './defaults.js';
import { addTrainDdpm } from './diffusion.js';

export function trainCommand(): Command {
  const train = new Command('train').description('train a model');
  train
    .command('jscc')
    .description('train DeepJSCC end to end with MSE over an AWGN channel')
    .option('--data <dir>', 'image folder (recursive; PNG/JPEG)', DEFAULT_DATA)
    .option('--size <n>', 'image size (square, divisible by 4)', positiveInt, 64)
    .option('--bcr <k/n>', 'bandwidth compression ratio', fraction, [1, 48] as [number, number])
    .option('--snr <lo:hi>', 'training SNR range in dB (uniform per sample)', range, [0, 20] as [number, number])
    .option('--steps <n>', 'total training steps', positiveInt, 10000)
    .option('--batch <n>', 'batch size', positiveInt, 16)
    .option('--lr <x>', 'peak learning rate (cosine schedule)', positiveNumber, 1e-3)
    .option('--channels <c1,c2>', 'hidden channels of the two stages', intPair, [16, 32] as [number, number])
    .option('--no-adaptive', 'no SNR attention modules (one model per SNR)')
    .option('--seed <n>', 'seed of the initialisation, batches and channel', nonNegativeInt, 0)
    .option('--every <n>', 'steps between validation + checkpoint', positiveInt, 500)
    .option('--val-count <n>', 'validation images', positiveInt, 100)
    .option('--max-minutes <m>', 'stop this run after m minutes (checkpointed; resume later)', positiveNumber)
    .option('--resume', 'continue from --out if it exists')
    .requiredOption('--out <file>', 'checkpoint file (.safetensors)')
    .action(async (o) => {
      await trainJscc({
        data: o.data,
        out: o.out,
        config: { size: o.size, bcr: o.bcr, channels: o.channels, snrAdaptive: o.adaptive },
        snr: o.snr,
        steps: o.steps,
        batch: o.batch,
        lr: o.lr,
        seed: o.seed,
        resume: !!o.resume,
        every: o.every,
        valCount: o.valCount,
        maxSeconds: o.maxMinutes ? o.maxMinutes * 60 : 0,
        commandLine: `commin ${process.argv.slice(2).join(' ')}`,
      });
    });
  addTrainDdpm(train);
  return train;
}
