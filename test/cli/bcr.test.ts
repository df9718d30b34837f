// --bcr (src/cli/options/bcr.ts): the bundled DeepJSCC of each bandwidth ratio, and the symbols it sends.
import { describe, expect, it } from 'vitest';
import { runCli } from '../run_process.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kodakCrop } from '../data_helpers.js';
import { bundledBcrs } from '../../src/cli/options/bcr.js';
import { DeepJSCC } from '../../src/networks/deepjscc.js';
import { saveCheckpoint } from '../../src/train/checkpoint.js';
import { useEngine } from '../helpers.js';

const ROOT = new URL('../..', import.meta.url).pathname;

const commin = (...args: string[]) => runCli(args, { timeout: 180_000 });

describe('--bcr', () => {
  const engine = useEngine();
  it('every bundled BCR: transmit prints and sends k = n·BCR complex symbols per 64×64 image', async () => {
    const bcrs = bundledBcrs();
    expect(bcrs).toContain('1/48');
    const out = mkdtempSync(join(tmpdir(), 'bcr-'));
    for (const bcr of bcrs) {
      const [k, n] = bcr.split('/').map(Number);
      const symbols = (64 * 64 * 3 * k) / n;
      const r = await commin('transmit', kodakCrop('01'), '--model', 'faces', '--snr', '7', '--bcr', bcr, '--out', out);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`; ${symbols} complex symbols per image, BCR ${bcr}`);
      expect(r.stdout).toMatch(new RegExp(`method deepjscc, SNR 7 dB, channel awgn, ${symbols} symbols per image, BCR ${bcr}, PSNR [\\d.]+ dB`));
    }
  }, 600_000);

  it('a BCR without a bundled model names the file and the command; --bcr with --model is refused', async () => {
    const none = await commin('transmit', kodakCrop('01'), '--model', 'faces', '--snr', '7', '--bcr', '1/12', '--out', tmpdir());
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/no bundled faces DeepJSCC for BCR 1\/12 \('.*deepjscc_64_bcr1-12\.safetensors'.*commin train jscc --bcr 1\/12 --init/);
    const natural = await commin('transmit', kodakCrop('01'), '--snr', '7', '--bcr', '1/12', '--out', tmpdir());
    expect(natural.stderr).toMatch(/no bundled natural DeepJSCC for BCR 1\/12 \('.*natural_bcr1-12\.safetensors'.*commin train jscc --crops/);
    const both = await commin('eval', '--bcr', '1/48', '--model', join(ROOT, 'models/deepjscc_64_bcr1-48.safetensors'));
    expect(both.status).not.toBe(0);
    expect(both.stderr).toMatch(/--bcr picks a bundled model of a family: pass --model natural or --model faces with it, not the file/);
  }, 300_000);

  /** An untrained DeepJSCC of a BCR saved in a temporary folder. */
  async function untrained(bcr: [number, number]): Promise<{ dir: string; model: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'bcr-model-'));
    const model = join(dir, `deepjscc_64_bcr${bcr[0]}-${bcr[1]}.safetensors`);
    const cfg = { size: 64, bcr, channels: [16, 32] as [number, number], snrAdaptive: true };
    const m = new DeepJSCC(engine(), cfg, 1);
    await saveCheckpoint(model, m.params, null, { step: 0, seconds: 0, config: cfg, commandLine: 'test' });
    m.dispose();
    return { dir, model };
  }

  it('a model sending part of its latent (1/192: every other row): transmit sends 64 symbols, and the methods that re-encode (separation, inverse) run', async () => {
    const { dir, model } = await untrained([1, 192]);
    const r = await commin('transmit', kodakCrop('01'), '--snr', '7', '--model', model, '--method', 'deepjscc,separation,inverse',
      '--inverse-iters', '2', '--inverse-restarts', '1', '--inverse-ilo-iters', '1', '--out', dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('; 64 complex symbols per image, BCR 1/192');
    for (const m of ['deepjscc', 'separation', 'inverse']) expect(r.stdout).toMatch(new RegExp(`method ${m}, SNR 7 dB, channel awgn, 64 symbols per image, BCR 1/192, PSNR [\\d.]+ dB`));
  }, 300_000);

  it('models trained for one DeepJSCC refuse another BCR, naming both: the adversarial DeepJSCC and the control branch', async () => {
    const { dir, model } = await untrained([1, 24]);
    const adv = await commin('transmit', kodakCrop('01'), '--snr', '7', '--model', model, '--method', 'deepjscc,adv', '--out', dir);
    expect(adv.status).not.toBe(0);
    expect(adv.stderr).toMatch(/adversarial DeepJSCC .*deepjscc_adv_64_bcr1-48\.safetensors sends at BCR 1\/48, DeepJSCC at 1\/24/);
    const control = await commin('transmit', kodakCrop('01'), '--snr', '7', '--model', model, '--method', 'deepjscc,diffjscc', '--out', dir);
    expect(control.status).not.toBe(0);
    expect(control.stderr).toMatch(/control branch .*control_64\.safetensors was trained on DeepJSCC at BCR 1\/48, this DeepJSCC sends at 1\/24/);
  }, 300_000);
});
