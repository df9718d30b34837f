// `commin eval`: each method (default DeepJSCC, and CommIN when its models exist) on N validation faces at
// several SNRs, on the same channel draws (--channel; default AWGN); per-image metrics to CSV and, per method and SNR, mean PSNR / SSIM / LPIPS and the
// set metrics FD-squeeze and KID-squeeze against the originals.
import { createCliEngine } from './engine.js';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { addCommInOptions, comminOptions, type CommInFlags } from './commin_options.js';
import { addChannelOptions, channelSpec } from './channel_options.js';
import { trainedChannelNote } from './channel_note.js';
import { trainedChannel } from '../models/load_jscc.js';
import { addDpsOptions, dpsSettings } from './dps_options.js';
import cliProgress from 'cli-progress';
import { tensor } from '../kernels/create.js';
import { batchOf, checkDataFolder, loadImageSet } from '../data/folder.js';
import type { Lpips } from '../metrics/lpips.js';
import { frechetDistance, kernelDistance, rows } from '../metrics/distribution.js';
import { nonNegativeInt, positiveInt, snrList, SNR_RANGE_TEXT } from './args.js';
import { prepareOutputDir } from '../util/output.js';
import { checkMetrics } from './metric_check.js';
import { DEFAULT_DATA, DEFAULT_JSCC_MODEL, LPIPS_WEIGHTS, MODELS_DIR } from './defaults.js';
import { describeChannel, DEFAULT_METHODS, getMethod, loadSystem, methodNames, requireAvailable, resolveDps, runBatch, splitAvailable, type Method } from '../pipeline/index.js';
import { addAdvModelOption, cliSource, methodList } from './methods_arg.js';

export function evalCommand(): Command {
  return addChannelOptions(addAdvModelOption(addDpsOptions(addCommInOptions(new Command('eval')))))
    .description('evaluate DeepJSCC (and CommIN when its models exist) on validation faces')
    .option('--data <dir>', 'face folder (its validation split is used)', DEFAULT_DATA)
    .option('--count <n>', 'validation images', positiveInt, 100)
    .option('--skip <n>', 'skip the first n validation images (tune on images the default evaluation does not use)', nonNegativeInt, 0)
    .option('--snr <list>', `SNRs in dB (each ${SNR_RANGE_TEXT})`, snrList, [1, 4, 7])
    .option('--model <file>', 'DeepJSCC checkpoint', DEFAULT_JSCC_MODEL)
    .option('--inn-dir <dir>', 'folder with inn_snr<S>.safetensors', MODELS_DIR)
    .option('--batch <n>', 'images per batch', positiveInt, 10)
    .addOption(new Option('--methods <names>', `reconstruction methods, comma-separated (${methodNames().join(', ')}; default: deepjscc, and commin at each SNR whose INN exists)`).argParser(methodList))
    .option('--lpips <file>', 'LPIPS weights', LPIPS_WEIGHTS)
    .option('--seed <n>', 'channel seed', nonNegativeInt, 0)
    .option('--out <dir>', 'output folder', 'out/eval')
    .action(async (o, cmd: Command) => {
      for (const [what, f] of [['model', o.model], ['LPIPS weights', o.lpips]]) if (!existsSync(f)) throw new Error(`${what} '${f}' does not exist`);
      const channel = channelSpec(o, cmd);
      checkDataFolder(o.data);
      prepareOutputDir(o.out);
      const engine = await createCliEngine();
      const system = await loadSystem(engine, cliSource(o));
      const lp = system.lpips!;
      const S = system.jscc.cfg.size;
      if (o.methods) await requireAvailable(system, o.methods, o.snr);
      console.log(`channel ${describeChannel(channel)}; ${system.jscc.symbols} complex symbols per image`);
      const note = trainedChannelNote(system.jsccMeta, o.model, channel);
      if (note) console.log(note);
      const val = loadImageSet(o.data, S, { split: 'val', limit: o.count, skip: o.skip });
      const lines = ['image,method,snr_db,psnr_db,ssim,lpips_squeeze'];
      const summary: Record<string, unknown>[] = [];
      const n = val.names.length;
      const batches = Array.from({ length: Math.ceil(n / o.batch) }, (_, b) => Array.from({ length: Math.min(o.batch, n - b * o.batch) }, (_, k) => b * o.batch + k));
      const origFeat: Float32Array[] = [];
      for (const idx of batches) {
        const x = tensor(engine, batchOf(val, idx), [idx.length, 3, S, S]);
        const f = lp.pooledFeatures(x);
        origFeat.push(await f.data());
        f.dispose();
        x.dispose();
      }
      const ref = rows(concatF32(origFeat), 512);
      for (const snr of o.snr as number[]) {
        // named methods always; by default CommIN at the SNRs whose INN exists
        const methods: Method[] = o.methods ?? (await splitAvailable(system, DEFAULT_METHODS.map(getMethod), [snr])).ready;
        const acc: Record<string, { psnr: number[]; ssim: number[]; lpips: number[]; feats: Float32Array[] }> = {};
        for (const m of methods) acc[m.name] = { psnr: [], ssim: [], lpips: [], feats: [] };
        const bar = new cliProgress.SingleBar({ format: `SNR ${snr} dB |{bar}| {value}/{total} images | ETA {eta_formatted}`, noTTYOutput: true, notTTYSchedule: 30_000 }, cliProgress.Presets.shades_classic);
        bar.start(n, 0);
        for (const idx of batches) {
          const x = tensor(engine, batchOf(val, idx), [idx.length, 3, S, S]);
          // each image's index keys its channel and sampler noise: results do not depend on --batch
          await runBatch(system, x, {
            methods, snr, seed: o.seed, channel, firstImage: idx[0], options: { commin: o, dps: dpsSettings(o) },
            visit: async ({ method, out, scores }) => {
              const a = acc[method.name];
              const feats = lp.pooledFeatures(out);
              a.feats.push(await feats.data());
              feats.dispose();
              idx.forEach((k, j) => {
                const [p, s, l] = [scores.psnr[j], scores.ssim[j], scores.lpips![j]];
                checkMetrics(`${val.names[k]} (${method.name}, ${snr} dB)`, { psnr: p, ssim: s, lpips: l });
                a.psnr.push(p); a.ssim.push(s); a.lpips.push(l);
                lines.push(`${val.names[k]},${method.name},${snr},${p.toFixed(3)},${s.toFixed(4)},${l.toFixed(4)}`);
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
          const row = { method: m.name, snr, images: n, psnr: mean(acc[m.name].psnr), ssim: mean(acc[m.name].ssim), lpips: mean(acc[m.name].lpips), fdSqueeze: frechetDistance(ref, feats), kidSqueeze: kernelDistance(ref, feats) };
          checkMetrics(`${m.name} at ${snr} dB`, { fd: row.fdSqueeze, kid: row.kidSqueeze });
          summary.push(row);
          console.log(`SNR ${snr} dB ${m.name}: PSNR ${row.psnr.toFixed(2)} dB, SSIM ${row.ssim.toFixed(3)}, LPIPS ${row.lpips.toFixed(3)}, FD-squeeze ${row.fdSqueeze.toFixed(4)}, KID-squeeze ${row.kidSqueeze.toFixed(5)} (${n} validation faces)`);
        }
      }
      writeFileSync(join(o.out, 'per_image.csv'), lines.join('\n') + '\n');
      const ran = [...new Set(summary.map((r) => r.method as string))];
      // the prior when a method that ran used it (as before: CommIN ran, the prior is named)
      const prior = ran.some((m) => getMethod(m).needs.includes('prior')) ? o.prior : null;
      // DPS's settings and the adversarial model when those methods ran
      const dps = ran.includes('dps') ? (({ method, steps, eta, zeta, startT }) => ({ method, steps, eta, zeta, startT }))(resolveDps(dpsSettings(o), o.seed)) : undefined;
      const advModel = ran.some((m) => getMethod(m).needs.includes('adv')) ? o.advModel : undefined;
      writeFileSync(join(o.out, 'summary.json'), JSON.stringify({ model: o.model, prior, advModel, channel, modelTrainedChannel: trainedChannel(system.jsccMeta, o.model), symbolsPerImage: system.jscc.symbols, seed: o.seed, skip: o.skip, methods: ran, commin: comminSummary(o, o.snr, lp), dps, results: summary }, null, 2) + '\n');
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
