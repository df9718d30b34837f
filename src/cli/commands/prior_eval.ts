// `commin prior-eval`: FD-/KID-squeeze of a prior's samples against validation faces next to the
// training-faces floor, the x̂0 check at a few timesteps, a sample grid; optionally recorded in the model's
// card (its evaluation history).
import { writeFileAtomic } from '../../util/atomic_write.js';
import { createCliEngine } from '../engine.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { checkDataFolder, loadImageSet, readImageCache } from '../../data/folder.js';
import { encodePng, nchwToImages } from '../../data/image.js';
import { squareGrid } from '../../data/grid.js';
import { loadUNet } from '../../algorithms/load_prior.js';
import { Lpips } from '../../metrics/lpips.js';
import { DEFAULT_PRIOR_EVAL, evaluatePrior, type PriorEvaluation } from '../../eval/prior_eval.js';
import { nonNegativeInt, numberList, positiveInt } from '../options/args.js';
import { DEFAULT_DATA, DEFAULT_PRIOR, LPIPS_WEIGHTS } from '../defaults.js';
import { checkNotInput, checkWritableFile, prepareOutputDir } from '../../util/output.js';
import { checkMetrics } from '../../eval/metric_check.js';

/** Appends an evaluation to FILE.card.json beside the model (written atomically). */
export function recordInCard(modelPath: string, meta: Record<string, string>, r: PriorEvaluation, extra: Record<string, unknown>): string {
  const cardPath = modelPath.replace(/\.safetensors$/, '.card.json');
  if (!existsSync(cardPath)) throw new Error(`no card '${cardPath}' to record in (write it with tools/model_card.ts first)`);
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as { evaluations?: unknown[] };
  const { grid: _grid, ...numbers } = r;
  (card.evaluations ??= []).push({ step: Number(meta.step ?? 0), date: new Date().toISOString().slice(0, 10), ...extra, ...numbers });
  writeFileAtomic(cardPath, JSON.stringify(card, null, 2) + '\n', 'model card');
  return cardPath;
}

export function priorEvalCommand(): Command {
  const d = DEFAULT_PRIOR_EVAL;
  return new Command('prior-eval')
    .description('how good a diffusion prior is: FD/KID-squeeze of its samples vs validation faces (with the training-faces floor) and x̂0 PSNR/LPIPS at several t')
    .option('--model <file>', 'U-Net checkpoint (.safetensors)', DEFAULT_PRIOR)
    .option('--data <dir>', 'face folder (validation split = reference, training split = floor)', DEFAULT_DATA)
    .option('--lpips <file>', 'LPIPS weights (the squeeze features)', LPIPS_WEIGHTS)
    .option('--count <n>', 'samples (and training faces for the floor)', positiveInt, d.count)
    .option('--steps <n>', 'DDIM steps per sample (η = 0)', positiveInt, d.sampleSteps)
    .option('--batch <n>', 'images per batch', positiveInt, d.batch)
    .option('--seed <n>', 'seed (batch k samples with seed + k)', nonNegativeInt, d.seed)
    .option('--t <list>', 'timesteps of the x̂0 check', numberList, d.timesteps)
    .option('--denoise-count <n>', 'validation faces in the x̂0 check', positiveInt, d.denoiseCount)
    .option('--no-clip', 'do not clip x̂0 to [−1, 1] while sampling')
    .option('--samples <file>', 'use samples drawn elsewhere (tools/torch_ref/sample_ddpm.py) instead of sampling with the engine')
    .option('--out <dir>', 'writes eval.json and samples.png here', 'out/prior-eval')
    .option('--grid <file>', 'also write the 16-sample grid to this PNG')
    .option('--record', "append the result to the model's card (FILE.card.json)")
    .action(async (o) => {
      for (const [what, f] of [['model', o.model], ['LPIPS weights', o.lpips], ...(o.samples ? [['sample file', o.samples]] : [])]) {
        if (!existsSync(f)) throw new Error(`${what} '${f}' does not exist`);
      }
      checkDataFolder(o.data);
      // outputs checked before the work, not after it
      prepareOutputDir(o.out);
      if (o.grid) {
        checkNotInput(o.grid, [o.model, o.lpips, ...(o.samples ? [o.samples] : [])], 'grid PNG');
        checkWritableFile(o.grid, 'grid PNG');
      }
      const engine = await createCliEngine();
      const { model, schedule, meta } = loadUNet(engine, new Uint8Array(readFileSync(o.model)), o.model);
      const lp = Lpips.load(engine, new Uint8Array(readFileSync(o.lpips)), o.lpips);
      const R = model.cfg.resolution;
      const val = loadImageSet(o.data, R, { split: 'val' });
      const train = loadImageSet(o.data, R, { split: 'train' });
      const samples = o.samples ? readImageCache(o.samples, R) : undefined;
      if (samples === null) throw new Error(`sample file '${o.samples}' is not a ${R}×${R} image cache (its length does not match its header)`);
      const bar = new cliProgress.SingleBar({ format: 'prior-eval {phase} |{bar}| {value}/{total}' }, cliProgress.Presets.shades_classic);
      let phase = '';
      const r = await evaluatePrior(model, schedule, lp, val, train, { count: o.count, sampleSteps: o.steps, batch: o.batch, seed: o.seed, clip: o.clip, timesteps: o.t, denoiseCount: o.denoiseCount, samples }, (p, done, total) => {
        if (p !== phase) { if (phase) bar.stop(); bar.start(total, 0, { phase: p }); phase = p; }
        bar.update(done, { phase: p });
      });
      bar.stop();
      checkMetrics(`${r.samples.count} samples`, { fd: r.samples.fdSqueeze, kid: r.samples.kidSqueeze });
      for (const dn of r.denoise) checkMetrics(`x̂0 at t = ${dn.t}`, { psnr: dn.psnr, lpips: dn.lpips });
      const png = encodePng(squareGrid(nchwToImages(r.grid.data, r.grid.shape)));
      writeFileAtomic(join(o.out, 'samples.png'), png);
      if (o.grid) writeFileAtomic(o.grid, png);
      const { grid: _grid, ...numbers } = r;
      writeFileAtomic(join(o.out, 'eval.json'), JSON.stringify({ model: o.model, step: Number(meta.step ?? 0), clip: o.clip, sampledWith: o.samples ?? 'engine', ...numbers }, null, 2) + '\n');
      console.log(`step ${meta.step ?? '?'}: ${r.samples.count} samples (${r.samples.steps} DDIM steps) vs ${r.reference.count} validation faces`);
      console.log(`  FD-squeeze ${r.samples.fdSqueeze} (training faces: ${r.trainingFloor.fdSqueeze}, ratio ${r.fdRatio}×), KID-squeeze ${r.samples.kidSqueeze} (training faces: ${r.trainingFloor.kidSqueeze})`);
      for (const dn of r.denoise) console.log(`  x̂0 at t = ${dn.t}: PSNR ${dn.psnr} dB, LPIPS ${dn.lpips} (${dn.count} faces)`);
      if (o.record) console.log(`recorded in ${recordInCard(o.model, meta, r, { clip: o.clip, sampledWith: o.samples ? 'tools/torch_ref/sample_ddpm.py' : 'engine' })}`);
      console.log(`wrote ${join(o.out, 'eval.json')} and ${join(o.out, 'samples.png')}${o.grid ? ` and ${o.grid}` : ''} (${r.seconds} s)`);
      engine.destroy();
    });
}
