// `commin demo`: the main job on the bundled defaults — a few validation faces and a Kodak crop sent over
// the AWGN channel at several SNRs with the committed DeepJSCC model; writes a side-by-side grid, a metrics
// table (CSV and Markdown) and a plot (SVG) of PSNR and LPIPS against SNR.
import { createCliEngine } from './engine.js';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import { addCommInOptions, comminOptions } from './commin_options.js';
import cliProgress from 'cli-progress';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { tensor } from '../kernels/create.js';
import { decodeImage, encodePng, imagesToNchw, nchwToImages, toSquare, type RgbImage } from '../data/image.js';
import { imageGrid } from '../data/grid.js';
import { listImages, splitOf } from '../data/folder.js';
import { loadDeepJscc } from '../models/load_jscc.js';
import { psnr } from '../metrics/psnr.js';
import { ssim } from '../metrics/ssim.js';
import { Lpips } from '../metrics/lpips.js';
import { nonNegativeInt, snrList, SNR_RANGE_TEXT } from './args.js';
import { prepareOutputDir } from './output.js';
import { checkMetrics } from './metric_check.js';
import { BUNDLED_FACES, BUNDLED_KODAK, DEFAULT_DATA, DEFAULT_JSCC_MODEL, KODAK_DIR, LPIPS_WEIGHTS, MODELS_DIR } from './defaults.js';
import { loadUNet } from '../models/load_unet.js';
import { loadInn } from '../models/load_inn.js';
import { comminSample } from '../models/commin.js';
import { samplerTimesteps } from '../models/sampler.js';
import { lineChartSvg } from './plot.js';

interface Row { image: string; method: string; snr: number; psnr: number; ssim: number; lpips: number }

const isFolder = (p: string) => existsSync(p) && statSync(p).isDirectory();

export interface DemoImageOptions {
  /** face folder: its first `faces` validation images */
  data: string;
  /** Kodak folder: the first `kodakCount` images, centre-cropped */
  kodak: string;
  faces: number;
  kodakCount: number;
  /** Whether the folders were named on the command line: a named folder must exist, a default one may not. */
  named?: { data?: boolean; kodak?: boolean };
  bundledFaces?: string;
  bundledKodak?: string;
}

/**
 * The demo's images: validation faces from the face folder and Kodak images from the Kodak folder, or, where
 * a default folder is missing (a fresh clone without ../shared), the bundled 64×64 Kodak crops. Returns the
 * files and one line per source saying which was used.
 */
export function demoImages(o: DemoImageOptions): { files: string[]; sources: string[] } {
  const files: string[] = [];
  const sources: string[] = [];
  const bundledFaces = o.bundledFaces ?? BUNDLED_FACES, bundledKodak = o.bundledKodak ?? BUNDLED_KODAK;
  if (o.faces > 0) {
    if (isFolder(o.data) || o.named?.data) {
      const f = listImages(o.data).filter((p) => splitOf(p) === 'val').slice(0, o.faces);
      files.push(...f);
      sources.push(`faces: ${f.length} validation faces from ${o.data}`);
    } else {
      const f = listImages(bundledFaces).slice(0, o.faces);
      files.push(...f);
      sources.push(`faces: no face folder at ${o.data} (UTKFace, not bundled); using ${f.length} bundled Kodak portrait crops from ${bundledFaces}`);
    }
  }
  if (o.kodakCount > 0) {
    if (isFolder(o.kodak) || o.named?.kodak) {
      const f = listImages(o.kodak).slice(0, o.kodakCount);
      files.push(...f);
      sources.push(`Kodak: ${f.length} centre crop${f.length === 1 ? '' : 's'} from ${o.kodak}`);
    } else {
      const f = listImages(bundledKodak).slice(0, o.kodakCount);
      files.push(...f);
      sources.push(`Kodak: no Kodak folder at ${o.kodak}; using ${f.length} bundled centre crop${f.length === 1 ? '' : 's'} from ${bundledKodak}`);
    }
  }
  if (files.length === 0) throw new Error(`no images: --faces and --kodak-count are 0, or the folders hold no validation faces / images`);
  return { files, sources };
}

export function demoCommand(): Command {
  return addCommInOptions(new Command('demo'))
    .description('transmit sample images at several SNRs and write a grid, metrics (CSV/Markdown) and a plot')
    .option('--data <dir>', 'face folder (validation split images are used); where the default is missing, bundled Kodak portrait crops', DEFAULT_DATA)
    .option('--kodak <dir>', 'Kodak folder (centre crops are added); where the default is missing, bundled crops', KODAK_DIR)
    .option('--faces <n>', 'validation faces', nonNegativeInt, 4)
    .option('--kodak-count <n>', 'Kodak images (centre crops)', nonNegativeInt, 1)
    .option('--snr <list>', `SNRs in dB (each ${SNR_RANGE_TEXT})`, snrList, [1, 4, 7])
    .option('--model <file>', 'DeepJSCC checkpoint', DEFAULT_JSCC_MODEL)
    .option('--lpips <file>', 'LPIPS weights', LPIPS_WEIGHTS)
    .option('--seed <n>', 'channel seed', nonNegativeInt, 0)
    .option('--inn-dir <dir>', 'CommIN: folder with inn_snr<S>.safetensors per SNR', MODELS_DIR)
    .option('--out <dir>', 'output folder (grid.png, metrics.csv, metrics.md, plot.svg; those of an earlier run are replaced)', 'out/demo')
    .action(async (o, cmd: Command) => {
      for (const [what, p] of [['model', o.model], ['LPIPS weights', o.lpips]]) if (!existsSync(p)) throw new Error(`${what} '${p}' does not exist`);
      prepareOutputDir(o.out);
      const { files, sources } = demoImages({ data: o.data, kodak: o.kodak, faces: o.faces, kodakCount: o.kodakCount,
        named: { data: cmd.getOptionValueSource('data') === 'cli', kodak: cmd.getOptionValueSource('kodak') === 'cli' } });
      for (const line of sources) console.log(line);
      const engine = await createCliEngine();
      const { model } = loadDeepJscc(engine, new Uint8Array(readFileSync(o.model)), o.model);
      const lp = Lpips.load(engine, new Uint8Array(readFileSync(o.lpips)), o.lpips);
      const S = model.cfg.size;
      // CommIN joins when its models exist: the prior and one INN per SNR
      const innFor = (snr: number) => join(o.innDir, `inn_snr${snr}.safetensors`);
      const useCommin = existsSync(o.prior) && (o.snr as number[]).every((snr) => existsSync(innFor(snr)));
      const prior = useCommin ? loadUNet(engine, new Uint8Array(readFileSync(o.prior)), o.prior) : null;
      if (!useCommin) console.log(`CommIN skipped: needs ${o.prior} and ${(o.snr as number[]).map(innFor).join(', ')}`);
      const images = files.map((f) => toSquare(decodeImage(new Uint8Array(readFileSync(f)), f), S));
      const { data, shape } = imagesToNchw(images);
      const x = tensor(engine, data, shape);
      const rows: Row[] = [];
      const addRow = (r: Row) => {
        checkMetrics(`${r.image} (${r.method}, ${r.snr} dB)`, { psnr: r.psnr, ssim: r.ssim, lpips: r.lpips });
        rows.push(r);
      };
      const recon: RgbImage[][] = images.map((im) => [im]);
      const c0 = comminOptions(o, o.snr[0], o.seed, lp);
      const stepsPerSnr = prior ? samplerTimesteps(prior.schedule, { method: c0.method, steps: c0.steps, init: c0.startT !== undefined ? { x0: x, startT: c0.startT } : undefined }).length : 0;
      console.log(`${files.length} images at ${(o.snr as number[]).join(', ')} dB${prior ? `; CommIN (${o.preset} preset): ${stepsPerSnr} ${c0.method.toUpperCase()} steps per SNR from ${c0.startT !== undefined ? `y noised to t = ${c0.startT}` : 'pure noise'}` : ''}`);
      const bar = prior ? new cliProgress.SingleBar({ format: 'CommIN |{bar}| {value}/{total} steps | {snr} dB | ETA {eta_formatted}', noTTYOutput: true, notTTYSchedule: 20_000 }, cliProgress.Presets.shades_classic) : null;
      let done = 0;
      bar?.start((o.snr as number[]).length * stepsPerSnr, 0, { snr: o.snr[0] });
      for (const snr of o.snr as number[]) {
        const y = noGrad(() => tidy(() => model.forward(x, tensor(engine, images.map(() => snr), [images.length]), o.seed)));
        const [p, s] = [await psnr(x, y), await ssim(x, y)];
        const l = await noGrad(() => lp.distance(x, y)).data();
        nchwToImages(await y.data(), y.shape).forEach((im, i) => recon[i].push(im));
        files.forEach((f, i) => addRow({ image: basename(f), method: 'DeepJSCC', snr, psnr: p[i], ssim: s[i], lpips: l[i] }));
        if (prior) {
          const { inn } = loadInn(engine, new Uint8Array(readFileSync(innFor(snr))), innFor(snr));
          const c = await comminSample(prior.model, inn, prior.schedule, y, { ...comminOptions(o, snr, o.seed, lp),
            onStep: () => { bar?.update(++done, { snr }); } });
          const [pc, sc] = [await psnr(x, c), await ssim(x, c)];
          const lc = await noGrad(() => lp.distance(x, c)).data();
          nchwToImages(await c.data(), c.shape).forEach((im, i) => recon[i].push(im));
          files.forEach((f, i) => addRow({ image: basename(f), method: 'CommIN', snr, psnr: pc[i], ssim: sc[i], lpips: lc[i] }));
          c.dispose();
          inn.dispose();
        }
        y.dispose();
      }
      bar?.stop();
      writeFileSync(join(o.out, 'grid.png'), encodePng(imageGrid(recon)));
      const csv = ['image,method,snr_db,psnr_db,ssim,lpips_squeeze', ...rows.map((r) => `${r.image},${r.method},${r.snr},${r.psnr.toFixed(3)},${r.ssim.toFixed(4)},${r.lpips.toFixed(4)}`)];
      writeFileSync(join(o.out, 'metrics.csv'), csv.join('\n') + '\n');
      const methods = prior ? ['DeepJSCC', 'CommIN'] : ['DeepJSCC'];
      const mean = (snr: number, k: 'psnr' | 'ssim' | 'lpips', method = 'DeepJSCC') => {
        const r = rows.filter((q) => q.snr === snr && q.method === method);
        return r.reduce((a, q) => a + q[k], 0) / r.length;
      };
      const md = [
        `Columns of grid.png: original, then ${methods.join(' | ')} at each of ${o.snr.join(', ')} dB. BCR ${model.cfg.bcr[0]}/${model.cfg.bcr[1]}, ${model.symbols} complex symbols per ${S}×${S} image. LPIPS: squeeze v0.1.`,
        '',
        '| image | method | SNR (dB) | PSNR (dB) | SSIM | LPIPS |',
        '|---|---|---|---|---|---|',
        ...rows.map((r) => `| ${r.image} | ${r.method} | ${r.snr} | ${r.psnr.toFixed(2)} | ${r.ssim.toFixed(3)} | ${r.lpips.toFixed(3)} |`),
        ...methods.flatMap((m) => o.snr.map((snr: number) => `| **mean** | ${m} | ${snr} | ${mean(snr, 'psnr', m).toFixed(2)} | ${mean(snr, 'ssim', m).toFixed(3)} | ${mean(snr, 'lpips', m).toFixed(3)} |`)),
      ];
      writeFileSync(join(o.out, 'metrics.md'), md.join('\n') + '\n');
      writeFileSync(join(o.out, 'plot.svg'), lineChartSvg([
        { title: 'PSNR (dB)', series: methods.map((m) => ({ name: m, points: o.snr.map((s: number) => [s, mean(s, 'psnr', m)] as [number, number]) })) },
        { title: 'LPIPS (squeeze)', series: methods.map((m) => ({ name: m, points: o.snr.map((s: number) => [s, mean(s, 'lpips', m)] as [number, number]) })) },
      ], 'SNR (dB)'));
      for (const snr of o.snr) for (const m of methods) console.log(`SNR ${snr} dB: ${m} PSNR ${mean(snr, 'psnr', m).toFixed(2)} dB, SSIM ${mean(snr, 'ssim', m).toFixed(3)}, LPIPS ${mean(snr, 'lpips', m).toFixed(3)} (mean of ${files.length} images)`);
      console.log(`wrote ${join(o.out, 'grid.png')}, metrics.csv, metrics.md and plot.svg`);
      engine.destroy();
    });
}
