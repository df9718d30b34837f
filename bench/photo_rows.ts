// The natural family's rows: a photo through DeepJSCC (encode + channel + decode, batch 1) at 768×512 (Kodak)
// and 2048×1536 (tiled past 1024×1024 pixels) per BCR, with the buffer pool's peak during the row, and the
// training throughput of the family's architecture on 128×128 crops. The bundled models where they are,
// else the same configs with random weights (the time does not depend on the weights).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, imagesToNchw, resize } from '../src/data/image.js';
import { BUNDLED_PHOTOS } from '../src/cli/defaults.js';
import { Adam, backward, losses, noGrad, randUniform, tensor, tidy } from '../src/index.js';
import { DeepJSCC, type DeepJsccConfig } from '../src/networks/deepjscc.js';
import { loadDeepJscc } from '../src/networks/load_jscc.js';
import { bundledJscc } from '../src/cli/options/bcr.js';
import { FAMILIES } from '../src/pipeline/families.js';
import { msRow, type BenchContext } from './context.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function photoRows(c: BenchContext): Promise<void> {
  const { engine, rows } = c;
  let trainCfg: DeepJsccConfig | null = null;
  for (const bcr of FAMILIES.natural.bcrs) {
    const file = bundledJscc(bcr, 'natural');
    const model = existsSync(file) ? loadDeepJscc(engine, new Uint8Array(readFileSync(file)), file).model : null;
    if (!model) {
      console.warn(`photo rows: ${file} missing, skipped`);
      continue;
    }
    trainCfg ??= model.cfg;
    for (const [w, h, reps] of [[768, 512, 7], [2048, 1536, 3]] as const) {
      const x = randUniform(engine, [1, 3, h, w], { seed: 5 });
      const s = tensor(engine, [4], [1]);
      const run = async () => {
        const t0 = performance.now();
        const y = noGrad(() => tidy(() => model.forward(x, s, 1)));
        await y.data();
        y.dispose();
        return performance.now() - t0;
      };
      // free buffers left by the rows before would hide this row's needs: drop them, then count the growth
      engine.pool.trim();
      engine.pool.peakAllocatedBytes = engine.pool.stats().allocatedBytes;
      const before = engine.pool.stats().allocatedBytes;
      const first = await run();
      await run();
      const times: number[] = [];
      for (let i = 0; i < reps; i++) times.push(await run());
      const tiled = w * h > model.tiling.maxPixels ? `, tiles of ${model.tiling.core} px + ${model.tiling.halo} px context` : '';
      rows.push(msRow(`photo through DeepJSCC (encode + AWGN + decode), BCR ${bcr.join('/')}`, `1x3x${h}x${w}, ${model.symbolsFor(h, w)} symbols${tiled}`, median(times), first));
      rows.push({ name: `photo through DeepJSCC: working memory (pool peak over weights and input), BCR ${bcr.join('/')}`, shape: `1x3x${h}x${w}`, unit: 'MiB', ours: (engine.pool.peakAllocatedBytes - before) / 2 ** 20, tfjs: null, ratio: null, jaxjs: null, ort: null });
      x.dispose();
      s.dispose();
    }
    if (bcr[1] === 48) await seamRow(c, model);
    model.dispose();
  }
  if (!trainCfg) return;
  // training on 128×128 crops, batch 8, as `commin train jscc --crops` does
  const m = new DeepJSCC(engine, trainCfg, 1);
  const opt = new Adam(m.params.list());
  const x = randUniform(engine, [8, 3, 128, 128], { seed: 3 });
  const snr = tensor(engine, new Array(8).fill(5), [8]);
  const step = () => tidy(() => { opt.zeroGrad(); backward(losses.mse(m.forward(x, snr, 1), x)); opt.update(); });
  step();
  await engine.autotune();
  step();
  await engine.sync();
  const reps = 10;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    step();
    await engine.throttle();
  }
  await engine.sync();
  const sec = (performance.now() - t0) / 1000;
  rows.push({ name: `training natural DeepJSCC (${JSON.stringify({ channels: trainCfg.channels, downsample: trainCfg.downsample ?? 2 })}) 128×128 crops`, shape: 'batch 8', unit: 'images/s', ours: (reps * 8) / sec, tfjs: null, ratio: null, jaxjs: null, ort: null, firstRunMs: null, medianMs: (sec * 1000) / reps });
  m.dispose();
  opt.dispose();
  x.dispose();
  snr.dispose();
}

/**
 * What tiling changes: a bundled photo resized to 2048×1536 through the model untiled and in tiles (same
 * channel draw), the PSNR of the tiled reconstruction against the untiled one (infinite: identical).
 */
async function seamRow(c: BenchContext, model: DeepJSCC): Promise<void> {
  const { engine, rows } = c;
  const photo = resize(decodeImage(new Uint8Array(readFileSync(join(BUNDLED_PHOTOS, 'kodim23_384x256.png')))), 2048, 1536);
  const x = tensor(engine, imagesToNchw([photo]).data, [1, 3, 1536, 2048]);
  const s = tensor(engine, [4], [1]);
  const saved = model.tiling;
  const run = async (maxPixels: number) => {
    model.tiling = { ...saved, maxPixels };
    const y = noGrad(() => tidy(() => model.forward(x, s, 7)));
    const v = await y.data();
    y.dispose();
    return v;
  };
  const untiled = await run(Infinity);
  const tiled = await run(0);
  model.tiling = saved;
  let se = 0, max = 0;
  for (let i = 0; i < untiled.length; i++) { const d = tiled[i] - untiled[i]; se += d * d; max = Math.max(max, Math.abs(d)); }
  const psnr = 10 * Math.log10(1 / (se / untiled.length));
  rows.push({ name: `tiled vs untiled photo (PSNR of the tiled reconstruction against the untiled; max |diff| ${max.toExponential(2)}), BCR ${model.cfg.bcr.join('/')}`, shape: `1x3x1536x2048, tiles of ${saved.core} px + ${saved.halo} px`, unit: 'dB', ours: psnr, tfjs: null, ratio: null, jaxjs: null, ort: null });
  console.log(`tiled vs untiled at 2048×1536: PSNR ${psnr.toFixed(2)} dB, max |diff| ${max.toExponential(2)}`);
  x.dispose();
  s.dispose();
}
