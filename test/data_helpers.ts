// Small image folders for tests, made from the shared face set (the big set's cache is not touched).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listImages } from '../src/data/folder.js';
import { decodeImage, encodePng, toSquare } from '../src/data/image.js';

export const FACES = new URL('../../shared/data/faces/utkface', import.meta.url).pathname;

/** A folder of n face crops at size×size (PNG). */
export function smallFolder(n: number, size: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'faces-'));
  listImages(FACES).slice(0, n).forEach((f, i) => {
    writeFileSync(join(dir, `face${i}.png`), encodePng(toSquare(decodeImage(new Uint8Array(readFileSync(f)), f), size)));
  });
  return dir;
}
