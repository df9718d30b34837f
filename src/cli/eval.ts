// `commin eval`: DeepJSCC (and CommIN when its models exist) on N validation faces at several SNRs, on the
// same channel draws; per-image metrics to CSV and, per method and SNR, mean PSNR / SSIM / LPIPS and the
// set metrics FD-squeeze and KID-squeeze against the originals.
import { createCliEngine } from './engine.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { addCommInOptions, comminOptions, type CommInFlags } from './commin_options.js';
import cliProgress from 'cli-progress';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { tensor } from '../kernels/create.js';
import { batchOf, checkDataFolder, loadImageSet } from '../data/folder.js';
import { loadDeepJscc } from '../models/load_jscc.js';
import { loadUNet } from '../models/load_unet.js';
import { loadInn } from '../models/load_inn.js';
import { comminSample } from '../models/commin.js';
import { psnr } from '../metrics/psnr.js';
import { ssim } from '../metrics/ssim.js';
import { Lpips } from '../metrics/lpips.js';
import { frechetDistance, kernelDistance, rows } from '../metrics/distribution.js';
import { nonNegativeInt, positiveInt, snrList, SNR_RANGE_TEXT } from './args.js';
import { prepareOutputDir } from './output.js';
import { checkMetrics } from './metric_check.js';
import { DEFAULT_DATA, DEFAULT_JSCC_MODEL, LPIPS_WEIGHTS, MODELS_DIR } from './defaults.js';

export function evalCommand(): Command {
  return addCommInOptions(new Command('eval'))
    .description('evaluate DeepJSCC (and CommIN when its models exist) on validation faces')
    .option('--data <dir>', 'face folder (its validation split is used)', DEFAULT_DATA)
    .option('--count <n>', 'validation images', positiveInt, 100)
    .option('--skip <n>', 'skip the first n validation images (tune on images the default evaluation does not use)', nonNegativeInt, 0)
    .option('--snr <list>', `SNRs in dB (each ${SNR_RANGE_TEXT})`, snrList, [1, 4, 7])
    .option('--model <file>', 'DeepJSCC checkpoint', DEFAULT_JSCC_MODEL)
    .option('--inn-dir <dir>', 'folder with inn_snr<S>.safetensors', MODELS_DIR)
    .option('--batch <n>', 'images per batch', positiveInt, 10)
    .option('--lpips <file>', 'LPIPS weights', LPIPS_WEIGHTS)
    .option('--seed <n>', 'channel seed', nonNegativeInt, 0)
    .option('--out <dir>', 'output folder', 'out/eval')
    .action(async (o) => {
      for (const [what, f] of [['model', o.model], ['LPIPS weights', o.lpips]]) if (!existsSync(f)) throw new Error(`${what} '${f}' does not exist`);
      checkDataFolder(o.data);
      prepareOutputDir(o.out);
      const engine = await createCliEngine();
      const { model } = loadDeepJscc(engine, new Uint8Array(readFileSync(o.model)), o.model);
      const lp = Lpips.load(engine, new Uint8Array(readFileSync(o.lpips)), o.lpips);
      const S = model.cfg.size;
      const val = loadImageSet(o.data, S, { split: 'val', limit: o.count, skip: o.skip });
      const innFor = (snr: number) => join(o.innDir, `inn_snr${snr}.safetensors`);
      const prior = existsSync(o.prior) ? loadUNet(engine, new Uint8Array(readFileSync(o.prior)), o.prior) : null;
      const lines = ['image,method,snr_db,psnr_db,ssim,lpips_squeeze'];
      const summary: Record<string, unknown>[] = [];
      const n = val.names.length;
      const origFeat: Float32Array[] = [];
      for (let i = 0; i < n; i += o.batch) {
        const idx = Array.from({ length: Math.min(o.batch, n - i) }, (_, k) => i + k);
        const x = tensor(engine, batchOf(val, idx), [idx.length, 3, S, S]);
        origFeat.push(await lp.pooledFeatures(x).data());
        x.dispose();
      }
      const ref = rows(concatF32(origFeat), 512);
      for (const snr of o.snr as number[]) {
        const methods: string[] = ['deepjscc'];
        const inn = prior && existsSync(innFor(snr)) ? loadInn(engine, new Uint8Array(readFileSync(innFor(snr))), innFor(snr)).inn : null;
        if (inn) methods.push('commin');
        const acc: Record<string, { psnr: number[]; ssim: number[]; lpips: number[]; feats: Float32Array[] }> = {};
        for (const m of methods) acc[m] = { psnr: [], ssim: [], lpips: [], feats: [] };
        const bar = new cliProgress.SingleBar({ format: `SNR ${snr} dB |{bar}| {value}/{total} images | ETA {eta_formatted}`, noTTYOutput: true, notTTYSchedule: 30_000 }, cliProgress.Presets.shades_classic);
        bar.start(n, 0);
        for (let i = 0; i < n; i += o.batch) {
          const idx = Array.from({ length: Math.min(o.batch, n - i) }, (_, k) => i + k);
          const x = tensor(engine, batchOf(val, idx), [idx.length, 3, S, S]);
          const y = noGrad(() => tidy(() => model.forward(x, tensor(engine, idx.map(() => snr), [idx.length]), o.seed, i)));
          for (const m of methods) {
            const r = m === 'deepjscc' ? y : await comminSample(prior!.model, inn!, prior!.schedule, y, { ...comminOptions(o, snr, o.seed, lp), firstImage: i });
            const [p, s] = [await psnr(x, r), await ssim(x, r)];
            const l = await noGrad(() => lp.distance(x, r)).data();
            acc[m].feats.push(await lp.pooledFeatures(r).data());
            idx.forEach((k, j) => {
              checkMetrics(`${val.names[k]} (${m}, ${snr} dB)`, { psnr: p[j], ssim: s[j], lpips: l[j] });
              acc[m].psnr.push(p[j]); acc[m].ssim.push(s[j]); acc[m].lpips.push(l[j]);
              lines.push(`${val.names[k]},${m},${snr},${p[j].toFixed(3)},${s[j].toFixed(4)},${l[j].toFixed(4)}`);
            });
            if (r !== y) r.dispose();
          }
          x.dispose();
          y.dispose();
          await engine.throttle();
          bar.update(Math.min(n, i + o.batch));
        }
        bar.stop();
        for (const m of methods) {
          const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
          const feats = rows(concatF32(acc[m].feats), 512);
          const row = { method: m, snr, images: n, psnr: mean(acc[m].psnr), ssim: mean(acc[m].ssim), lpips: mean(acc[m].lpips), fdSqueeze: frechetDistance(ref, feats), kidSqueeze: kernelDistance(ref, feats) };
          checkMetrics(`${m} at ${snr} dB`, { fd: row.fdSqueeze, kid: row.kidSqueeze });
          summary.push(row);
          console.log(`SNR ${snr} dB ${m}: PSNR ${row.psnr.toFixed(2)} dB, SSIM ${row.ssim.toFixed(3)}, LPIPS ${row.lpips.toFixed(3)}, FD-squeeze ${row.fdSqueeze.toFixed(4)}, KID-squeeze ${row.kidSqueeze.toFixed(5)} (${n} validation faces)`);
        }
        inn?.dispose();
      }
      writeFileSync(join(o.out, 'per_image.csv'), lines.join('\n') + '\n');
      writeFileSync(join(o.out, 'summary.json'), JSON.stringify({ model: o.model, prior: prior ? o.prior : null, seed: o.seed, skip: o.skip, commin: comminSummary(o, o.snr, lp), results: summary }, null, 2) + '\n');
      console.log(`wrote ${join(o.out, 'per_image.csv')} and summary.json`);
      engine.destroy();
    });
}

function concatF32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

/** The CommIN settings an evaluation ran with, resolved per SNR (preset plus overrides). */
function comminSummary(o: CommInFlags, snrs: number[], lp: Lpips) {
  const perSnr = Object.fromEntries(snrs.map((snr) => {
    const c = comminOptions(o, snr, 0, lp);
    return [snr, { method: c.method, steps: c.steps ?? null, startT: c.startT ?? null, eta: c.eta ?? 0, zeta: c.zeta, loss: c.loss ?? 'inn-distance', innGradient: c.innGradient, clip: c.clip }];
  }));
  return { preset: o.preset, perSnr };
}
