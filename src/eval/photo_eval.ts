// Evaluation of the natural family on photographs at their own size (Kodak: 768×512): each image padded to
// the encoder's stride, sent once per (BCR, SNR), reconstructed by each method on the same received symbols,
// scored on its own pixels with PSNR, MS-SSIM and LPIPS-squeeze. Per-image rows, per-setting means, paired
// 95 % confidence intervals of every method against DeepJSCC of the same BCR, curves against SNR and BCR,
// and labelled side-by-side reconstructions of chosen images.
import { writeFileAtomic } from '../util/atomic_write.js';
import { basename, extname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Engine } from '../engine/engine.js';
import { tensor } from '../kernels/create.js';
import { decodeImage, encodePng, imagesToNchw, nchwToImages, type RgbImage } from '../data/image.js';
import { labelledGrid } from '../data/grid.js';
import { msSsim } from '../metrics/ssim.js';
import { loadSystem, runBatch, type ByteSource, type ChannelSpec, type Method, type System } from '../pipeline/index.js';
import { padForJscc } from '../pipeline/region.js';
import { meanCi, formatCi } from './stats.js';
import { lineChartSvg, type Panel } from './plot.js';

/** One DeepJSCC to evaluate: its BCR, where its files are, and the methods that run on it. */
export interface PhotoModel {
  bcr: [number, number];
  source: ByteSource;
  methods: Method[];
}

export interface PhotoEvalOptions {
  images: string[];
  models: PhotoModel[];
  snrs: number[];
  seed: number;
  channel: ChannelSpec;
  out: string;
  /** Stems of images whose reconstructions are drawn side by side (at saveSnr, every BCR). */
  save: string[];
  saveSnr: number;
  /** The method every other is compared with (paired CIs). */
  reference: string;
  log?: (s: string) => void;
}

export interface PhotoRow { image: string; method: string; label: string; bcr: string; snr: number; symbols: number; psnr: number; msSsim: number; lpips: number }

export interface PhotoSummaryRow {
  method: string; label: string; bcr: string; snr: number; images: number; symbols: number;
  psnr: number; msSsim: number; lpips: number;
  /** method − reference, paired by image: [mean, 95 % half-width] (absent for the reference itself). */
  vsReference?: { psnr: [number, number]; msSsim: [number, number]; lpips: [number, number] };
}

const bcrText = (b: [number, number]) => `${b[0]}/${b[1]}`;
const stem = (f: string) => basename(f, extname(f));
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** Runs the evaluation; writes per_image.csv, summary.json, summary.md and the plots into o.out. */
export async function evaluatePhotos(engine: Engine, o: PhotoEvalOptions): Promise<{ rows: PhotoRow[]; summary: PhotoSummaryRow[] }> {
  const log = o.log ?? console.log;
  const rows: PhotoRow[] = [];
  const photos = o.images.map((f) => ({ file: f, img: decodeImage(new Uint8Array(readFileSync(f)), f) }));
  const saved = new Map<string, { img: RgbImage; columns: string[]; tiles: RgbImage[]; captions: string[] }>();
  for (const m of o.models) {
    const system = await loadSystem(engine, m.source);
    try {
      const bar = new cliProgress.SingleBar({ format: `BCR ${bcrText(m.bcr)} |{bar}| {value}/{total} sends | {image} | ETA {eta_formatted}`, noTTYOutput: true, notTTYSchedule: 30_000 }, cliProgress.Presets.shades_classic);
      bar.start(photos.length * o.snrs.length, 0, { image: '' });
      for (const [i, p] of photos.entries()) {
        const sent = padForJscc(p.img, system.jscc);
        const region = sent === p.img ? undefined : { height: p.img.height, width: p.img.width };
        const x = tensor(engine, imagesToNchw([sent]).data, [1, 3, sent.height, sent.width]);
        const original = tensor(engine, imagesToNchw([p.img]).data, [1, 3, p.img.height, p.img.width]);
        const symbols = system.jscc.symbolsFor(sent.height, sent.width);
        for (const snr of o.snrs) {
          await sendOne(system, x, original, { ...o, methods: m.methods, snr, firstImage: i, region }, async (method, out, s) => {
            const row = { image: basename(p.file), method: method.name, label: method.label, bcr: bcrText(m.bcr), snr, symbols, ...s };
            for (const [k, v] of Object.entries(s)) if (!Number.isFinite(v)) throw new Error(`${row.image} (${method.name}, BCR ${row.bcr}, ${snr} dB): ${k} is ${v}`);
            rows.push(row);
            if (snr === o.saveSnr && o.save.includes(stem(p.file))) {
              const key = `${stem(p.file)}|${row.bcr}`;
              if (!saved.has(key)) saved.set(key, { img: p.img, columns: ['original'], tiles: [p.img], captions: [`${p.img.width}x${p.img.height}`] });
              const e = saved.get(key)!;
              e.columns.push(method.label);
              e.tiles.push(nchwToImages(await out.data(), out.shape)[0]);
              e.captions.push(`PSNR ${s.psnr.toFixed(2)} dB, MS-SSIM ${s.msSsim.toFixed(3)}, LPIPS ${s.lpips.toFixed(3)}`);
            }
          });
          bar.increment(1, { image: basename(p.file) });
        }
        x.dispose();
        original.dispose();
        await engine.throttle();
      }
      bar.stop();
    } finally {
      system.jscc.dispose();
      system.lpips?.dispose();
      (await system.adv())?.model.dispose();
    }
  }
  const summary = summarise(rows, o.reference);
  writeOutputs(o, rows, summary, log);
  for (const [key, e] of saved) {
    const [name, bcr] = key.split('|');
    const file = join(o.out, `${name}_bcr${bcr.replace('/', '-')}_snr${o.saveSnr}.png`);
    const title = `${name} at its own size, BCR ${bcr} (${rows.find((r) => r.image.startsWith(name) && r.bcr === bcr)?.symbols} complex symbols), ${o.saveSnr} dB ${o.channel.kind.toUpperCase()}`;
    writeFileAtomic(file, encodePng(labelledGrid({ title, columns: e.columns, rows: [{ tiles: e.tiles, captions: e.captions }], textScale: 2 })));
    log(`wrote ${file}`);
  }
  return { rows, summary };
}

/** One image at one SNR through every method; MS-SSIM against the unpadded original. */
async function sendOne(
  system: System, x: ReturnType<typeof tensor>, original: ReturnType<typeof tensor>,
  req: { methods: Method[]; snr: number; seed: number; channel: ChannelSpec; firstImage: number; region?: { height: number; width: number } },
  visit: (m: Method, out: ReturnType<typeof tensor>, s: { psnr: number; msSsim: number; lpips: number }) => Promise<void>,
): Promise<void> {
  await runBatch(system, x, {
    ...req,
    visit: async ({ method, out, scores }) => {
      const ms = (await msSsim(original, out)).values[0];
      if (scores.lpips === undefined) throw new Error('the photo evaluation needs LPIPS weights (--lpips)');
      await visit(method, out, { psnr: scores.psnr[0], msSsim: ms, lpips: scores.lpips[0] });
    },
  });
}

/** Means per (method, BCR, SNR) and each method's paired difference from the reference of the same BCR and SNR. */
export function summarise(rows: PhotoRow[], reference: string): PhotoSummaryRow[] {
  const groups = new Map<string, PhotoRow[]>();
  for (const r of rows) {
    const k = `${r.method}|${r.bcr}|${r.snr}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return [...groups.values()].map((g) => {
    const { method, label, bcr, snr, symbols } = g[0];
    const row: PhotoSummaryRow = { method, label, bcr, snr, images: g.length, symbols, psnr: mean(g.map((r) => r.psnr)), msSsim: mean(g.map((r) => r.msSsim)), lpips: mean(g.map((r) => r.lpips)) };
    const ref = groups.get(`${reference}|${bcr}|${snr}`);
    if (method !== reference && ref) {
      const byImage = new Map(ref.map((r) => [r.image, r]));
      const pairs = g.filter((r) => byImage.has(r.image));
      if (pairs.length >= 2) {
        const d = (k: 'psnr' | 'msSsim' | 'lpips') => meanCi(pairs.map((r) => r[k] - byImage.get(r.image)![k]));
        row.vsReference = { psnr: d('psnr'), msSsim: d('msSsim'), lpips: d('lpips') };
      }
    }
    return row;
  });
}

/** The rows of per_image.csv files written by evaluatePhotos; `label` names a method for the tables. */
export function readPhotoRows(text: string, label: (method: string) => string, what = 'per_image.csv'): PhotoRow[] {
  const [head, ...lines] = text.trim().split('\n');
  if (head !== PHOTO_CSV_HEADER) throw new Error(`${what}: not a photo evaluation's per_image.csv (header ${head})`);
  return lines.map((l, i) => {
    const f = l.split(',');
    if (f.length !== 8) throw new Error(`${what}: line ${i + 2} has ${f.length} fields, not 8`);
    const [image, method, bcr, snr, symbols, psnr, msSsim, lpips] = f;
    return { image, method, label: label(method), bcr, snr: +snr, symbols: +symbols, psnr: +psnr, msSsim: +msSsim, lpips: +lpips };
  });
}

export const PHOTO_CSV_HEADER = 'image,method,bcr,snr_db,symbols,psnr_db,ms_ssim,lpips_squeeze';

/** per_image.csv, summary.json, summary.md and the plots of a photo evaluation (also of several merged: tools/photo_summary.ts). */
export function writeOutputs(o: Pick<PhotoEvalOptions, 'out' | 'images' | 'snrs' | 'seed' | 'channel' | 'reference'>, rows: PhotoRow[], summary: PhotoSummaryRow[], log: (s: string) => void): void {
  writeFileAtomic(join(o.out, 'per_image.csv'), [PHOTO_CSV_HEADER, ...rows.map((r) => [r.image, r.method, r.bcr, r.snr, r.symbols, r.psnr.toFixed(3), r.msSsim.toFixed(4), r.lpips.toFixed(4)].join(','))].join('\n') + '\n');
  writeFileAtomic(join(o.out, 'summary.json'), JSON.stringify({ images: o.images.map((f) => basename(f)), snrs: o.snrs, seed: o.seed, channel: o.channel, reference: o.reference, results: summary }, null, 2) + '\n');
  const md = [
    `Photos at their own size (${o.images.length} images), ${o.channel.kind.toUpperCase()} channel; Δ = method − ${o.reference} of the same BCR, paired by image, mean ± 95 % CI. PSNR and MS-SSIM: higher is better; LPIPS-squeeze: lower is better.`,
    '',
    '| BCR | SNR (dB) | method | PSNR (dB) | MS-SSIM | LPIPS | ΔPSNR (dB) | ΔLPIPS |',
    '|---|---|---|---|---|---|---|---|',
    ...summary.map((r) => `| ${r.bcr} | ${r.snr} | ${r.label} | ${r.psnr.toFixed(2)} | ${r.msSsim.toFixed(3)} | ${r.lpips.toFixed(3)} | ${r.vsReference ? formatCi(r.vsReference.psnr, 2) : ''} | ${r.vsReference ? formatCi(r.vsReference.lpips, 3) : ''} |`),
  ];
  writeFileAtomic(join(o.out, 'summary.md'), md.join('\n') + '\n');
  for (const r of summary) log(`BCR ${r.bcr}, ${r.snr} dB, ${r.label}: PSNR ${r.psnr.toFixed(2)} dB, MS-SSIM ${r.msSsim.toFixed(3)}, LPIPS ${r.lpips.toFixed(3)}${r.vsReference ? ` (vs ${o.reference}: ${formatCi(r.vsReference.psnr, 2)} dB, LPIPS ${formatCi(r.vsReference.lpips, 3)})` : ''}`);
  const plots = writePhotoPlots(o.out, summary, `${o.channel.kind.toUpperCase()} channel, ${o.images.length} photos at their own size`);
  log(`wrote ${join(o.out, 'per_image.csv')}, summary.json, summary.md${plots.map((p) => `, ${p}`).join('')}`);
}

/** PSNR and LPIPS against SNR (a panel per BCR) and against BCR (a panel per SNR); returns the files written. */
export function writePhotoPlots(out: string, summary: PhotoSummaryRow[], heading: string): string[] {
  const bcrs = [...new Set(summary.map((r) => r.bcr))];
  const snrs = [...new Set(summary.map((r) => r.snr))].sort((a, b) => a - b);
  const series = (rows: PhotoSummaryRow[], x: (r: PhotoSummaryRow) => number, y: (r: PhotoSummaryRow) => number): Panel['series'] => {
    const by = new Map<string, [number, number][]>();
    for (const r of rows) {
      if (!by.has(r.label)) by.set(r.label, []);
      by.get(r.label)!.push([x(r), y(r)]);
    }
    return [...by].map(([name, points]) => ({ name, points: points.sort((a, b) => a[0] - b[0]) }));
  };
  const ratio = (b: string) => { const [k, n] = b.split('/').map(Number); return k / n; };
  const files: string[] = [];
  const metrics = [['psnr', 'PSNR (dB, higher is better)', (r: PhotoSummaryRow) => r.psnr], ['lpips', 'LPIPS-squeeze (lower is better)', (r: PhotoSummaryRow) => r.lpips]] as const;
  if (snrs.length >= 2) {
    for (const [name, what, y] of metrics) {
      const panels = bcrs.map((b) => ({ title: `${what}, BCR ${b}`, series: series(summary.filter((r) => r.bcr === b), (r) => r.snr, y) }));
      writeFileAtomic(join(out, `${name}_vs_snr.svg`), lineChartSvg(panels, 'channel SNR (dB)', { heading }) + '\n');
      files.push(`${name}_vs_snr.svg`);
    }
  }
  if (bcrs.length >= 2) {
    const ticks = new Map(bcrs.map((b) => [ratio(b), b]));
    for (const [name, what, y] of metrics) {
      const panels = snrs.map((s) => ({ title: `${what}, ${s} dB`, series: series(summary.filter((r) => r.snr === s), (r) => ratio(r.bcr), y) }));
      writeFileAtomic(join(out, `${name}_vs_bcr.svg`), lineChartSvg(panels, 'bandwidth ratio k/n', { heading, xTick: (v) => ticks.get(v) ?? String(v) }) + '\n');
      files.push(`${name}_vs_bcr.svg`);
    }
  }
  return files;
}
