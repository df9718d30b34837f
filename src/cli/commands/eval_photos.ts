// `commin eval --model natural`: the natural family on photos at their own size (e.g. --data
// ../shared/data/kodak): every bundled BCR (or --bcr), SNRs 1, 4, 7, 10, 13 dB (or --snr), DeepJSCC, its
// adversarial fine-tune where bundled, separation with JPEG and with AVIF at capacity, and the face family's
// DeepJSCC (trained on 64×64 faces) applied to the same full-size photos at BCR 1/48.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCliEngine } from '../engine.js';
import { bundledBcrs, bundledJscc, familyModels } from '../options/bcr.js';
import { fraction } from '../options/args.js';
import { listImages } from '../../data/folder.js';
import { prepareOutputDir } from '../../util/output.js';
import { fileSource } from '../../pipeline/file_source.js';
import { checkFamilyMethods, FAMILIES, getMethod, PHOTO_METHODS, REFERENCE_METHOD, type ChannelSpec, type Method } from '../../pipeline/index.js';
import { makeCommand } from '../options/model_commands.js';
import { evaluatePhotos, type PhotoModel } from '../../eval/photo_eval.js';
import { sameBcr } from '../../networks/deepjscc.js';
import { MODELS_DIR } from '../defaults.js';
import { jsccShape } from '../options/methods.js';

export const PHOTO_SNRS = [1, 4, 7, 10, 13];

export interface PhotoEvalFlags {
  /** DeepJSCC files to evaluate instead of the bundled natural models (their adversarial models: --bcr's bundled ones where they exist). */
  files?: string[];
  data: string; count: number; skip: number; bcr?: [number, number][]; snrs: number[]; methods?: Method[];
  lpips: string; seed: number; out: string; channel: ChannelSpec; faceBaseline: boolean; save: string[]; saveSnr: number;
}

/** The face family's DeepJSCC under the name the photo evaluation gives it. */
export const FACES_ON_PHOTOS: Method = { ...getMethod(REFERENCE_METHOD), name: `${REFERENCE_METHOD}-faces`, label: 'DeepJSCC (64x64 faces model)' };

export async function evalPhotos(o: PhotoEvalFlags): Promise<void> {
  const bcrs = o.files ? o.files.map((f) => jsccShape(f).bcr) : o.bcr ?? bundledBcrs('natural').map((b) => fraction(b));
  if (bcrs.length === 0) throw new Error(`no natural-family models in ${MODELS_DIR} (natural_bcr<k>-<n>.safetensors)`);
  const files = o.files ?? familyModels('natural', bcrs);
  const named = o.methods;
  if (named) checkFamilyMethods('natural', named);
  if (!existsSync(o.lpips)) throw new Error(`LPIPS weights '${o.lpips}' do not exist`);
  const images = listImages(o.data).slice(o.skip, o.skip + o.count);
  if (images.length === 0) throw new Error(`no images in '${o.data}' after --skip ${o.skip}`);
  const models: PhotoModel[] = bcrs.map((bcr, i) => {
    const adv = join(MODELS_DIR, FAMILIES.natural.advFile(bcr));
    // by default a method on the adversarial model runs where one is bundled for the BCR; named, it must be there
    const methods = (named ?? PHOTO_METHODS.map(getMethod)).filter((m) => !m.needs.includes('adv') || existsSync(adv) || named);
    const lacking = methods.find((m) => m.needs.includes('adv') && !existsSync(adv));
    if (lacking) throw new Error(`${lacking.name} at BCR ${bcr.join('/')} needs '${adv}' (make it with: ${makeCommand('adv', adv, 0, { jscc: files[i] })} --data DIR)`);
    return { bcr, methods, source: fileSource({ jscc: files[i], lpips: o.lpips, adv }) };
  });
  const faceModel = bundledJscc([1, 48], 'faces');
  if (o.faceBaseline && bcrs.some((b) => sameBcr(b, [1, 48])) && existsSync(faceModel)) {
    models.push({ bcr: [1, 48], methods: [FACES_ON_PHOTOS], source: fileSource({ jscc: faceModel, lpips: o.lpips }) });
  }
  prepareOutputDir(o.out);
  console.log(`${images.length} photos from ${o.data} at their own size; BCR ${bcrs.map((b) => b.join('/')).join(', ')}; ${o.snrs.join(', ')} dB; methods ${[...new Set(models.flatMap((m) => m.methods.map((q) => q.name)))].join(', ')}`);
  const engine = await createCliEngine();
  try {
    await evaluatePhotos(engine, { images, models, snrs: o.snrs, seed: o.seed, channel: o.channel, out: o.out, save: o.save, saveSnr: o.saveSnr, reference: REFERENCE_METHOD });
  } finally {
    engine.destroy();
  }
}
