// Paired comparison of two methods on the same images from `commin eval` per-image CSVs: mean difference
// (B − A) of PSNR, SSIM and LPIPS per setting (SNR, and BCR where the CSVs have a bcr column, as
// `eval --models/--bcr` writes) with a 95% confidence interval (Student t, pairs by image). A side may list
// several CSVs joined by commas (runs on chunks of the faces, `eval --skip/--count`): their rows are merged.
//   npx tsx tools/paired_ci.ts A.csv:deepjscc B.csv:commin [--md]
//   npx tsx tools/paired_ci.ts a1.csv,a2.csv:commin b1.csv,b2.csv:commin
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { meanCi } from '../src/eval/stats.js';

export { meanCi };

type Scores = { psnr: number; ssim: number; lpips: number };
/** Per setting ("bcr|snr", bcr empty without the column), the scores by image. */
type BySetting = Map<string, Map<string, Scores>>;

const HEADERS = ['image,method,snr_db,psnr_db,ssim,lpips_squeeze', 'image,method,bcr,snr_db,psnr_db,ssim,lpips_squeeze'];

/** One method's rows of a per-image CSV's text. */
export function readMethod(text: string, method: string, what = 'CSV'): BySetting {
  const lines = text.trim().split('\n');
  if (!HEADERS.includes(lines[0])) throw new Error(`${what}: not a commin eval per-image CSV`);
  const withBcr = lines[0] === HEADERS[1];
  const out: BySetting = new Map();
  for (const l of lines.slice(1)) {
    const f = l.split(',');
    const [image, m] = f;
    if (m !== method) continue;
    const [bcr, snr, psnr, ssim, lpips] = withBcr ? f.slice(2) : ['', ...f.slice(2)];
    const key = `${bcr}|${+snr}`;
    if (!out.has(key)) out.set(key, new Map());
    out.get(key)!.set(image, { psnr: +psnr, ssim: +ssim, lpips: +lpips });
  }
  if (out.size === 0) throw new Error(`${what}: no rows of method '${method}'`);
  return out;
}

/** One method's rows of several CSVs (chunks of one run); an image scored twice in a setting is an error. */
export function mergeMethods(parts: BySetting[], what = 'CSVs'): BySetting {
  const out: BySetting = new Map();
  for (const part of parts) {
    for (const [key, images] of part) {
      if (!out.has(key)) out.set(key, new Map());
      const into = out.get(key)!;
      for (const [image, s] of images) {
        if (into.has(image)) throw new Error(`${what}: image '${image}' is in more than one file (overlapping chunks?)`);
        into.set(image, s);
      }
    }
  }
  return out;
}

export interface PairedRow { bcr: string; snr: number; pairs: number; psnr: [number, number]; ssim: [number, number]; lpips: [number, number] }

/** B − A per setting both have, over the images both scored (settings with fewer than two pairs left out). */
export function pairedDifferences(a: BySetting, b: BySetting): PairedRow[] {
  const rows: PairedRow[] = [];
  for (const [key, ra] of a) {
    const rb = b.get(key);
    if (!rb) continue;
    const images = [...ra.keys()].filter((k) => rb.has(k));
    if (images.length < 2) continue;
    const d = (k: keyof Scores) => meanCi(images.map((i) => rb.get(i)![k] - ra.get(i)![k]));
    const [bcr, snr] = key.split('|');
    rows.push({ bcr, snr: +snr, pairs: images.length, psnr: d('psnr'), ssim: d('ssim'), lpips: d('lpips') });
  }
  return rows;
}

function main() {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (args.length !== 2) {
    console.error('usage: paired_ci.ts A.csv[,A2.csv…]:METHOD B.csv[,B2.csv…]:METHOD [--md]');
    process.exit(1);
  }
  const [a, b] = args.map((spec) => {
    const [files, method] = spec.split(':');
    if (!files || !method) throw new Error(`'${spec}': expected FILE.csv[,FILE.csv…]:METHOD`);
    const parts = files.split(',').map((file) => readMethod(readFileSync(file, 'utf8'), method, file));
    return { label: `${method} (${files})`, rows: mergeMethods(parts, files) };
  });
  const rows = pairedDifferences(a.rows, b.rows);
  const withBcr = rows.some((r) => r.bcr);
  const f = ([m, h]: [number, number], digits: number) => `${m >= 0 ? '+' : ''}${m.toFixed(digits)} ± ${h.toFixed(digits)}`;
  console.log(`B − A, B = ${b.label}, A = ${a.label}`);
  console.log(`|${withBcr ? ' BCR |' : ''} SNR (dB) | pairs | ΔPSNR (dB) | ΔSSIM | ΔLPIPS |`);
  console.log(`|${withBcr ? '---|' : ''}---|---|---|---|---|`);
  for (const r of rows) console.log(`|${withBcr ? ` ${r.bcr} |` : ''} ${r.snr} | ${r.pairs} | ${f(r.psnr, 2)} | ${f(r.ssim, 3)} | ${f(r.lpips, 3)} |`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
