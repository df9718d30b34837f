// One DeepJSCC system through `commin eval`'s SNR loop: each method on the validation images at each SNR,
// the same channel draws for all; per-image CSV lines and per (method, SNR) mean metrics with FD-squeeze
// and KID-squeeze against the originals' features.
import cliProgress from 'cli-progress';
import type { Engine } from '../engine/engine.js';
import { tensor } from '../kernels/create.js';
import { batchOf, type ImageSet } from '../data/folder.js';
import type { Lpips } from '../metrics/lpips.js';
import { frechetDistance, kernelDistance, rows } from '../metrics/distribution.js';
import { checkMetrics } from './metric_check.js';
import { DEFAULT_METHODS, getMethod, runBatch, splitAvailable, type ChannelSpec, type Method, type MethodOptions, type System } from '../pipeline/index.js';

export interface EvalRow {
  method: string; snr: number; images: number; psnr: number; ssim: number; lpips: number; fdSqueeze: number; kidSqueeze: number;
  /** The method's wall time per image (its batches' times summed over the images; the batch size matters). */
  msPerImage: number;
}

export interface EvalData { val: ImageSet; batches: number[][]; size: number }

const formatMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/** Images 0…n−1 in batches of `batch`. */
export function batchesOf(n: number, batch: number): number[][] {
  return Array.from({ length: Math.ceil(n / batch) }, (_, b) => Array.from({ length: Math.min(batch, n - b * batch) }, (_, k) => b * batch + k));
}

export function concatF32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

/** The originals' pooled LPIPS features, the reference of FD- and KID-squeeze. */
export async function referenceFeatures(engine: Engine, lp: Lpips, d: EvalData): Promise<Float64Array[]> {
  const feats: Float32Array[] = [];
  for (const idx of d.batches) {
    const x = tensor(engine, batchOf(d.val, idx), [idx.length, 3, d.size, d.size]);
    const f = lp.pooledFeatures(x);
    feats.push(await f.data());
    f.dispose();
    x.dispose();
  }
  return rows(concatF32(feats), 512);
}

export interface SnrLoopOptions {
  snrs: number[];
  /** Named methods run at every SNR; absent: the defaults whose models exist at each SNR. */
  methods?: Method[];
  seed: number;
  channel: ChannelSpec;
  options: MethodOptions;
  /** Per-image CSV line for (image name, method, snr, psnr, ssim, lpips). */
  csv: (image: string, method: string, snr: number, p: number, s: number, l: number) => string;
}

/** Runs the SNR loop on one system; appends per-image CSV lines to `lines`, returns the summary rows. */
export async function evaluateSystem(system: System, d: EvalData, ref: Float64Array[], o: SnrLoopOptions, lines: string[]): Promise<EvalRow[]> {
  const { engine } = system;
  const lp = system.lpips!;
  const n = d.val.names.length;
  const summary: EvalRow[] = [];
  for (const snr of o.snrs) {
    // named methods always; by default CommIN at the SNRs whose INN exists
    const methods: Method[] = o.methods ?? (await splitAvailable(system, DEFAULT_METHODS.map(getMethod), [snr])).ready;
    const acc: Record<string, { psnr: number[]; ssim: number[]; lpips: number[]; feats: Float32Array[]; ms: number }> = {};
    for (const m of methods) acc[m.name] = { psnr: [], ssim: [], lpips: [], feats: [], ms: 0 };
    const bar = new cliProgress.SingleBar({ format: `SNR ${snr} dB |{bar}| {value}/{total} images | ETA {eta_formatted}`, noTTYOutput: true, notTTYSchedule: 30_000 }, cliProgress.Presets.shades_classic);
    bar.start(n, 0);
    for (const idx of d.batches) {
      const x = tensor(engine, batchOf(d.val, idx), [idx.length, 3, d.size, d.size]);
      // each image's index keys its channel and sampler noise: results do not depend on --batch
      await runBatch(system, x, {
        methods, snr, seed: o.seed, channel: o.channel, firstImage: idx[0], options: o.options,
        visit: async ({ method, out, scores, ms }) => {
          const a = acc[method.name];
          a.ms += ms;
          const feats = lp.pooledFeatures(out);
          a.feats.push(await feats.data());
          feats.dispose();
          idx.forEach((k, j) => {
            const [p, s, l] = [scores.psnr[j], scores.ssim[j], scores.lpips![j]];
            checkMetrics(`${d.val.names[k]} (${method.name}, ${snr} dB)`, { psnr: p, ssim: s, lpips: l });
            a.psnr.push(p); a.ssim.push(s); a.lpips.push(l);
            lines.push(o.csv(d.val.names[k], method.name, snr, p, s, l));
          });
        },
      });
      x.dispose();
      await engine.throttle();
      bar.update(idx[idx.length - 1] + 1);
    }
    bar.stop();
    for (const m of methods) {
      const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
      const feats = rows(concatF32(acc[m.name].feats), 512);
      const row = { method: m.name, snr, images: n, psnr: mean(acc[m.name].psnr), ssim: mean(acc[m.name].ssim), lpips: mean(acc[m.name].lpips), fdSqueeze: frechetDistance(ref, feats), kidSqueeze: kernelDistance(ref, feats), msPerImage: acc[m.name].ms / n };
      checkMetrics(`${m.name} at ${snr} dB`, { fd: row.fdSqueeze, kid: row.kidSqueeze });
      summary.push(row);
      console.log(`SNR ${snr} dB ${m.name}: PSNR ${row.psnr.toFixed(2)} dB, SSIM ${row.ssim.toFixed(3)}, LPIPS ${row.lpips.toFixed(3)}, FD-squeeze ${row.fdSqueeze.toFixed(4)}, KID-squeeze ${row.kidSqueeze.toFixed(5)}, ${formatMs(row.msPerImage)} per image (${n} validation faces)`);
    }
  }
  return summary;
}
