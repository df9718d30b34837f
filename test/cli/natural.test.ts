// The natural family on the command line: a photo sent at its own size (odd sizes padded and cropped back,
// the symbol count printed), face-only methods refused naming --model faces, and the photo evaluation with
// its per-image rows, paired CIs and the face model's baseline.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runProcess } from '../run_process.js';

const ROOT = new URL('../..', import.meta.url).pathname;
import { decodeImage, encodePng, resize } from '../../src/data/image.js';
import { kodakCrop } from '../data_helpers.js';

const commin = (...args: string[]) => runCli(args, { timeout: 300_000 });

/** A Kodak crop resized to width × height (odd sizes included), as a PNG in a temporary folder. */
function photoFile(dir: string, name: string, width: number, height: number): string {
  const f = join(dir, `${name}.png`);
  writeFileSync(f, encodePng(resize(decodeImage(new Uint8Array(readFileSync(kodakCrop('23')))), width, height)));
  return f;
}

describe('natural family (--model natural, the default of transmit)', () => {
  it('transmit sends a 97×61 photo at its own size: padded to 100×64, k printed, the PNGs 97×61', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natural-'));
    const f = photoFile(dir, 'odd', 97, 61);
    const r = await commin('transmit', f, '--snr', '4', '--method', 'deepjscc,separation', '--out', dir);
    expect(r.status, r.stderr).toBe(0);
    // BCR 1/48 at stride 4: 2 latent channels per 4×4 cell, (100/4)·(64/4) = 400 cells, 2 reals a symbol
    expect(r.stdout).toContain('odd.png: 97×61 (padded to 100×64) → 400 complex symbols, BCR 1/48');
    expect(r.stdout).toMatch(/odd\.png: method deepjscc, SNR 4 dB, channel awgn, 400 symbols per image, BCR 1\/48, PSNR [\d.]+ dB/);
    for (const m of ['original', 'deepjscc_snr4', 'separation_snr4']) {
      const img = decodeImage(new Uint8Array(readFileSync(join(dir, `odd_${m}.png`))));
      expect([img.width, img.height], m).toEqual([97, 61]);
    }
  }, 300_000);

  it('a face-only method on the natural family is refused naming --model faces; --model faces crops to 64×64 and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natural-'));
    const f = photoFile(dir, 'p', 80, 48);
    const r = await commin('transmit', f, '--snr', '4', '--method', 'deepjscc,commin', '--out', dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/commin works on 64×64 faces only \(prior\+inn trained on faces\): pass --model faces/);
    const faces = await commin('transmit', f, '--model', 'faces', '--snr', '4', '--out', dir);
    expect(faces.status, faces.stderr).toBe(0);
    expect(faces.stdout).toContain('face family: each image centre-cropped and resized to 64×64');
    expect(decodeImage(new Uint8Array(readFileSync(join(dir, 'p_deepjscc_snr4.png')))).width).toBe(64);
  }, 300_000);

  it('eval --model natural: per-image PSNR, MS-SSIM and LPIPS at full size, paired CIs against DeepJSCC, the face model as a baseline, plots', async () => {
    const data = mkdtempSync(join(tmpdir(), 'photos-'));
    photoFile(data, 'a', 96, 64);
    photoFile(data, 'b', 64, 80);
    photoFile(data, 'c', 70, 70);
    const out = mkdtempSync(join(tmpdir(), 'eval-'));
    const r = await commin('eval', '--model', 'natural', '--data', data, '--bcr', '1/48', '--snr', '1,10', '--methods', 'deepjscc,separation', '--save-images', 'a', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const csv = readFileSync(join(out, 'per_image.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('image,method,bcr,snr_db,symbols,psnr_db,ms_ssim,lpips_squeeze');
    // 3 photos × 2 SNRs × (DeepJSCC, JPEG, the face model)
    expect(csv.length - 1).toBe(3 * 2 * 3);
    expect(csv.filter((l) => l.startsWith('c.png,deepjscc,1/48,1,')).length).toBe(1);
    // 70×70 is padded to 72×72: 18·18 cells of one symbol
    expect(csv.find((l) => l.startsWith('c.png,deepjscc'))!.split(',')[4]).toBe('324');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const faces = summary.results.find((x: { method: string; snr: number }) => x.method === 'deepjscc-faces' && x.snr === 1);
    expect(faces.vsReference.psnr).toHaveLength(2);
    for (const f of ['summary.md', 'psnr_vs_snr.svg', 'lpips_vs_snr.svg', 'a_bcr1-48_snr1.png']) expect(existsSync(join(out, f)), f).toBe(true);
    const pair = decodeImage(new Uint8Array(readFileSync(join(out, 'a_bcr1-48_snr1.png'))));
    expect(pair.width).toBeGreaterThan(4 * 96);
    // the same summary from the rows split over two files (tools/photo_summary.ts merges runs)
    const parts = mkdtempSync(join(tmpdir(), 'parts-'));
    const [head, ...rows] = csv;
    writeFileSync(join(parts, 'a.csv'), [head, ...rows.filter((l) => l.includes(',separation,'))].join('\n') + '\n');
    writeFileSync(join(parts, 'b.csv'), [head, ...rows.filter((l) => !l.includes(',separation,'))].join('\n') + '\n');
    const merged = await runProcess(process.execPath, ['--import', 'tsx', 'tools/photo_summary.ts', '--out', join(parts, 'm'), join(parts, 'a.csv'), join(parts, 'b.csv')], { cwd: ROOT });
    expect(merged.status, merged.stderr).toBe(0);
    const again = JSON.parse(readFileSync(join(parts, 'm', 'summary.json'), 'utf8'));
    const key = (r: { method: string; bcr: string; snr: number }) => `${r.method}|${r.bcr}|${r.snr}`;
    const sorted = (x: { method: string; bcr: string; snr: number }[]) => [...x].sort((p, q) => key(p).localeCompare(key(q)));
    // per_image.csv keeps 4 decimals: the merged means and CIs agree within that rounding
    const leaves = (v: unknown, path = ''): [string, unknown][] =>
      v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => leaves(x, `${path}.${k}`)) : [[path, v]];
    const got = leaves(sorted(again.results));
    const want = leaves(sorted(summary.results));
    expect(got.map(([p]) => p)).toEqual(want.map(([p]) => p));
    got.forEach(([p, v], i) => {
      const w = want[i][1];
      if (typeof w === 'number') expect(Math.abs((v as number) - w), p).toBeLessThan(2e-3);
      else expect(v, p).toEqual(w);
    });
    // the natural family needs photos: the face folder default is refused
    const noData = await commin('eval', '--model', 'natural');
    expect(noData.stderr).toMatch(/--model natural evaluates photos: pass --data DIR/);
  }, 600_000);
});
