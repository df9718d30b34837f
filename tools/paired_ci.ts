// Paired comparison of two methods on the same images from `commin eval` per-image CSVs: mean difference
// (B − A) of PSNR, SSIM and LPIPS per SNR with a 95% confidence interval (Student t, pairs by image).
//   npx tsx tools/paired_ci.ts A.csv:deepjscc B.csv:commin [--md]
import { readFileSync } from 'node:fs';

type Rows = Map<string, { psnr: number; ssim: number; lpips: number }>;

function read(spec: string): { label: string; bySnr: Map<number, Rows> } {
  const [file, method] = spec.split(':');
  if (!file || !method) throw new Error(`'${spec}': expected FILE.csv:METHOD`);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  if (lines[0] !== 'image,method,snr_db,psnr_db,ssim,lpips_squeeze') throw new Error(`${file}: not a commin eval per-image CSV`);
  const bySnr = new Map<number, Rows>();
  for (const l of lines.slice(1)) {
    const [image, m, snr, psnr, ssim, lpips] = l.split(',');
    if (m !== method) continue;
    if (!bySnr.has(+snr)) bySnr.set(+snr, new Map());
    bySnr.get(+snr)!.set(image, { psnr: +psnr, ssim: +ssim, lpips: +lpips });
  }
  if (bySnr.size === 0) throw new Error(`${file}: no rows of method '${method}'`);
  return { label: `${method} (${file})`, bySnr };
}

// two-sided 95% Student t quantiles for df 1…30, then the normal value
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
// beyond 30: the first Cornish-Fisher term, z + (z³ + z)/(4·df) (1.984 at df = 99, as the tables give)
const t95 = (df: number) => (df <= 30 ? T95[df - 1] : 1.96 + (1.96 ** 3 + 1.96) / (4 * df));

function ci(d: number[]): [number, number] {
  const n = d.length;
  const m = d.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  return [m, (t95(n - 1) * sd) / Math.sqrt(n)];
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (args.length !== 2) {
  console.error('usage: paired_ci.ts A.csv:METHOD B.csv:METHOD [--md]');
  process.exit(1);
}
const [a, b] = args.map(read);
console.log(`B − A, B = ${b.label}, A = ${a.label}`);
console.log('| SNR (dB) | pairs | ΔPSNR (dB) | ΔSSIM | ΔLPIPS |');
console.log('|---|---|---|---|---|');
for (const [snr, ra] of a.bySnr) {
  const rb = b.bySnr.get(snr);
  if (!rb) continue;
  const images = [...ra.keys()].filter((k) => rb.has(k));
  if (images.length < 2) continue;
  const f = (k: 'psnr' | 'ssim' | 'lpips', digits: number) => {
    const [m, h] = ci(images.map((i) => rb.get(i)![k] - ra.get(i)![k]));
    return `${m >= 0 ? '+' : ''}${m.toFixed(digits)} ± ${h.toFixed(digits)}`;
  };
  console.log(`| ${snr} | ${images.length} | ${f('psnr', 2)} | ${f('ssim', 3)} | ${f('lpips', 3)} |`);
}
