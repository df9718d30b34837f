// Photographs at their own size, for fully convolutional models: a folder decoded once (no resize), random
// square crops with horizontal flips for training, centre crops for validation. A batch's crops are a
// function of (seed, step), so a resumed run draws exactly what the uninterrupted one would have.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { decodeImage, type RgbImage } from './image.js';
import { selectImages, type ImageSet, type Split } from './folder.js';
import { mulberry32 } from '../util/rng.js';

/** Decoded photographs of any sizes. */
export interface PhotoSet {
  names: string[];
  images: RgbImage[];
}

/** The validation rule of the photo family: 10 % of the files by name hash (about 50 of BSDS500's 500). */
export const PHOTO_VAL_FRACTION = 0.1;
export const PHOTO_SPLIT_NOTE = 'train/val by fnv1a(file name) % 1000 < 100 → val';

/** Loads a split of a folder's photos at their own size, skipping (and listing) unreadable files and those smaller than minSide. */
export function loadPhotoSet(dir: string, split: Split, minSide: number, log: (s: string) => void = () => {}): PhotoSet {
  const files = selectImages(dir, { split, valFraction: PHOTO_VAL_FRACTION });
  const names: string[] = [];
  const images: RgbImage[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    try {
      const img = decodeImage(new Uint8Array(readFileSync(f)), f);
      if (Math.min(img.width, img.height) < minSide) {
        skipped.push(`${f}: ${img.width}×${img.height} is smaller than the ${minSide}×${minSide} crop`);
        continue;
      }
      names.push(basename(f));
      images.push(img);
    } catch (e) {
      skipped.push(`${f}: ${(e as Error).message}`);
    }
  }
  if (skipped.length) log(`skipped ${skipped.length} image(s):\n  ${skipped.slice(0, 5).join('\n  ')}${skipped.length > 5 ? '\n  …' : ''}`);
  if (images.length === 0) throw new Error(`none of the ${files.length} images in '${dir}' (${split} split) could be read at ${minSide}×${minSide} or more`);
  return { names, images };
}

/** Where one training crop comes from. */
export interface Crop {
  image: number;
  x: number;
  y: number;
  flip: boolean;
}

/** The crops of one batch: the images given, a uniform position within each and a coin for the flip, from (seed, step). */
export function stepCrops(set: PhotoSet, images: readonly number[], size: number, seed: number, step: number): Crop[] {
  const rand = mulberry32((Math.imul(seed, 0x2c1b3c6d) ^ Math.imul(step + 1, 0x297a2d39)) >>> 0);
  return images.map((image) => {
    const { width, height } = set.images[image];
    return {
      image,
      x: Math.floor(rand() * (width - size + 1)),
      y: Math.floor(rand() * (height - size + 1)),
      flip: rand() < 0.5,
    };
  });
}

/** NCHW float32 in [0, 1] of size × size crops. */
export function cropBatch(set: PhotoSet, crops: readonly Crop[], size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(crops.length * 3 * plane);
  crops.forEach((c, n) => {
    const img = set.images[c.image];
    if (c.x < 0 || c.y < 0 || c.x + size > img.width || c.y + size > img.height) {
      throw new Error(`crop ${size}×${size} at (${c.x}, ${c.y}) is outside ${set.names[c.image]} (${img.width}×${img.height})`);
    }
    for (let r = 0; r < size; r++) {
      const row = ((c.y + r) * img.width + c.x) * 3;
      for (let q = 0; q < size; q++) {
        const src = row + (c.flip ? size - 1 - q : q) * 3;
        const o = r * size + q;
        for (let ch = 0; ch < 3; ch++) out[(n * 3 + ch) * plane + o] = img.data[src + ch] / 255;
      }
    }
  });
  return out;
}

/** The centre size × size crop of every photo, as an ImageSet (the validation images of a crop-trained model). */
export function centreCrops(set: PhotoSet, size: number): ImageSet {
  const pixels = new Uint8Array(set.images.length * size * size * 3);
  set.images.forEach((img, i) => {
    const x0 = Math.floor((img.width - size) / 2);
    const y0 = Math.floor((img.height - size) / 2);
    for (let r = 0; r < size; r++) {
      const from = ((y0 + r) * img.width + x0) * 3;
      pixels.set(img.data.subarray(from, from + size * 3), (i * size + r) * size * 3);
    }
  });
  return { size, names: set.names, pixels };
}
