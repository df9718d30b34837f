// The defaults a fresh clone runs on (no ../shared beside it): bundled files that exist and parse, the
// demo's choice of images, and the error for a missing face folder. No GPU.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BUNDLED_FACES, BUNDLED_KODAK, DEFAULT_DATA, LPIPS_WEIGHTS, REPO_ROOT } from '../../src/cli/defaults.js';
import { demoImages } from '../../src/cli/commands/demo.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { decodeImage, encodePng } from '../../src/data/image.js';
import { checkDataFolder, listImages, splitOf } from '../../src/data/folder.js';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('bundled defaults', () => {
  it('the default LPIPS weights are in the repository and parse (59 tensors, 724,742 parameters)', () => {
    expect(relative(REPO_ROOT, LPIPS_WEIGHTS)).toBe(join('assets', 'lpips', 'lpips_squeeze_v0.1.safetensors'));
    const f = parseSafetensors(new Uint8Array(readFileSync(LPIPS_WEIGHTS)));
    expect(f.tensors.size).toBe(59);
    expect([...f.tensors.values()].reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0)).toBe(724_742);
  });
  it('the bundled demo images are 4 portrait face crops and 4 scene crops, 64×64 PNG', () => {
    for (const [dir, n] of [[BUNDLED_FACES, 4], [BUNDLED_KODAK, 4]] as const) {
      const files = listImages(dir);
      expect(files.length).toBe(n);
      for (const f of files) {
        expect(f).toMatch(/kodim\d\d(_face)?\.png$/);
        const im = decodeImage(new Uint8Array(readFileSync(f)), f);
        expect([im.width, im.height]).toEqual([64, 64]);
      }
    }
  });
  it('nothing under assets/ looks like a UTKFace file (which may never be redistributed)', () => {
    const files = walk(join(REPO_ROOT, 'assets'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f).not.toMatch(/\d+_\d_\d_\d{17}\.jpg/);
    expect(files.some((f) => /utk/i.test(relative(REPO_ROOT, f)))).toBe(false);
  });
});

describe('demo images', () => {
  const none = join(tmpdir(), 'commin-no-such-folder');
  it('without the face and Kodak folders: the bundled crops, and it says so', () => {
    const { files, sources } = demoImages({ data: none, kodak: none, faces: 4, kodakCount: 1 });
    expect(files.map((f) => relative(REPO_ROOT, f))).toEqual([
      ...['kodim04', 'kodim15', 'kodim17', 'kodim18'].map((k) => join('assets', 'demo', 'faces', `${k}_face.png`)),
      join('assets', 'demo', 'kodak', 'kodim01.png'),
    ]);
    expect(sources[0]).toMatch(/^faces: no face folder at .*commin-no-such-folder .*using 4 bundled Kodak portrait crops from .*assets\/demo\/faces$/);
    expect(sources[1]).toMatch(/^Kodak: no Kodak folder at .*; using 1 bundled centre crop from .*assets\/demo\/kodak$/);
  });
  it('with a face folder: its validation faces (by the name-hash split), and it says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-faces-'));
    const names = Array.from({ length: 400 }, (_, i) => `f${i}.png`);
    const val = names.filter((n) => splitOf(n) === 'val').slice(0, 3);
    const train = names.filter((n) => splitOf(n) === 'train').slice(0, 3);
    const png = encodePng({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3) });
    for (const n of [...val, ...train]) writeFileSync(join(dir, n), png);
    const { files, sources } = demoImages({ data: dir, kodak: none, faces: 2, kodakCount: 2 });
    expect(files.slice(0, 2).map((f) => f.slice(dir.length + 1))).toEqual([...val].sort().slice(0, 2));
    expect(files.slice(2).every((f) => f.startsWith(BUNDLED_KODAK))).toBe(true);
    expect(sources[0]).toBe(`faces: 2 validation faces from ${dir}`);
  });
  it('a folder named on the command line must exist; zero images is an error', () => {
    expect(() => demoImages({ data: none, kodak: none, faces: 1, kodakCount: 0, named: { data: true } })).toThrow(/data folder '.*commin-no-such-folder' does not exist/);
    expect(() => demoImages({ data: none, kodak: none, faces: 0, kodakCount: 0 })).toThrow(/no images/);
  });
});

describe('face folder check', () => {
  it('names the folder; for the default one says it holds UTKFace crops the repository does not include', () => {
    expect(() => checkDataFolder(join(tmpdir(), 'commin-no-such-folder'))).toThrow(/^data folder '.*commin-no-such-folder' does not exist \(pass --data DIR/);
    expect(() => checkDataFolder(REPO_ROOT)).not.toThrow();
    let msg = '';
    try {
      checkDataFolder(DEFAULT_DATA);
    } catch (e) {
      msg = (e as Error).message;
    }
    // where the shared folder is beside the repository the default exists; elsewhere it is the error
    if (msg) expect(msg).toMatch(/data folder '.*shared\/data\/faces\/utkface' does not exist \(the default face folder: UTKFace face crops, which the repository does not include/);
  });
});
