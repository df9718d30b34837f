// `commin train jscc …`
import { Command } from 'commander';
import { fraction, intPair, nonNegativeInt, numberList, positiveInt, positiveNumber, snrDb, snrRange, SNR_RANGE_TEXT } from '../options/args.js';
import { signalExitCode } from '../../train/loop.js';
import { trainJscc } from '../../train/train_jscc.js';
import { DEFAULT_DATA } from '../defaults.js';
import { addTrainDdpm } from './sample.js';
import { trainInn } from '../../train/train_inn.js';
import { DEFAULT_INN } from '../../networks/inn.js';
import type { DeepJsccConfig } from '../../networks/deepjscc.js';
import { DEFAULT_JSCC_MODEL } from '../defaults.js';
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_ADV_WEIGHTS, trainAdvJscc, type AdvWeights } from '../../train/train_adv_jscc.js';
import { LPIPS_WEIGHTS } from '../defaults.js';
import { createCliEngine } from '../engine.js';
import { addChannelOptions, channelSpec } from '../options/channel.js';
import { addTrainGan } from './train_gan.js';

/** The largest --size a training takes: a batch of 16 at 1024×1024 already needs gigabytes of activations. */
const MAX_TRAIN_SIZE = 1024;
function trainSize(v: string): number {
  const n = positiveInt(v);
  if (n > MAX_TRAIN_SIZE) throw new InvalidArgumentError(`${n} is over the largest training size, ${MAX_TRAIN_SIZE} (photos of any size are sent with a model trained on crops: --crops --size 128)`);
  return n;
}

/** "0.01,1,5" → the three loss weights K_M, K_P, β (each ≥ 0). */
function lossWeights(v: string): AdvWeights {
  const l = numberList(v);
  if (l.length !== 3 || l.some((n) => n < 0)) throw new InvalidArgumentError(`'${v}' is not three weights ≥ 0 like 1,0.1,0.005 (mse,lpips,gan)`);
  return { mse: l[0], lpips: l[1], gan: l[2] };
}

/** The architecture named by the flags; the face family's defaults leave downsample and norm out (its checkpoints' configs have neither). */
function jsccConfig(o: { size: number; bcr: [number, number]; channels: [number, number]; adaptive: boolean; downsample: number; norm: 'none' | 'gdn' }): DeepJsccConfig {
  return {
    size: o.size, bcr: o.bcr, channels: o.channels, snrAdaptive: o.adaptive,
    ...(o.downsample !== 2 ? { downsample: o.downsample } : {}),
    ...(o.norm !== 'none' ? { norm: o.norm } : {}),
  };
}

export function trainCommand(): Command {
  const train = new Command('train').description('train a model');
  const jscc = train
    .command('jscc')
    .description('train DeepJSCC end to end over the channel (--channel; default AWGN): with MSE, or (--loss mse+lpips+gan) perceptually and adversarially, usually fine-tuned from an MSE model (--init)')
    .addOption(new Option('--loss <l>', 'mse, or mse+lpips+gan: K_M·MSE + K_P·LPIPS-squeeze + β·hinge GAN against a spectral-norm PatchGAN discriminator').choices(['mse', 'mse+lpips+gan']).default('mse'))
    .option('--init <file>', 'DeepJSCC checkpoint to start from: with mse+lpips+gan its size, BCR and channels replace --size/--bcr/--channels/--no-adaptive; with mse it may have another BCR (its latent is mapped to --bcr\'s)')
    .option('--loss-weights <mse,lpips,gan>', `(mse+lpips+gan) K_M,K_P,β; default ${DEFAULT_ADV_WEIGHTS.mse},${DEFAULT_ADV_WEIGHTS.lpips},${DEFAULT_ADV_WEIGHTS.gan} for a short fine-tune at 64×64 (public perceptual JSCC code uses 0.01,1,5 over long runs)`, lossWeights)
    .option('--d-lr <x>', '(mse+lpips+gan) peak learning rate of the discriminator', positiveNumber, 1e-4)
    .option('--lpips <file>', '(mse+lpips+gan) LPIPS-squeeze weights', LPIPS_WEIGHTS)
    .option('--data <dir>', 'image folder (recursive; PNG/JPEG)', DEFAULT_DATA)
    .option('--size <n>', `image size, or with --crops the crop side (square, a multiple of the stride that gives whole latent channels for --bcr; at most ${MAX_TRAIN_SIZE})`, trainSize, 64)
    .option('--bcr <k/n>', 'bandwidth compression ratio', fraction, [1, 48] as [number, number])
    .option('--snr <lo:hi>', `training SNR range in dB (uniform per sample; within ${SNR_RANGE_TEXT})`, snrRange, [0, 20] as [number, number])
    .option('--steps <n>', 'total training steps', positiveInt, 10000)
    .option('--batch <n>', 'batch size', positiveInt, 16)
    .option('--lr <x>', 'peak learning rate (cosine schedule); default 1e-3 for mse, 1e-4 for mse+lpips+gan', positiveNumber)
    .option('--channels <c1,c2>', 'hidden channels: of the first layer, and of the others', intPair, [16, 32] as [number, number])
    .option('--downsample <n>', 'stride-2 stages of the encoder: 2 (stride 4, the face family) to 4 (stride 16)', positiveInt, 2)
    .addOption(new Option('--norm <n>', 'normalisation after each hidden conv: none, or gdn (GDN in the encoder, inverse GDN in the decoder)').choices(['none', 'gdn']).default('none'))
    .option('--crops', 'train on random --size×--size crops (with flips) of the images at their own size, validate on centre crops (photos); default: each image centre-cropped and resized to --size (faces)')
    .option('--no-adaptive', 'no SNR attention modules (one model per SNR)')
    .option('--seed <n>', 'seed of the initialisation, batches and channel', nonNegativeInt, 0)
    .option('--every <n>', 'steps between validation + checkpoint', positiveInt, 500)
    .option('--val-count <n>', 'validation images', positiveInt, 100)
    .option('--max-minutes <m>', 'stop this run after m minutes (checkpointed; resume later)', positiveNumber)
    .option('--resume', 'continue from --out if it exists')
    .option('--force', 'replace an existing --out instead of resuming it')
    .requiredOption('--out <file>', 'checkpoint file (.safetensors); an existing one needs --resume or --force');
  addChannelOptions(jscc)
    .action(async (o, cmd: Command) => {
      const adv = o.loss === 'mse+lpips+gan';
      if (!adv && o.lossWeights) throw new InvalidArgumentError('--loss-weights needs --loss mse+lpips+gan');
      const opts = {
        engine: createCliEngine,
        data: o.data,
        out: o.out,
        config: jsccConfig(o),
        crops: !!o.crops,
        snr: o.snr,
        channel: channelSpec(o, cmd),
        steps: o.steps,
        batch: o.batch,
        lr: o.lr ?? (adv ? 1e-4 : 1e-3),
        seed: o.seed,
        resume: !!o.resume,
        force: !!o.force,
        every: o.every,
        valCount: o.valCount,
        maxSeconds: o.maxMinutes ? o.maxMinutes * 60 : 0,
        commandLine: `commin ${process.argv.slice(2).join(' ')}`,
      };
      const r = adv
        ? await trainAdvJscc({ ...opts, init: o.init, lpips: o.lpips, weights: o.lossWeights ?? DEFAULT_ADV_WEIGHTS, dLr: o.dLr })
        : await trainJscc({ ...opts, init: o.init });
      process.exitCode = signalExitCode(r.signal);
    });
  addTrainDdpm(train);
  addTrainGan(train);
  train
    .command('inn')
    .description("train CommIN's INN so that its coarse part matches DeepJSCC's output at one SNR")
    .option('--data <dir>', 'image folder', DEFAULT_DATA)
    .option('--jscc <file>', 'DeepJSCC checkpoint (fixes size and BCR)', DEFAULT_JSCC_MODEL)
    .requiredOption('--snr <dB>', `channel SNR in dB (${SNR_RANGE_TEXT})`, snrDb)
    .addOption(new Option('--mode <m>', 'split').choices(['decimated', 'undecimated']).default('decimated'))
    .option('--levels <n>', 'levels J', positiveInt, DEFAULT_INN.levels)
    .option('--pairs <n>', '(P, U) lifting pairs per level', positiveInt, DEFAULT_INN.pairs)
    .option('--width <n>', 'channels of P and U', positiveInt, DEFAULT_INN.width)
    .option('--res-blocks <n>', 'residual blocks of P and U', positiveInt, DEFAULT_INN.resBlocks)
    .option('--steps <n>', 'training steps', positiveInt, 800)
    .option('--val-count <n>', 'validation faces scored at each checkpoint', positiveInt, 64)
    .option('--batch <n>', 'batch size', positiveInt, 16)
    .option('--lr <x>', 'peak learning rate', positiveNumber, 1e-3)
    .option('--seed <n>', 'seed', nonNegativeInt, 0)
    .option('--every <n>', 'steps between checkpoints', positiveInt, 100)
    .option('--init <file>', 'INN of the same config to start from (e.g. trained at another SNR or BCR)')
    .option('--max-minutes <m>', 'stop this run after m minutes (checkpointed)', positiveNumber)
    .option('--resume', 'continue from --out if it exists')
    .option('--force', 'replace an existing --out instead of resuming it')
    .requiredOption('--out <file>', 'checkpoint file (.safetensors); an existing one needs --resume or --force')
    .action(async (o) => {
      const r = await trainInn({
        engine: createCliEngine,
        valCount: o.valCount,
        data: o.data, jscc: o.jscc, snr: o.snr, out: o.out,
        config: { mode: o.mode, levels: o.levels, pairs: o.pairs, width: o.width, resBlocks: o.resBlocks },
        steps: o.steps, batch: o.batch, lr: o.lr, seed: o.seed, resume: !!o.resume, force: !!o.force, every: o.every, init: o.init,
        maxSeconds: o.maxMinutes ? o.maxMinutes * 60 : 0, commandLine: `commin ${process.argv.slice(2).join(' ')}`,
      });
      process.exitCode = signalExitCode(r.signal);
    });
  return train;
}
