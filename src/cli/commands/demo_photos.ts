// The demo's photos: bundled Kodak images sent at their own size through the natural family (DeepJSCC, its
// adversarial fine-tune where bundled, JPEG at capacity) at the demo's SNRs, drawn as a labelled grid.
import { writeFileAtomic } from '../../util/atomic_write.js';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Engine } from '../../engine/engine.js';
import { tensor } from '../../kernels/create.js';
import { decodeImage, encodePng, imagesToNchw, nchwToImages, type RgbImage } from '../../data/image.js';
import { labelledGrid } from '../../data/grid.js';
import { listImages } from '../../data/folder.js';
import { fileSource } from '../../pipeline/file_source.js';
import { describeChannel, FAMILIES, getMethod, loadSystem, PHOTO_DEMO_METHODS, runBatch, type ChannelSpec } from '../../pipeline/index.js';
import { padForJscc } from '../../pipeline/region.js';
import { checkMetrics } from '../../eval/metric_check.js';
import { bundledJscc } from '../options/bcr.js';
import { MODELS_DIR } from '../defaults.js';

export interface PhotoRow { image: string; method: string; snr: number; psnr: number; ssim: number; lpips: number }

/** Sends the photos of a folder; writes photos_grid.png; returns the rows (null, with a line said, when the natural family is not bundled). */
export async function demoPhotos(engine: Engine, o: { folder: string; snrs: number[]; lpips: string; seed: number; channel: ChannelSpec; out: string; firstImage: number }): Promise<PhotoRow[] | null> {
  const bcr: [number, number] = [1, 48];
  const jscc = bundledJscc(bcr, 'natural');
  if (!existsSync(jscc)) {
    console.log(`photos skipped: no natural-family model at ${jscc}`);
    return null;
  }
  const adv = join(MODELS_DIR, FAMILIES.natural.advFile(bcr));
  const methods = PHOTO_DEMO_METHODS.map(getMethod).filter((m) => !m.needs.includes('adv') || existsSync(adv));
  const system = await loadSystem(engine, fileSource({ jscc, lpips: o.lpips, adv }));
  const files = listImages(o.folder);
  const rows: PhotoRow[] = [];
  const gridRows: { label: string; tiles: RgbImage[]; captions: string[] }[] = [];
  let symbols = 0;
  let size = '';
  try {
    for (const [i, f] of files.entries()) {
      const img = decodeImage(new Uint8Array(readFileSync(f)), f);
      const sent = padForJscc(img, system.jscc);
      symbols = system.jscc.symbolsFor(sent.height, sent.width);
      size = `${img.width}x${img.height}`;
      const x = tensor(engine, imagesToNchw([sent]).data, [1, 3, sent.height, sent.width]);
      const row = { label: basename(f).replace(/\.[^.]+$/, ''), tiles: [img], captions: [size] };
      for (const snr of o.snrs) {
        await runBatch(system, x, {
          methods, snr, seed: o.seed, channel: o.channel, firstImage: o.firstImage + i,
          region: sent === img ? undefined : { height: img.height, width: img.width },
          visit: async ({ method, out, scores }) => {
            const r = { image: basename(f), method: `${method.label} (photos)`, snr, psnr: scores.psnr[0], ssim: scores.ssim[0], lpips: scores.lpips![0] };
            checkMetrics(`${r.image} (${r.method}, ${snr} dB)`, { psnr: r.psnr, ssim: r.ssim, lpips: r.lpips });
            rows.push(r);
            row.tiles.push(nchwToImages(await out.data(), out.shape)[0]);
            row.captions.push(`${r.psnr.toFixed(2)} dB / LPIPS ${r.lpips.toFixed(3)}`);
          },
        });
      }
      x.dispose();
      gridRows.push(row);
    }
  } finally {
    system.jscc.dispose();
    system.lpips?.dispose();
    (await system.adv())?.model.dispose();
  }
  const columns = ['original', ...o.snrs.flatMap((snr) => methods.map((m) => `${m.label}\n${snr} dB`))];
  const title = `Photos at their own size (${size}): natural DeepJSCC family, BCR ${bcr.join('/')} (k = ${symbols} symbols), ${describeChannel(o.channel)}. Caption: PSNR / LPIPS (lower is better)`;
  writeFileAtomic(join(o.out, 'photos_grid.png'), encodePng(labelledGrid({ title, columns, rows: gridRows })));
  return rows;
}
