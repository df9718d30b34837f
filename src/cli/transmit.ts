// `commin transmit IMAGE… --model ckpt --snr S --out DIR`: sends images through DeepJSCC over the AWGN
// channel and writes the received images with a metrics line per image.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { Engine } from '../engine/engine.js';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { tensor } from '../kernels/create.js';
import { decodeImage, encodePng, imagesToNchw, nchwToImages, toSquare } from '../data/image.js';
import { loadDeepJscc } from '../models/load_jscc.js';
import { psnr } from '../metrics/psnr.js';
import { ssim } from '../metrics/ssim.js';
import { nonNegativeInt, number, positiveInt } from './args.js';
import { DEFAULT_JSCC_MODEL } from './defaults.js';

export function transmitCommand(): Command {
  return new Command('transmit')
    .description('transmit images over a noisy channel and reconstruct them')
    .argument('<images...>', 'PNG or JPEG files (centre-cropped and resized to the model size)')
    .option('--model <file>', 'DeepJSCC checkpoint', DEFAULT_JSCC_MODEL)
    .requiredOption('--snr <dB>', 'channel SNR in dB', number)
    .option('--seed <n>', 'channel noise seed (same seed → same received symbols)', nonNegativeInt, 0)
    .option('--size <n>', 'expected model image size (checked against the model)', positiveInt)
    .addOption(new Option('--method <name>', 'reconstruction method').choices(['deepjscc']).default('deepjscc'))
    .option('--out <dir>', 'output folder', 'out/transmit')
    .action(async (images: string[], o) => {
      for (const f of images) if (!existsSync(f)) throw new Error(`image '${f}' does not exist`);
      if (!existsSync(o.model)) throw new Error(`model '${o.model}' does not exist`);
      const engine = await Engine.create();
      const { model } = loadDeepJscc(engine, new Uint8Array(readFileSync(o.model)), o.model);
      const S = model.cfg.size;
      if (o.size && o.size !== S) throw new Error(`model ${o.model} is for ${S}×${S} images, not ${o.size}×${o.size}`);
      mkdirSync(o.out, { recursive: true });
      const bcr = `${model.cfg.bcr[0]}/${model.cfg.bcr[1]}`;
      for (const [i, f] of images.entries()) {
        const img = toSquare(decodeImage(new Uint8Array(readFileSync(f)), f), S);
        const { data, shape } = imagesToNchw([img]);
        const [x, y] = noGrad(() =>
          tidy(() => {
            const x = tensor(engine, data, shape);
            return [x, model.forward(x, tensor(engine, [o.snr], [1]), o.seed, i)];
          }),
        );
        const [p] = await psnr(x, y);
        const [s] = await ssim(x, y);
        const stem = basename(f, extname(f));
        writeFileSync(join(o.out, `${stem}_original.png`), encodePng(img));
        const outFile = join(o.out, `${stem}_${o.method}_snr${o.snr}.png`);
        writeFileSync(outFile, encodePng(nchwToImages(await y.data(), y.shape)[0]));
        console.log(`${basename(f)}: method ${o.method}, SNR ${o.snr} dB, ${model.symbols} symbols, BCR ${bcr}, PSNR ${p.toFixed(2)} dB, SSIM ${s.toFixed(4)} → ${outFile}`);
        x.dispose();
        y.dispose();
      }
      engine.destroy();
    });
}
