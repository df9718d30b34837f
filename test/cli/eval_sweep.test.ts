// `commin eval`'s curves and BCR sweep on a tiny validation folder (the bundled Kodak crops, under names in
// the validation split): PSNR/LPIPS against SNR with one line per method, PSNR against BCR with two
// DeepJSCC models, the trained SNR range in summary.json, the refusal of per-model methods in a sweep and
// CommIN's INN looked up per BCR.
import { describe, expect, it } from 'vitest';
import { runCli } from '../run_process.js';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_JSCC_MODEL } from '../../src/cli/defaults.js';
import { valFolder as twoValFaces } from '../data_helpers.js';
import { DeepJSCC } from '../../src/networks/deepjscc.js';
import { saveCheckpoint } from '../../src/train/checkpoint.js';
import { trainedSnrRange } from '../../src/eval/models.js';
import { useEngine } from '../helpers.js';

const ROOT = new URL('../..', import.meta.url).pathname;

const commin = (...args: string[]) => runCli(args, { timeout: 240_000 });

const valFolder = () => twoValFaces(2);

const polylines = (svg: string) => svg.match(/<polyline /g)?.length ?? 0;

describe('commin eval curves', () => {
  const engine = useEngine();

  it('two SNRs: psnr_vs_snr.svg and lpips_vs_snr.svg, one line per method, the channel named; the trained SNR range in summary.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'eval-out-'));
    const r = await commin('eval', '--data', valFolder(), '--count', '2', '--snr', '0,24', '--methods', 'deepjscc,separation', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['psnr_vs_snr.svg', 'lpips_vs_snr.svg']) {
      const svg = readFileSync(join(out, f), 'utf8');
      expect(polylines(svg), f).toBe(2);
      expect(svg).toContain('awgn channel');
      for (const m of ['deepjscc', 'separation']) expect(svg).toContain(`>${m}</text>`);
    }
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    // the committed model came from `train jscc` without --snr: the default 0:20 dB; 24 dB is outside it
    expect(s.modelTrainedSnr.range).toEqual([0, 20]);
    expect(s.snrOutsideTraining).toEqual([24]);
    expect(r.stdout).toMatch(/trained at 0 to 20 dB .* also at 24 dB/);
  }, 300_000);

  it('--models of two BCRs: psnr_vs_bcr.svg, one line per method and SNR; other methods refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-bcr-'));
    // an untrained 1/24 model (twice the symbols): the sweep reads its BCR and trained SNR from the metadata
    const model = join(dir, 'deepjscc_64_bcr1-24.safetensors');
    const cfg = { size: 64, bcr: [1, 24] as [number, number], channels: [16, 32] as [number, number], snrAdaptive: true };
    const m = new DeepJSCC(engine(), cfg, 1);
    await saveCheckpoint(model, m.params, null, { step: 0, seconds: 0, config: cfg, commandLine: 'commin train jscc --bcr 1/24 --snr 0:10' });
    expect(trainedSnrRange({ commandLine: 'commin train jscc --bcr 1/24 --snr 0:10' }).range).toEqual([0, 10]);

    const refused = await commin('eval', '--models', `${DEFAULT_JSCC_MODEL},${model}`, '--methods', 'deepjscc,adv', '--out', join(dir, 'x'));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/only deepjscc, commin, dps, separation, inverse\b.* follow any model .*drop adv from --methods/);
    // CommIN looks for its INN per BCR: none for 1/24 → the file and the command that makes it
    const innDir = join(dir, 'inns');
    mkdirSync(innDir);
    copyFileSync(join(ROOT, 'models/inn_snr1.safetensors'), join(innDir, 'inn_snr1.safetensors'));
    const sweep = ['eval', '--data', valFolder(), '--count', '2', '--snr', '1', '--models', `${DEFAULT_JSCC_MODEL},${model}`, '--methods', 'deepjscc,commin', '--inn-dir', innDir, '--out'];
    const noInn = await commin(...sweep, join(dir, 'y'));
    expect(noInn.status, noInn.stderr.slice(-2000)).not.toBe(0);
    expect(noInn.stderr).toMatch(/inn_bcr1-24_snr1\.safetensors.*commin train inn/s);
    // an INN trained on the 1/48 model's outputs, put under the 1/24 name, is refused by its recorded BCR
    copyFileSync(join(ROOT, 'models/inn_snr1.safetensors'), join(innDir, 'inn_bcr1-24_snr1.safetensors'));
    const wrongInn = await commin(...sweep, join(dir, 'z'));
    expect(wrongInn.status).not.toBe(0);
    expect(wrongInn.stderr).toMatch(/was trained on DeepJSCC at BCR 1\/48, this DeepJSCC sends at 1\/24/);

    const out = join(dir, 'out');
    const r = await commin('eval', '--data', valFolder(), '--count', '2', '--snr', '1,7', '--models', `${DEFAULT_JSCC_MODEL},${model}`, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const bcr = readFileSync(join(out, 'psnr_vs_bcr.svg'), 'utf8');
    expect(polylines(bcr)).toBe(4); // deepjscc and separation at 1 and 7 dB
    expect(bcr).toContain('>1/48</text>');
    expect(bcr).toContain('>1/24</text>');
    expect(polylines(readFileSync(join(out, 'psnr_vs_snr.svg'), 'utf8'))).toBe(4); // each method per model
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.models.map((x: { bcr: number[]; symbolsPerImage: number }) => [x.bcr, x.symbolsPerImage])).toEqual([[[1, 48], 256], [[1, 24], 512]]);
    expect(s.models[1].trainedSnr.range).toEqual([0, 10]);
    expect(new Set(s.results.map((x: { method: string }) => x.method))).toEqual(new Set(['deepjscc', 'separation']));
    expect(readFileSync(join(out, 'per_image.csv'), 'utf8').split('\n')[0]).toBe('image,method,bcr,snr_db,psnr_db,ssim,lpips_squeeze');
  }, 400_000);
});
