import { describe, expect, it } from 'vitest';
import { runCli } from '../run_process.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HAS_FACES, kodakCrop, lpipsExample, NEEDS_FACES } from '../data_helpers.js';

// the bundled 64×64 centre crop of kodim01 (in every clone)
const KODAK = kodakCrop('01');

async function commin(...args: string[]) {
  const r = await runCli(args, { timeout: 120_000 });
  // nothing filtered here: the CLI itself keeps Dawn's start-up notices off stderr (src/cli/quiet_dawn.ts)
  const stderr = r.stderr.split('\n').filter((l) => l.trim());
  return { status: r.status, stdout: r.stdout, stderr };
}

/** One clear line on stderr, a non-zero exit, no stack trace. */
function expectCleanError(r: Awaited<ReturnType<typeof commin>>, pattern: RegExp) {
  expect(r.status).not.toBe(0);
  expect(r.stderr.join('\n')).toMatch(pattern);
  expect(r.stderr.join('\n')).not.toMatch(/^\s+at /m);
}

describe('commin CLI errors', () => {
  it('--help lists the commands', async () => {
    const r = await commin('--help');
    expect(r.status).toBe(0);
    for (const c of ['selfcheck', 'train', 'transmit']) expect(r.stdout).toContain(c);
  });
  it('unknown command or method', async () => {
    expectCleanError(await commin('fly'), /unknown command 'fly'/);
    expectCleanError(await commin('transmit', KODAK, '--snr', '1', '--method', 'magic'), /'magic' is invalid.*choices/s);
  });
  it('SNR not a number, BCR not a fraction, bad steps', async () => {
    expectCleanError(await commin('transmit', KODAK, '--snr', 'loud'), /'loud' is not a number/);
    expectCleanError(await commin('train', 'jscc', '--bcr', '0.02', '--out', '/tmp/x.safetensors'), /'0.02' is not a fraction like 1\/48/);
    expectCleanError(await commin('train', 'jscc', '--steps', '-3', '--out', '/tmp/x.safetensors'), /not a positive integer/);
    expectCleanError(await commin('train', 'jscc', '--snr', '20:0', '--out', '/tmp/x.safetensors'), /not a range like 0:20/);
  });
  it('missing files and malformed models', async () => {
    expectCleanError(await commin('transmit', 'no-such.png', '--snr', '1'), /image 'no-such.png' does not exist/);
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    writeFileSync(join(dir, 'bad.safetensors'), 'not a model at all');
    expectCleanError(await commin('transmit', KODAK, '--snr', '1', '--model', join(dir, 'bad.safetensors')), /bad.safetensors: header length|too short|not valid JSON/);
    writeFileSync(join(dir, 'bad.png'), 'not an image');
    expectCleanError(await commin('train', 'jscc', '--data', dir, '--out', join(dir, 'm.safetensors')), /no PNG or JPEG images|none of the 1 images/);
  });
});

describe('commin refuses bad arguments before any work (no engine, no data load)', () => {
  it('an existing training --out, outputs under /proc, SNRs out of range, missing --lpips, a --size the model cannot take', async () => {
    const { readFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'pre-'));
    const out = join(dir, 'm.safetensors');
    writeFileSync(out, 'precious');
    expectCleanError(await commin('train', 'jscc', '--out', out), /already exists; pass --resume to continue training it, or --force to replace it/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    // Node's recursive mkdir spins forever under /proc: refused at once instead
    expectCleanError(await commin('transmit', KODAK, '--snr', '1', '--out', '/proc/x'), /output folder '\/proc\/x' is under \/proc/);
    expectCleanError(await commin('sample', '--model', 'models/prior_64.safetensors', '--out', '/proc/x/s.png'), /under \/proc/);
    expectCleanError(await commin('train', 'inn', '--snr', '4', '--out', '/proc/x/inn.safetensors'), /under \/proc/);
    expectCleanError(await commin('transmit', KODAK, '--snr', '-1e9'), /SNR -1e9 dB is outside -20…40 dB/);
    expectCleanError(await commin('demo', '--snr', '1,1e9'), /SNR 1000000000 dB is outside -20…40 dB/);
    expectCleanError(await commin('transmit', KODAK, '--snr', '1', '--lpips', join(dir, 'none.safetensors'), '--out', dir), /LPIPS weights '.*none\.safetensors' do not exist/);
    expectCleanError(await commin('train', 'ddpm', '--size', '63', '--out', join(dir, 'p.safetensors')), /U-Net: image size 63 is not a multiple of 8/);
  });
  it('a missing --data folder is named (training and evaluation need faces; nothing bundles them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodata-'));
    expectCleanError(await commin('train', 'jscc', '--data', join(dir, 'none'), '--out', join(dir, 'm.safetensors')), /data folder '.*none' does not exist \(pass --data DIR/);
    expectCleanError(await commin('eval', '--data', join(dir, 'none'), '--out', join(dir, 'e')), /data folder '.*none' does not exist/);
    expectCleanError(await commin('demo', '--data', join(dir, 'none'), '--out', join(dir, 'd')), /data folder '.*none' does not exist/);
  });
});

describe('commin metrics', () => {
  const L = lpipsExample;
  it('prints PSNR, SSIM, MS-SSIM and LPIPS per image as JSON', async () => {
    const r = await commin('metrics', L('ex_ref.png'), L('ex_p0.png'), L('ex_p1.png'), '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results.map((x: { lpips: number }) => x.lpips)).toEqual([expect.closeTo(0.711, 3), expect.closeTo(0.1479, 3)]);
    expect(out.results[0].psnr).toBeGreaterThan(10);
    // the engine started, and Dawn's "… artificially reduced …" notices did not reach stderr
    expect(r.stderr).toEqual([]);
  });
  it('images of different sizes are a clear error', async () => {
    const { decodeImage, encodePng, resize } = await import('../../src/data/image.js');
    const { readFileSync } = await import('node:fs');
    const wide = join(mkdtempSync(join(tmpdir(), 'wide-')), 'wide.png');
    writeFileSync(wide, encodePng(resize(decodeImage(new Uint8Array(readFileSync(KODAK))), 96, 64)));
    expectCleanError(await commin('metrics', L('ex_ref.png'), wide), /is 96×64, the reference .* is 64×64/);
  });
});

describe('commin train ddpm / sample', () => {
  it('trains a tiny prior, resumes it, and samples a grid', async () => {
    const { smallFolder } = await import('../data_helpers.js');
    const { existsSync } = await import('node:fs');
    const data = smallFolder(6, 16);
    const dir = mkdtempSync(join(tmpdir(), 'ddpm-'));
    const args = ['train', 'ddpm', '--data', data, '--size', '16', '--ch', '8', '--ch-mult', '1,2', '--groups', '4', '--attn', '8', '--batch', '2', '--every', '2', '--sample-steps', '2', '--T', '50', '--out', join(dir, 'm.safetensors')];
    expect((await commin(...args, '--steps', '2')).status).toBe(0);
    const r = await commin(...args, '--steps', '4', '--resume');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/resumed from .* at step 2/);
    expect(existsSync(join(dir, 'm_samples_step4.png'))).toBe(true);
    const s = await commin('sample', '--model', join(dir, 'm.safetensors'), '-n', '4', '--steps', '3', '--out', join(dir, 'grid.png'));
    expect(s.status).toBe(0);
    expect(existsSync(join(dir, 'grid.png'))).toBe(true);
  });
});

describe('commin sample from a face GAN', () => {
  it('writes the generator\'s images for z ~ N(0, I) from the seed', async () => {
    const { readFileSync } = await import('node:fs');
    const { Engine } = await import('../../src/engine/engine.js');
    const { Generator } = await import('../../src/networks/generator.js');
    const { randNormal } = await import('../../src/kernels/random.js');
    const { decodeImage } = await import('../../src/data/image.js');
    const dir = mkdtempSync(join(tmpdir(), 'gan-sample-'));
    const e = await Engine.create();
    try {
      const g = new Generator(e, { latent: 8, channels: [8, 4], groups: 2 }, 7);
      writeFileSync(join(dir, 'g.safetensors'), await g.params.save({ kind: 'gan', config: JSON.stringify(g.cfg) }));
      const want = await g.forward(randNormal(e, [4, 8], { seed: 3 })).data(); // [4, 3, 16, 16]
      const r = await commin('sample', '--model', join(dir, 'g.safetensors'), '-n', '4', '--seed', '3', '--out', join(dir, 'grid.png'));
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/wrote 4 generator samples/);
      const grid = decodeImage(new Uint8Array(readFileSync(join(dir, 'grid.png'))));
      // a 2×2 grid with 2-pixel gaps; image k's pixel (c, y, x) as 8 bits, at most ±1 from rounding
      let worst = 0, grey = 0;
      for (let k = 0; k < 4; k++) {
        for (let c = 0; c < 3; c++) for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) {
          const v = want[((k * 3 + c) * 16 + y) * 16 + x] * 255;
          const gx = 2 + (k % 2) * 18 + x, gy = 2 + Math.floor(k / 2) * 18 + y;
          const got = grid.data[(gy * grid.width + gx) * 3 + c];
          worst = Math.max(worst, Math.abs(got - v));
          if (Math.abs(got - want[0] * 255) < 1) grey++;
        }
      }
      expect([grid.width, grid.height]).toEqual([38, 38]);
      expect(worst).toBeLessThanOrEqual(1);
      expect(grey).toBeLessThan(3 * 16 * 16); // not one flat colour
      g.dispose();
    } finally {
      e.destroy();
    }
  });
});

describe('commin demo and transmit with the committed model', () => {
  it('demo writes the grid, metrics (CSV, Markdown) and the plot', async () => {
    const { existsSync, readFileSync } = await import('node:fs');
    const { decodeImage } = await import('../../src/data/image.js');
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    // the committed prior and INNs put CommIN beside DeepJSCC; two sampling steps keep the test short
    const r = await commin('demo', '--faces', '2', '--snr', '1,7', '--steps', '2', '--out', dir);
    expect(r.status).toBe(0);
    for (const f of ['grid.png', 'photos_grid.png', 'metrics.csv', 'metrics.md', 'plot.svg']) expect(existsSync(join(dir, f)), f).toBe(true);
    const csv = readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n');
    const faceRows = csv.slice(1).filter((l) => !l.includes('(photos)'));
    expect(faceRows.length).toBe(3 * 2 * 2); // 2 faces + 1 Kodak crop, 2 SNRs, 2 methods
    expect(new Set(faceRows.map((l) => l.split(',')[1]))).toEqual(new Set(['DeepJSCC', 'CommIN']));
    // the two bundled photos at their own size through the natural family: DeepJSCC, its adversarial fine-tune, JPEG
    const photoRows = csv.slice(1).filter((l) => l.includes('(photos)'));
    expect(new Set(photoRows.map((l) => l.split(',')[0]))).toEqual(new Set(['kodim05_384x256.png', 'kodim23_384x256.png']));
    expect(photoRows.length).toBe(2 * 2 * 3);
    const photos = decodeImage(new Uint8Array(readFileSync(join(dir, 'photos_grid.png'))));
    expect(photos.width).toBeGreaterThan(7 * 384); // original, then three methods at 2 SNRs, at their own size
    const psnrs = csv.slice(1).map((l) => Number(l.split(',')[3]));
    expect(psnrs.every((p) => p > 10 && p < 60)).toBe(true);
    const grid = decodeImage(new Uint8Array(readFileSync(join(dir, 'grid.png'))));
    expect(grid.width).toBeGreaterThanOrEqual(5 * 3 * 64); // original, then DeepJSCC | CommIN at 2 SNRs, tiles ×3
    // without the CommIN models the demo says so and still writes DeepJSCC's results
    const d2 = await commin('demo', '--faces', '1', '--kodak-count', '0', '--no-photos', '--snr', '4', '--prior', join(dir, 'missing.safetensors'), '--out', join(dir, 'b'));
    expect(d2.status).toBe(0);
    expect(d2.stdout).toMatch(/CommIN skipped: needs .*missing\.safetensors/);
    expect(readFileSync(join(dir, 'b', 'metrics.csv'), 'utf8').trim().split('\n').length).toBe(2);
  });
  it('transmit: a model of another size is a clear error; same seed gives the same output', async () => {
    const { readFileSync } = await import('node:fs');
    expectCleanError(await commin('transmit', KODAK, '--model', 'faces', '--snr', '1', '--size', '128'), /is for 64×64 images, not 128×128/);
    const dir = mkdtempSync(join(tmpdir(), 'tx-'));
    const a = await commin('transmit', KODAK, '--model', 'faces', '--snr', '1', '--seed', '3', '--out', join(dir, 'a'));
    const b = await commin('transmit', KODAK, '--model', 'faces', '--snr', '1', '--seed', '3', '--out', join(dir, 'b'));
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/PSNR [\d.]+ dB, SSIM [\d.]+/);
    expect(readFileSync(join(dir, 'a', 'kodim01_deepjscc_snr1.png')).equals(readFileSync(join(dir, 'b', 'kodim01_deepjscc_snr1.png')))).toBe(true);
  });
});

describe('commin --method(s) lists (the pipeline registry)', () => {
  it('transmit runs the named methods in order on one draw; demo runs only the named ones; a missing model or unknown name is an error', async () => {
    const { readFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'methods-'));
    const t = await commin('transmit', KODAK, '--model', 'faces', '--snr', '4', '--method', 'commin,deepjscc', '--steps', '1', '--out', join(dir, 't'));
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/method commin, SNR 4 dB[^]*method deepjscc, SNR 4 dB/);
    const d = await commin('demo', '--faces', '1', '--kodak-count', '0', '--no-photos', '--snr', '4', '--methods', 'deepjscc', '--out', join(dir, 'd'));
    expect(d.status).toBe(0);
    expect(readFileSync(join(dir, 'd', 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1])).toEqual(['DeepJSCC']);
    expectCleanError(await commin('demo', '--faces', '1', '--kodak-count', '0', '--snr', '4', '--methods', 'deepjscc,commin', '--prior', join(dir, 'missing.safetensors'), '--out', join(dir, 'e')), /CommIN needs .*missing\.safetensors/);
    expectCleanError(await commin('eval', '--methods', 'deepjscc,magic'), /'deepjscc,magic' is invalid.*unknown method 'magic'; choices/s);
  });
});

describe('commin train inn', () => {
  it('trains an INN against the committed DeepJSCC at one SNR and resumes', async () => {
    const { smallFolder } = await import('../data_helpers.js');
    const { parseSafetensors } = await import('../../src/engine/safetensors.js');
    const { readFileSync } = await import('node:fs');
    const data = smallFolder(4, 64);
    const out = join(mkdtempSync(join(tmpdir(), 'inn-')), 'inn.safetensors');
    const args = ['train', 'inn', '--snr', '4', '--data', data, '--batch', '2', '--width', '8', '--res-blocks', '1', '--every', '2', '--out', out];
    expect((await commin(...args, '--steps', '2')).status).toBe(0);
    const r = await commin(...args, '--steps', '4', '--resume');
    expect(r.status).toBe(0);
    const meta = parseSafetensors(new Uint8Array(readFileSync(out))).metadata;
    expect(meta.step).toBe('4');
    expect(JSON.parse(meta.snr)).toBe(4);
    // every checkpoint records the coarse-part validation error (this small folder validates on its training images)
    expect(r.stdout).toMatch(/no validation images in this folder/);
    const history = JSON.parse(meta.history) as { step: number; valCoarseMse: number }[];
    expect(history.map((h) => h.step)).toEqual([2, 4]);
    for (const h of history) expect(h.valCoarseMse).toBeGreaterThan(0);
  });
});

describe('commin transmit --method both (DeepJSCC and CommIN on the same channel draw)', () => {
  it('runs end to end with a (tiny) prior and INN; missing models are clear errors', async () => {
    const { smallFolder } = await import('../data_helpers.js');
    const data = smallFolder(4, 64);
    const dir = mkdtempSync(join(tmpdir(), 'cm-'));
    expect((await commin('train', 'ddpm', '--data', data, '--size', '64', '--ch', '8', '--ch-mult', '1,2', '--groups', '4', '--attn', '32', '--batch', '2', '--steps', '1', '--every', '5', '--sample-steps', '2', '--out', join(dir, 'prior.safetensors'))).status).toBe(0);
    expect((await commin('train', 'inn', '--snr', '4', '--data', data, '--batch', '2', '--width', '8', '--res-blocks', '1', '--steps', '1', '--out', join(dir, 'inn.safetensors'))).status).toBe(0);
    const r = await commin('transmit', KODAK, '--model', 'faces', '--snr', '4', '--method', 'both', '--prior', join(dir, 'prior.safetensors'), '--inn', join(dir, 'inn.safetensors'), '--steps', '2', '--out', join(dir, 'out'), '--verbose', '--diagnostics', join(dir, 'diag.json'));
    expect(r.status).toBe(0);
    // per-step guidance diagnostics: printed, written as JSON, plotted
    expect(r.stdout).toMatch(/step 2 t=0: ‖x_inn − x̂0‖ [\d.]+, ‖target − coarse\(INN\(x̂0\)\)‖ [\d.]+, guidance RMS/);
    const { readFileSync, existsSync } = await import('node:fs');
    const diag = JSON.parse(readFileSync(join(dir, 'diag.json'), 'utf8'));
    expect(diag.steps.map((s: { t: number }) => s.t)).toEqual([100, 0]);
    expect(diag.steps.every((s: { innDistance: number; guidanceRms: number }) => s.innDistance > 0 && s.guidanceRms > 0)).toBe(true);
    expect(existsSync(join(dir, 'diag.svg'))).toBe(true);
    expect(r.stdout).toMatch(/method deepjscc, SNR 4 dB.*PSNR [\d.]+ dB.*LPIPS/);
    expect(r.stdout).toMatch(/method commin, SNR 4 dB.*PSNR -?[\d.]+ dB.*LPIPS/);
    expectCleanError(await commin('transmit', KODAK, '--model', 'faces', '--snr', '4', '--method', 'commin', '--prior', join(dir, 'none.safetensors')), /CommIN needs a diffusion prior/);
    expectCleanError(await commin('transmit', KODAK, '--model', 'faces', '--snr', '9', '--method', 'commin', '--prior', join(dir, 'prior.safetensors')), /CommIN needs an INN for 9 dB/);
    // an INN trained for another SNR: refused, or used with --force and a warning naming both
    const other = ['transmit', KODAK, '--model', 'faces', '--snr', '7', '--method', 'commin', '--prior', join(dir, 'prior.safetensors'), '--inn', join(dir, 'inn.safetensors'), '--steps', '1', '--out', join(dir, 'out7')];
    expectCleanError(await commin(...other), /was trained for 4 dB, the channel is at 7 dB; pass --force/);
    const forced = await commin(...other, '--force');
    expect(forced.status).toBe(0);
    expect(forced.stderr.join('\n')).toMatch(/trained for 4 dB, the channel is at 7 dB \(--force\)/);
  });
});

describe('commin eval', () => {
  it('writes per-image metrics and a summary with FD-squeeze, KID-squeeze and each method\'s time per image', async (ctx) => {
    ctx.skip(!HAS_FACES, NEEDS_FACES); // the default --data: validation faces
    const { readFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'eval-'));
    const r = await commin('eval', '--count', '4', '--snr', '1,7', '--batch', '2', '--steps', '2', '--out', dir);
    expect(r.status).toBe(0);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    // the committed prior and INNs: both methods at each SNR, on the same faces and channel draws
    expect(s.results.map((x: { snr: number; method: string }) => `${x.method}@${x.snr}`)).toEqual(['deepjscc@1', 'commin@1', 'deepjscc@7', 'commin@7']);
    expect(s.results[2].psnr).toBeGreaterThan(s.results[0].psnr - 1); // more SNR, not much worse
    for (const x of s.results) expect(x.fdSqueeze).toBeGreaterThan(0);
    // sampling costs more than one decoder pass: the per-image times say so
    for (const k of [0, 2]) expect(s.results[k + 1].msPerImage).toBeGreaterThan(s.results[k].msPerImage);
    expect(s.commin.preset).toBe('fast');
    expect(s.commin.perSnr['1']).toMatchObject({ method: 'ddim', steps: 2, startT: 100, zeta: 1, clip: true, innGradient: 'detached' });
    expect(readFileSync(join(dir, 'per_image.csv'), 'utf8').trim().split('\n').length).toBe(1 + 4 * 2 * 2);
  });
});
