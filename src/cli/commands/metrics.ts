// `commin metrics REF IMAGE…`: PSNR, SSIM, MS-SSIM and LPIPS of each image against a reference.
import { createCliEngine } from '../engine.js';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import { tensor } from '../../kernels/create.js';
import { decodeImage, imagesToNchw } from '../../data/image.js';
import { psnr } from '../../metrics/psnr.js';
import { msSsim, ssim } from '../../metrics/ssim.js';
import { Lpips } from '../../metrics/lpips.js';
import { LPIPS_WEIGHTS } from '../defaults.js';
import { checkMetrics } from '../../eval/metric_check.js';

export function metricsCommand(): Command {
  return new Command('metrics')
    .description('compare images with a reference: PSNR, SSIM, MS-SSIM, LPIPS (squeeze)')
    .argument('<ref>', 'reference image (PNG/JPEG)')
    .argument('<images...>', 'images of the same size')
    .option('--lpips <file>', 'LPIPS weights (safetensors)', LPIPS_WEIGHTS)
    .option('--json', 'print JSON instead of a table')
    .action(async (ref: string, images: string[], o) => {
      for (const f of [ref, ...images]) if (!existsSync(f)) throw new Error(`image '${f}' does not exist`);
      if (!existsSync(o.lpips)) throw new Error(`LPIPS weights '${o.lpips}' do not exist`);
      const refImg = decodeImage(new Uint8Array(readFileSync(ref)), ref);
      const engine = await createCliEngine();
      const lp = Lpips.load(engine, new Uint8Array(readFileSync(o.lpips)), o.lpips);
      const r = imagesToNchw([refImg]);
      const rt = tensor(engine, r.data, r.shape);
      const rows: Record<string, string | number>[] = [];
      for (const f of images) {
        const img = decodeImage(new Uint8Array(readFileSync(f)), f);
        if (img.width !== refImg.width || img.height !== refImg.height) {
          throw new Error(`${f} is ${img.width}×${img.height}, the reference ${ref} is ${refImg.width}×${refImg.height}`);
        }
        const t = imagesToNchw([img]);
        const it = tensor(engine, t.data, t.shape);
        const ms = await msSsim(rt, it);
        const lpipsT = lp.distance(rt, it);
        const m = { psnr: (await psnr(rt, it))[0], ssim: (await ssim(rt, it))[0], msssim: ms.values[0], lpips: await lpipsT.item() };
        checkMetrics(f, m);
        rows.push({
          image: basename(f),
          psnr: +m.psnr.toFixed(3),
          ssim: +m.ssim.toFixed(5),
          msssim: +m.msssim.toFixed(5),
          msssimScales: ms.scales,
          lpips: +m.lpips.toFixed(5),
        });
        it.dispose();
        lpipsT.dispose();
      }
      if (o.json) console.log(JSON.stringify({ reference: basename(ref), lpips: 'squeeze v0.1', results: rows }, null, 2));
      else {
        console.log(`reference ${basename(ref)} (LPIPS: squeeze v0.1; MS-SSIM over the scales that fit)`);
        console.log(['image', 'PSNR dB', 'SSIM', 'MS-SSIM', 'LPIPS'].join('\t'));
        for (const r of rows) console.log([r.image, r.psnr === Infinity ? 'inf' : r.psnr, r.ssim, `${r.msssim} (${r.msssimScales})`, r.lpips].join('\t'));
      }
      engine.destroy();
    });
}
