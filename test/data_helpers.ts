// Image folders and files for tests. The bundled assets (assets/: LPIPS weights, 64×64 Kodak crops) are in
// every clone; the UTKFace faces are only in the shared data folder beside the repository (../shared), so
// tests that need them skip, with the reason shown, where it is missing (a fresh clone).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listImages, splitOf } from '../src/data/folder.js';
import { decodeImage, encodePng, toSquare } from '../src/data/image.js';
import { BUNDLED_FACES, BUNDLED_KODAK, DEFAULT_DATA, LPIPS_WEIGHTS, REPO_ROOT } from '../src/cli/defaults.js';

export const FACES = DEFAULT_DATA;
export const HAS_FACES = existsSync(FACES);
/** The note of a test skipped for want of the face folder: `ctx.skip(!HAS_FACES, NEEDS_FACES)`. */
export const NEEDS_FACES = `needs the UTKFace face folder ${FACES} (not in the repository)`;

/** The bundled LPIPS-squeeze weights. */
export const LPIPS_FILE = LPIPS_WEIGHTS;
/** The bundled LPIPS example images (64×64): ex_ref.png, ex_p0.png, ex_p1.png. */
export const lpipsExample = (name: string) => join(REPO_ROOT, 'assets/lpips', name);
/** A bundled 64×64 Kodak centre crop (kodim01, 03, 05 or 23): toSquare of the full image. */
export const kodakCrop = (n: string) => join(BUNDLED_KODAK, `kodim${n}.png`);

function folderFrom(files: string[], n: number, size: number, prefix: string): string {
  if (files.length < n) throw new Error(`${n} images wanted, ${files.length} there`);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  files.slice(0, n).forEach((f, i) => {
    writeFileSync(join(dir, `${prefix}${i}.png`), encodePng(toSquare(decodeImage(new Uint8Array(readFileSync(f)), f), size)));
  });
  return dir;
}

/** A folder of n ≤ 8 images at size×size (PNG) from the bundled Kodak crops, faces first. */
export function smallFolder(n: number, size: number): string {
  return folderFrom([...listImages(BUNDLED_FACES), ...listImages(BUNDLED_KODAK)], n, size, 'face');
}

/** A folder of n UTKFace crops at size×size (PNG); only where HAS_FACES. */
export function faceFolder(n: number, size: number): string {
  return folderFrom(listImages(FACES), n, size, 'face');
}

/** n ≤ 8 bundled 64×64 crops under file names in the validation split (eval reads only that split). */
export function valFolder(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'val-'));
  const names = Array.from({ length: 2000 }, (_, i) => `val${i}.png`).filter((name) => splitOf(name) === 'val').slice(0, n);
  const files = [...listImages(BUNDLED_FACES), ...listImages(BUNDLED_KODAK)];
  names.forEach((name, i) => writeFileSync(join(dir, name), encodePng(toSquare(decodeImage(new Uint8Array(readFileSync(files[i])), files[i]), 64))));
  return dir;
}
