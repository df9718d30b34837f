// Image datasets from a folder (Node): recursive listing, a deterministic train/validation split by a hash
// of the file name, decoding with a cache of the decoded and resized set, and seeded shuffled batches.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { decodeImage, toSquare } from './image.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

const folderHints = new Map<string, string>();

/** What checkDataFolder adds when the folder dir is missing (the CLI says what its default face folder holds). */
export function describeDataFolder(dir: string, hint: string): void {
  folderHints.set(resolve(dir), hint);
}

/** Throws, naming the folder, unless dir is a folder: the commands check --data before they start the engine. */
export function checkDataFolder(dir: string): void {
  if (existsSync(dir) && statSync(dir).isDirectory()) return;
  const hint = folderHints.get(resolve(dir)) ?? 'pass --data DIR: a folder of PNG/JPEG images';
  throw new Error(`data folder '${dir}' ${existsSync(dir) ? 'is not a folder' : 'does not exist'} (${hint})`);
}

/**
 * All PNG/JPEG files below dir, sorted. Symbolic links are followed (a folder reached twice, as through a link
 * loop, is walked once); a link that leads nowhere or loops is skipped with a warning naming it, as unreadable
 * images are.
 */
export function listImages(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`data folder '${dir}' does not exist or is not a folder`);
  const out: string[] = [];
  const broken: string[] = [];
  const seen = new Set<string>();
  const walk = (d: string) => {
    const real = realpathSync(d);
    if (seen.has(real)) return;
    seen.add(real);
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      let isDir = e.isDirectory();
      if (e.isSymbolicLink()) {
        try {
          isDir = statSync(p).isDirectory();
        } catch (err) {
          broken.push(`${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (a link that leads nowhere or loops)`);
          continue;
        }
      }
      if (isDir) walk(p);
      else if (IMAGE_EXT.has(extname(e.name).toLowerCase())) out.push(p);
    }
  };
  walk(dir);
  if (broken.length) console.warn(`skipped ${broken.length} broken link(s) in '${dir}':\n  ${broken.slice(0, 5).join('\n  ')}${broken.length > 5 ? '\n  …' : ''}`);
  return out.sort();
}

export { fnv1a32 as fnv1a } from '../util/hash.js';
import { fnv1a32 as fnv1a, fnv1a32Bytes } from '../util/hash.js';

export type Split = 'train' | 'val' | 'all';

/**
 * The split of a file: validation when fnv1a(file name) mod 1000 < 1000·valFraction. Depends on the name
 * only, so it is stable whatever else is in the folder.
 */
export function splitOf(path: string, valFraction = 0.05): 'train' | 'val' {
  return fnv1a(basename(path)) % 1000 < valFraction * 1000 ? 'val' : 'train';
}

/** Decoded images of one size, 8-bit RGB, HWC per image. */
export interface ImageSet {
  size: number;
  names: string[];
  /** N·size·size·3 bytes */
  pixels: Uint8Array;
}

export interface LoadOptions {
  split?: Split;
  valFraction?: number;
  /** Folder for the decoded-set cache (default: $COMMIN_DATASET_CACHE or .cache/datasets); null disables it. */
  cacheDir?: string | null;
  limit?: number;
  /** Skip this many files of the split first (e.g. to tune on images a later evaluation does not use). */
  skip?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The files of a folder that a load with these options reads, in order. */
export function selectImages(dir: string, o: LoadOptions = {}): string[] {
  const split = o.split ?? 'all';
  let files = listImages(dir);
  if (split !== 'all') files = files.filter((f) => splitOf(f, o.valFraction) === split);
  if (o.skip) files = files.slice(o.skip);
  if (o.limit) files = files.slice(0, o.limit);
  if (files.length === 0) throw new Error(`no PNG or JPEG images in '${dir}'${split !== 'all' ? ` (${split} split)` : ''}`);
  return files;
}

/** Bytes hashed at each end of a file for the cache key. */
const KEY_BLOCK = 64 * 1024;

/**
 * A file's identity for the cache: size, modification time and a hash of its first and last 64 KiB, so
 * bytes changed with the time put back are seen (all of a file up to 128 KiB, e.g. every face crop).
 */
export function fileIdentity(f: string): string {
  const st = statSync(f);
  const fd = openSync(f, 'r');
  try {
    const head = Buffer.alloc(Math.min(KEY_BLOCK, st.size));
    readSync(fd, head, 0, head.length, 0);
    const tailLen = Math.min(KEY_BLOCK, Math.max(0, st.size - head.length));
    const tail = Buffer.alloc(tailLen);
    readSync(fd, tail, 0, tailLen, st.size - tailLen);
    return `${st.size}:${st.mtimeMs}:${fnv1a32Bytes(tail, fnv1a32Bytes(head)).toString(16)}`;
  } finally {
    closeSync(fd);
  }
}

/** The decoded-set cache file for these files at this size (null when caching is off). */
export function imageCachePath(dir: string, size: number, files: string[], o: LoadOptions = {}): string | null {
  const cacheDir = o.cacheDir === undefined ? (process.env.COMMIN_DATASET_CACHE || '.cache/datasets') : o.cacheDir;
  if (!cacheDir) return null;
  const key = fnv1a(`${size}|${files.map((f) => `${f}:${fileIdentity(f)}`).join('|')}`).toString(16);
  return join(cacheDir, `${basename(dir)}-${o.split ?? 'all'}-${size}-${key}.bin`);
}

/** Loads the images of a folder at size × size (centre crop + area resize), skipping unreadable files. */
export function loadImageSet(dir: string, size: number, o: LoadOptions = {}): ImageSet {
  const files = selectImages(dir, o);
  const cachePath = imageCachePath(dir, size, files, o);
  if (cachePath && existsSync(cachePath)) {
    const cached = readImageCache(cachePath, size);
    if (cached) return cached;
  }
  const names: string[] = [];
  const chunks: Uint8Array[] = [];
  const bad: string[] = [];
  files.forEach((f, i) => {
    try {
      const img = toSquare(decodeImage(new Uint8Array(readFileSync(f)), f), size);
      chunks.push(img.data);
      names.push(basename(f));
    } catch (e) {
      bad.push(`${f}: ${(e as Error).message}`);
    }
    o.onProgress?.(i + 1, files.length);
  });
  if (bad.length) console.warn(`skipped ${bad.length} unreadable image(s):\n  ${bad.slice(0, 5).join('\n  ')}${bad.length > 5 ? '\n  …' : ''}`);
  if (names.length === 0) throw new Error(`none of the ${files.length} images in '${dir}' could be read`);
  const pixels = new Uint8Array(names.length * size * size * 3);
  chunks.forEach((c, i) => pixels.set(c, i * size * size * 3));
  if (cachePath) {
    mkdirSync(dirname(cachePath), { recursive: true });
    const header = Buffer.from(JSON.stringify(names), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length, 0);
    const tmp = `${cachePath}.${process.pid}.tmp`; // concurrent runs may build the same cache
    writeFileSync(tmp, Buffer.concat([len, header, Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength)]));
    renameSync(tmp, cachePath);
  }
  return { size, names, pixels };
}

/**
 * Reads a decoded-set file (uint32 header length, JSON names, N·size·size·3 bytes; also what
 * tools/torch_ref/sample_ddpm.py writes). Returns null when its length does not match its header.
 */
export function readImageCache(path: string, size: number): ImageSet | null {
  const buf = readFileSync(path);
  if (buf.length < 4) return null;
  const hlen = buf.readUInt32LE(0);
  let names: string[];
  try {
    names = JSON.parse(buf.subarray(4, 4 + hlen).toString('utf8')) as string[];
  } catch {
    return null;
  }
  if (!Array.isArray(names) || buf.length !== 4 + hlen + names.length * size * size * 3) return null;
  return { size, names, pixels: new Uint8Array(buf.subarray(4 + hlen)) };
}

/** NCHW float32 in [0, 1] for the images at the given indices. */
export function batchOf(set: ImageSet, indices: readonly number[]): Float32Array {
  const S = set.size;
  const plane = S * S;
  const out = new Float32Array(indices.length * 3 * plane);
  indices.forEach((idx, n) => {
    const base = idx * plane * 3;
    for (let i = 0; i < plane; i++)
      for (let c = 0; c < 3; c++) out[(n * 3 + c) * plane + i] = set.pixels[base + i * 3 + c] / 255;
  });
  return out;
}

/** Seeded epoch shuffling: the batch sequence is a function of (seed, step) only, so training resumes exactly. */
export class Batcher {
  constructor(
    readonly count: number,
    readonly batchSize: number,
    readonly seed: number,
  ) {
    if (count < 1) throw new Error('batcher: empty data set');
  }

  private permutation(epoch: number): Uint32Array {
    const p = Uint32Array.from({ length: this.count }, (_, i) => i);
    let s = (this.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0;
    const rand = () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (let i = p.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }

  private cached: { epoch: number; perm: Uint32Array } | null = null;

  /** Indices of the batch at a global step (batches wrap across epochs). */
  indices(step: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.batchSize; k++) {
      const g = step * this.batchSize + k;
      const epoch = Math.floor(g / this.count);
      if (!this.cached || this.cached.epoch !== epoch) this.cached = { epoch, perm: this.permutation(epoch) };
      out.push(this.cached.perm[g % this.count]);
    }
    return out;
  }
}
