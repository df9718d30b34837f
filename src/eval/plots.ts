// `commin eval`'s curves: PSNR and LPIPS against SNR (one line per method, and per model when several are
// compared), and PSNR against the bandwidth ratio when models of several BCRs ran (one line per method and
// SNR). Each file names the channel above its panels.
import { writeFileAtomic } from '../util/atomic_write.js';
import { join } from 'node:path';
import { lineChartSvg, type Panel } from './plot.js';
import type { EvalRow } from './face_eval.js';
import { bcrText } from './models.js';

export type SweepRow = EvalRow & { bcr: [number, number]; symbols: number };

/** The series of one metric: points (x, metric) grouped by a label, each sorted by x. */
function series(rows: SweepRow[], label: (r: SweepRow) => string, x: (r: SweepRow) => number, y: (r: SweepRow) => number): Panel['series'] {
  const by = new Map<string, [number, number][]>();
  for (const r of rows) {
    const k = label(r);
    if (!by.has(k)) by.set(k, []);
    by.get(k)!.push([x(r), y(r)]);
  }
  return [...by].map(([name, points]) => ({ name, points: points.sort((a, b) => a[0] - b[0]) }));
}

const distinct = <T>(v: T[]) => new Set(v.map((x) => JSON.stringify(x))).size;

/** psnr_vs_snr.svg and lpips_vs_snr.svg when at least two SNRs ran; returns the files written. */
export function writeSnrPlots(out: string, rows: SweepRow[], channel: string): string[] {
  if (distinct(rows.map((r) => r.snr)) < 2) return [];
  const several = distinct(rows.map((r) => r.bcr)) > 1;
  const label = (r: SweepRow) => (several ? `${r.method} BCR ${bcrText(r.bcr)}` : r.method);
  const k = several ? 'several BCRs' : `k = ${rows[0].symbols} symbols, BCR ${bcrText(rows[0].bcr)}`;
  const files: string[] = [];
  for (const [file, title, y] of [['psnr_vs_snr.svg', 'PSNR (dB)', (r: SweepRow) => r.psnr], ['lpips_vs_snr.svg', 'LPIPS-squeeze (lower is better)', (r: SweepRow) => r.lpips]] as const) {
    writeFileAtomic(join(out, file), lineChartSvg([{ title, series: series(rows, label, (r) => r.snr, y) }], 'channel SNR (dB)', { heading: `${channel} channel, ${k}` }) + '\n');
    files.push(file);
  }
  return files;
}

/** psnr_vs_bcr.svg when models of at least two BCRs ran; returns the files written. */
export function writeBcrPlot(out: string, rows: SweepRow[], channel: string): string[] {
  if (distinct(rows.map((r) => r.bcr)) < 2) return [];
  const ratio = (r: SweepRow) => r.bcr[0] / r.bcr[1];
  const ticks = new Map(rows.map((r) => [ratio(r), bcrText(r.bcr)]));
  const panel: Panel = { title: 'PSNR (dB)', series: series(rows, (r) => `${r.method} ${r.snr} dB`, ratio, (r) => r.psnr) };
  writeFileAtomic(join(out, 'psnr_vs_bcr.svg'), lineChartSvg([panel], 'bandwidth ratio k/n', { xTick: (v) => ticks.get(v) ?? String(v), heading: `${channel} channel` }) + '\n');
  return ['psnr_vs_bcr.svg'];
}
