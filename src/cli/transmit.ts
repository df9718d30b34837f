// `commin transmit IMAGE… --model ckpt --snr S --out DIR`: sends images through DeepJSCC over the AWGN
// channel and writes the received images with a metrics line per image. Inputs, outputs and the SNR are
// checked before the engine starts; a non-finite metric is an error, not a result.
import { createCliEngine } from './engine.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { addCommInOptions, comminOptions } from './commin_options.js';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { tensor } from '../kernels/create.js';
import { decodeImage, encodePng, imagesToNchw, nchwToImages, toSquare } from '../data/image.js';
import { loadDeepJscc } from '../models/load_jscc.js';
import { psnr } from '../metrics/psnr.js';
import { ssim } from '../metrics/ssim.js';
import { nonNegativeInt, positiveInt, snrDb, SNR_RANGE_TEXT } from './args.js';
import { checkNotInput, checkWritableFile, prepareOutputDir, uniqueStems } from './output.js';
import { checkMetrics } from './metric_check.js';
import { DEFAULT_JSCC_MODEL, LPIPS_WEIGHTS, MODELS_DIR } from './defaults.js';
import { loadUNet } from '../models/load_unet.js';
import { loadInn } from '../models/load_inn.js';
import { comminSample } from '../models/commin.js';
import { Lpips } from '../metrics/lpips.js';
import { lineChartSvg } from './plot.js';

export function transmitCommand(): Command {
  return addCommInOptions(new Command('transmit'))
    .description('transmit images over a noisy channel and reconstruct them')
    .argument('<images...>', 'PNG or JPEG files (centre-cropped and resized to the model size)')
    .option('--model <file>', 'DeepJSCC checkpoint', DEFAULT_JSCC_MODEL)
    .requiredOption('--snr <dB>', `channel SNR in dB (${SNR_RANGE_TEXT})`, snrDb)
    .option('--seed <n>', 'channel noise seed (same seed → same received symbols)', nonNegativeInt, 0)
    .option('--size <n>', 'expected model image size (checked against the model)', positiveInt)
    .addOption(new Option('--method <name>', 'reconstruction method(s): deepjscc, commin or both').choices(['deepjscc', 'commin', 'both']).default('deepjscc'))
    .option('--inn <file>', 'CommIN: INN trained for this SNR (default: models/inn_snr<S>.safetensors)')
    .option('--lpips <file>', 'LPIPS weights for the metrics line', LPIPS_WEIGHTS)
    .option('--force', 'use an INN trained for another SNR than --snr')
    .option('--verbose', "CommIN: print each step's ‖x_inn − x̂0‖, ‖target(y) − coarse(INN(x̂0))‖ and guidance RMS")
    .option('--diagnostics <file>', 'CommIN: write those per-step values as JSON, and a plot beside it (.svg); with several images one pair per image, FILE_<name>.json')
    .option('--out <dir>', 'output folder: NAME_original.png and NAME_<method>_snr<S>.png per image, NAME the file name without extension, NAME-2, NAME-3, … for repeated names (files of an earlier run with the same names are replaced)', 'out/transmit')
    .action(async (images: string[], o, cmd: Command) => {
      for (const f of images) if (!existsSync(f)) throw new Error(`image '${f}' does not exist`);
      if (!existsSync(o.model)) throw new Error(`model '${o.model}' does not exist`);
      // weights named on the command line must exist; the bundled default may be absent (no LPIPS then)
      const lpipsGiven = cmd.getOptionValueSource('lpips') !== 'default';
      if (lpipsGiven && !existsSync(o.lpips)) throw new Error(`LPIPS weights '${o.lpips}' do not exist`);
      if (!lpipsGiven && !existsSync(o.lpips)) console.warn(`warning: LPIPS weights '${o.lpips}' not found: no LPIPS in the metrics lines`);
      const methods: string[] = o.method === 'both' ? ['deepjscc', 'commin'] : [o.method];
      const innPath = o.inn ?? join(MODELS_DIR, `inn_snr${o.snr}.safetensors`);
      if (methods.includes('commin')) {
        if (!existsSync(o.prior)) throw new Error(`CommIN needs a diffusion prior: '${o.prior}' does not exist (train one with commin train ddpm, or pass --prior)`);
        if (!existsSync(innPath)) throw new Error(`CommIN needs an INN for ${o.snr} dB: '${innPath}' does not exist (train one with commin train inn --snr ${o.snr}, or pass --inn)`);
      }
      // outputs: writable, distinct per image, and never one of the inputs — all before the engine starts
      const stems = uniqueStems(images.map((f) => basename(f, extname(f))));
      const inputs = [...images, o.model, o.lpips, o.prior, innPath];
      prepareOutputDir(o.out);
      const diagPaths = o.diagnostics ? stems.map((stem) => diagnosticsPath(o.diagnostics, stem, images.length)) : [];
      for (const p of diagPaths) for (const f of [p, svgPath(p)]) {
        checkNotInput(f, inputs, 'diagnostics file');
        checkWritableFile(f, 'diagnostics file');
      }
      const engine = await createCliEngine();
      const { model } = loadDeepJscc(engine, new Uint8Array(readFileSync(o.model)), o.model);
      const lp = existsSync(o.lpips) ? Lpips.load(engine, new Uint8Array(readFileSync(o.lpips)), o.lpips) : null;
      let commin = null;
      if (methods.includes('commin')) {
        const loaded = loadInn(engine, new Uint8Array(readFileSync(innPath)), innPath);
        if (loaded.snr === null) console.warn(`warning: INN '${innPath}' does not record the SNR it was trained for`);
        else if (loaded.snr !== o.snr) {
          const what = `INN '${innPath}' was trained for ${loaded.snr} dB, the channel is at ${o.snr} dB`;
          if (!o.force) throw new Error(`${what}; pass --force to use it anyway, or train one with commin train inn --snr ${o.snr}`);
          console.warn(`warning: ${what} (--force)`);
        }
        commin = { ...loadUNet(engine, new Uint8Array(readFileSync(o.prior)), o.prior), inn: loaded.inn, innMeta: loaded.meta };
      }
      if (commin && commin.model.cfg.resolution !== model.cfg.size) throw new Error(`prior ${o.prior} is for ${commin.model.cfg.resolution}×${commin.model.cfg.resolution} images, DeepJSCC for ${model.cfg.size}×${model.cfg.size}`);
      const S = model.cfg.size;
      if (o.size && o.size !== S) throw new Error(`model ${o.model} is for ${S}×${S} images, not ${o.size}×${o.size}`);
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
        const stem = stems[i];
        writeFileSync(join(o.out, `${stem}_original.png`), encodePng(img));
        for (const method of methods) {
          let out = y;
          if (method === 'commin') {
            const steps: StepDiagnostics[] = [];
            const want = !!(o.verbose || o.diagnostics);
            out = await comminSample(commin!.model, commin!.inn, commin!.schedule, y, {
              ...comminOptions(o, o.snr, o.seed, lp), firstImage: i, diagnostics: want,
              onStep: want ? ({ i, t, diagnostics: d }) => {
                if (!d) return;
                const s = { i, t, innDistance: d.innDistance[0], coarseResidual: d.coarseResidual[0], guidanceRms: d.guidanceRms[0] ?? 0 };
                steps.push(s);
                if (o.verbose) console.log(`  step ${i + 1} t=${t}: ‖x_inn − x̂0‖ ${s.innDistance.toFixed(3)}, ‖target − coarse(INN(x̂0))‖ ${s.coarseResidual.toFixed(3)}, guidance RMS ${s.guidanceRms.toExponential(2)}`);
              } : undefined,
            });
            if (want) reportDiagnostics(o.verbose, diagPaths[i], f, steps, commin!.innMeta, S);
          }
          const [p] = await psnr(x, out);
          const [s] = await ssim(x, out);
          const l = lp ? await noGrad(() => lp.distance(x, out)).item() : undefined;
          checkMetrics(`${f} (${method}, ${o.snr} dB)`, { psnr: p, ssim: s, lpips: l });
          const outFile = join(o.out, `${stem}_${method}_snr${o.snr}.png`);
          writeFileSync(outFile, encodePng(nchwToImages(await out.data(), out.shape)[0]));
          console.log(`${basename(f)}: method ${method}, SNR ${o.snr} dB, ${model.symbols} symbols, BCR ${bcr}, PSNR ${p.toFixed(2)} dB, SSIM ${s.toFixed(4)}${l !== undefined ? `, LPIPS ${l.toFixed(4)}` : ''} → ${outFile}`);
          if (out !== y) out.dispose();
        }
        x.dispose();
        y.dispose();
      }
      engine.destroy();
    });
}

interface StepDiagnostics { i: number; t: number; innDistance: number; coarseResidual: number; guidanceRms: number }

/** FILE.json for one image; FILE_<stem>.json for each of several, so they do not overwrite each other. */
export function diagnosticsPath(file: string, stem: string, imageCount: number): string {
  return imageCount === 1 ? file : `${file.replace(/\.json$/, '')}_${stem}.json`;
}

const svgPath = (json: string) => json.replace(/\.json$/, '') + '.svg';

/** The INN's own error floor (its validation coarse MSE in [0, 1], as a [−1, 1]-range norm over a coarse image), per-step values as JSON and a plot. */
function reportDiagnostics(verbose: boolean | undefined, file: string | undefined, image: string, steps: StepDiagnostics[], innMeta: Record<string, string>, size: number): void {
  let floor: number | null = null;
  try {
    const history = JSON.parse(innMeta.history ?? '[]') as { valCoarseMse?: number }[];
    const cfg = JSON.parse(innMeta.config ?? '{}') as { levels?: number; mode?: string };
    const mse = history[history.length - 1]?.valCoarseMse;
    const side = size / (cfg.mode === 'decimated' ? 2 ** (cfg.levels ?? 0) : 1);
    if (mse !== undefined) floor = 2 * Math.sqrt(mse * 3 * side * side);
  } catch {
    floor = null;
  }
  if (verbose) console.log(`  the INN's validation error as the same norm: ${floor === null ? 'not recorded' : floor.toFixed(3)} (a coarse residual at this level is the INN's floor, not the prior's)`);
  if (!file) return;
  if (steps.length === 0) console.warn('warning: no guided steps (ζ = 0): no diagnostics to write');
  writeFileSync(file, JSON.stringify({ image, innErrorFloor: floor, steps }, null, 2) + '\n');
  const series = (k: keyof StepDiagnostics) => [{ name: k, points: steps.map((s) => [s.i + 1, s[k]] as [number, number]) }];
  const panels = [
    { title: '‖x_inn − x̂0‖', series: series('innDistance') },
    { title: '‖target − coarse(INN(x̂0))‖', series: floor === null ? series('coarseResidual') : [...series('coarseResidual'), { name: 'INN error floor', points: steps.map((s) => [s.i + 1, floor!] as [number, number]) }] },
    { title: 'guidance step RMS', series: series('guidanceRms') },
  ];
  writeFileSync(svgPath(file), lineChartSvg(panels, 'sampling step'));
}
