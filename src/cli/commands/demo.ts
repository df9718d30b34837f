// `commin demo`: the main job on the bundled defaults — a few validation faces and a Kodak crop sent over
// the channel (--channel; default AWGN) at several SNRs with the committed DeepJSCC model and reconstructed by each method (the
// pipeline's); writes a side-by-side grid (one column per method and SNR), a metrics table (CSV and
// Markdown) and a plot (SVG) of PSNR and LPIPS against SNR.
import { writeFileAtomic } from '../../util/atomic_write.js';
import { createCliEngine } from '../engine.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command, Option } from 'commander';
import { addChannelOptions, channelSpec } from '../options/channel.js';
import { trainedChannelNote } from '../options/channel_note.js';
import { addMethodOptions, addModelOptions } from '../options/method_flags.js';
import { describeMissing, requireAvailable } from '../options/model_commands.js';
import cliProgress from 'cli-progress';
import { tensor } from '../../kernels/create.js';
import { decodeImage, encodePng, imagesToNchw, nchwToImages, toSquare, type RgbImage } from '../../data/image.js';
import { labelledGrid } from '../../data/grid.js';
import { demoPhotos } from './demo_photos.js';
import { listImages, splitOf } from '../../data/folder.js';
import { nonNegativeInt, snrList, SNR_RANGE_TEXT } from '../options/args.js';
import { prepareOutputDir } from '../../util/output.js';
import { checkMetrics } from '../../eval/metric_check.js';
import { BUNDLED_FACES, BUNDLED_KODAK, BUNDLED_PHOTOS, DEFAULT_DATA, KODAK_DIR, LPIPS_WEIGHTS, MODELS_DIR } from '../defaults.js';
import { lineChartSvg } from '../../eval/plot.js';
import { DEFAULT_METHODS, describeChannel, getMethod, loadSystem, methodNames, methodOptionsFromFlags, runBatch, settingsOf, splitAvailable, type Method } from '../../pipeline/index.js';
import { cliSource, methodList } from '../options/methods.js';
import { addBcrOption, chosenModel } from '../options/bcr.js';

/** A row label: the file name without extensions, shortened (UTKFace names run to 30 characters). */
const shortName = (f: string) => { const s = f.replace(/\..*$/, ''); return s.length > 12 ? `${s.slice(0, 10)}..` : s; };

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
  return addBcrOption(addChannelOptions(addMethodOptions(addModelOptions(new Command('demo')))), false)
    .description('transmit sample images at several SNRs and write a grid, metrics (CSV/Markdown) and a plot')
    .option('--data <dir>', 'face folder (validation split images are used); where the default is missing, bundled Kodak portrait crops', DEFAULT_DATA)
    .option('--kodak <dir>', 'Kodak folder (centre crops are added); where the default is missing, bundled crops', KODAK_DIR)
    .option('--faces <n>', 'validation faces', nonNegativeInt, 4)
    .option('--kodak-count <n>', 'Kodak images (centre crops)', nonNegativeInt, 1)
    .option('--snr <list>', `SNRs in dB (each ${SNR_RANGE_TEXT})`, snrList, [1, 4, 7])
    .option('--model <family|file>', 'the face grid\'s DeepJSCC: faces (the bundled face family, --bcr picks the BCR) or a checkpoint', 'faces')
    .option('--lpips <file>', 'LPIPS weights', LPIPS_WEIGHTS)
    .option('--seed <n>', 'channel seed', nonNegativeInt, 0)
    .option('--inn-dir <dir>', 'CommIN: folder with the INNs per SNR: inn_snr<S>.safetensors (BCR 1/48), inn_bcr<k>-<n>_snr<S>.safetensors (others)', MODELS_DIR)
    .addOption(new Option('--methods <names>', `reconstruction methods, comma-separated (${methodNames().join(', ')}; default: deepjscc, and commin when its models exist)`).argParser(methodList))
    .option('--photos <dir>', 'photos sent at their own size through the natural family (photos_grid.png)', BUNDLED_PHOTOS)
    .option('--no-photos', 'no photos')
    .option('--out <dir>', 'output folder (grid.png, photos_grid.png, metrics.csv, metrics.md, plot.svg; those of an earlier run are replaced)', 'out/demo')
    .action(async (o, cmd: Command) => {
      o.model = chosenModel(o);
      for (const [what, p] of [['model', o.model], ['LPIPS weights', o.lpips]]) if (!existsSync(p)) throw new Error(`${what} '${p}' does not exist`);
      const channel = channelSpec(o, cmd);
      prepareOutputDir(o.out);
      const { files, sources } = demoImages({ data: o.data, kodak: o.kodak, faces: o.faces, kodakCount: o.kodakCount,
        named: { data: cmd.getOptionValueSource('data') === 'cli', kodak: cmd.getOptionValueSource('kodak') === 'cli' } });
      for (const line of sources) console.log(line);
      const snrs = o.snr as number[];
      const engine = await createCliEngine();
      const system = await loadSystem(engine, cliSource(o));
      const model = system.jscc;
      const S = model.cfg.size;
      const note = trainedChannelNote(system.jsccMeta, o.model, channel);
      if (note) console.log(note);
      // named methods must run; by default CommIN joins when its models exist (the prior and one INN per SNR)
      let methods: Method[];
      if (o.methods) await requireAvailable(system, (methods = o.methods), snrs);
      else {
        const { ready, skipped } = await splitAvailable(system, DEFAULT_METHODS.map(getMethod), snrs);
        for (const k of skipped) console.log(`${k.method.label} skipped: needs ${k.models.map((m) => describeMissing(system, m)).join(', ')}`);
        methods = ready;
      }
      const images = files.map((f) => toSquare(decodeImage(new Uint8Array(readFileSync(f)), f), S));
      const { data, shape } = imagesToNchw(images);
      const x = tensor(engine, data, shape);
      const rows: Row[] = [];
      const recon: RgbImage[][] = images.map((im) => [im]);
      // the progress bar counts the sampling steps of the methods that sample (the slow part)
      const options = methodOptionsFromFlags(o);
      const prior = methods.some((m) => m.steps) ? await system.prior() : null;
      const stepsOf = (m: Method, snr: number) => (prior && m.steps ? m.steps(options, snr, prior.schedule) : 0);
      const from = (startT: number | undefined) => (startT !== undefined ? `y noised to t = ${startT}` : 'pure noise');
      const about = methods.map((m) => {
        const d = m.settings?.describe?.(settingsOf(m, options), snrs[0], o.seed, system.lpips);
        return d ? `; ${d.title}: ${stepsOf(m, snrs[0])} ${d.method.toUpperCase()} steps per SNR from ${from(d.startT)}` : '';
      }).join('');
      console.log(`${files.length} images at ${snrs.join(', ')} dB${channel.kind === 'awgn' ? '' : ` over ${describeChannel(channel)}`}; methods: ${methods.map((m) => m.label).join(', ')}${about}`);
      const total = snrs.reduce((a, snr) => a + methods.reduce((b, m) => b + stepsOf(m, snr), 0), 0);
      const bar = total ? new cliProgress.SingleBar({ format: 'sampling |{bar}| {value}/{total} steps | {snr} dB | ETA {eta_formatted}', noTTYOutput: true, notTTYSchedule: 20_000 }, cliProgress.Presets.shades_classic) : null;
      let done = 0;
      bar?.start(total, 0, { snr: snrs[0] });
      for (const snr of snrs) {
        await runBatch(system, x, {
          methods, snr, seed: o.seed, channel, options,
          onStep: bar ? () => { bar.update(++done, { snr }); } : undefined,
          visit: async ({ method, out, scores }) => {
            nchwToImages(await out.data(), out.shape).forEach((im, i) => recon[i].push(im));
            files.forEach((f, i) => {
              const r = { image: basename(f), method: method.label, snr, psnr: scores.psnr[i], ssim: scores.ssim[i], lpips: scores.lpips![i] };
              checkMetrics(`${r.image} (${r.method}, ${r.snr} dB)`, { psnr: r.psnr, ssim: r.ssim, lpips: r.lpips });
              rows.push(r);
            });
          },
        });
      }
      bar?.stop();
      x.dispose();
      // tiles ×3 so 64×64 faces are visible; the caption under each: PSNR / LPIPS
      const captions = recon.map((r, i) => ['', ...rows.filter((q) => q.image === basename(files[i])).map((q) => `${q.psnr.toFixed(1)}dB/${q.lpips.toFixed(3)}`)]);
      writeFileAtomic(join(o.out, 'grid.png'), encodePng(labelledGrid({
        title: `${S}x${S} faces (face family), BCR ${model.cfg.bcr[0]}/${model.cfg.bcr[1]} (k = ${model.symbols} symbols), ${describeChannel(channel)}. Caption: PSNR / LPIPS`,
        columns: ['original', ...snrs.flatMap((snr) => methods.map((m) => `${m.label}\n${snr} dB`))],
        rows: recon.map((tiles, i) => ({ label: shortName(basename(files[i])), tiles, captions: captions[i] })),
        upscale: 3,
      })));
      // the bundled photos at their own size through the natural family
      const photoRows = o.photos ? await demoPhotos(engine, { folder: o.photos, snrs, lpips: o.lpips, seed: o.seed, channel, out: o.out, firstImage: files.length }) : null;
      if (photoRows) rows.push(...photoRows);
      writeTables(o.out, rows, [...new Set(rows.map((r) => r.method))], snrs, `Channel ${describeChannel(channel)}; BCR ${model.cfg.bcr[0]}/${model.cfg.bcr[1]}, ${model.symbols} complex symbols per ${S}×${S} image. LPIPS: squeeze v0.1.`);
      console.log(`wrote ${join(o.out, 'grid.png')}${photoRows ? ', photos_grid.png' : ''}, metrics.csv, metrics.md and plot.svg`);
      engine.destroy();
    });
}

/** metrics.csv, metrics.md and plot.svg: every row, then per method and SNR the means, printed too. */
function writeTables(out: string, rows: Row[], methods: string[], snrs: number[], about: string): void {
  const csv = ['image,method,snr_db,psnr_db,ssim,lpips_squeeze', ...rows.map((r) => `${r.image},${r.method},${r.snr},${r.psnr.toFixed(3)},${r.ssim.toFixed(4)},${r.lpips.toFixed(4)}`)];
  writeFileAtomic(join(out, 'metrics.csv'), csv.join('\n') + '\n');
  const mean = (snr: number, k: 'psnr' | 'ssim' | 'lpips', method: string) => {
    const r = rows.filter((q) => q.snr === snr && q.method === method);
    return r.reduce((a, q) => a + q[k], 0) / r.length;
  };
  const md = [
    `Columns of grid.png: original, then ${methods.join(' | ')} at each of ${snrs.join(', ')} dB. ${about}`,
    '',
    '| image | method | SNR (dB) | PSNR (dB) | SSIM | LPIPS |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.image} | ${r.method} | ${r.snr} | ${r.psnr.toFixed(2)} | ${r.ssim.toFixed(3)} | ${r.lpips.toFixed(3)} |`),
    ...methods.flatMap((m) => snrs.map((snr) => `| **mean** | ${m} | ${snr} | ${mean(snr, 'psnr', m).toFixed(2)} | ${mean(snr, 'ssim', m).toFixed(3)} | ${mean(snr, 'lpips', m).toFixed(3)} |`)),
  ];
  writeFileAtomic(join(out, 'metrics.md'), md.join('\n') + '\n');
  writeFileAtomic(join(out, 'plot.svg'), lineChartSvg([
    { title: 'PSNR (dB)', series: methods.map((m) => ({ name: m, points: snrs.map((s) => [s, mean(s, 'psnr', m)] as [number, number]) })) },
    { title: 'LPIPS (squeeze)', series: methods.map((m) => ({ name: m, points: snrs.map((s) => [s, mean(s, 'lpips', m)] as [number, number]) })) },
  ], 'SNR (dB)'));
  for (const snr of snrs) for (const m of methods) console.log(`SNR ${snr} dB: ${m} PSNR ${mean(snr, 'psnr', m).toFixed(2)} dB, SSIM ${mean(snr, 'ssim', m).toFixed(3)}, LPIPS ${mean(snr, 'lpips', m).toFixed(3)} (mean of ${rows.filter((r) => r.snr === snr && r.method === m).length} images)`);
}
