// A method is one file plus one registration line: the toy method of test/fixtures/toy_method.ts, registered
// here, runs through `commin transmit` and `commin eval` in this process with its own flag, and eval's summary
// records its settings — no command names it.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerMethod, unregisterMethod } from '../../src/pipeline/index.js';
import { makeProgram } from '../../src/cli/program.js';
import { decodeImage } from '../../src/data/image.js';
import { kodakCrop, valFolder } from '../data_helpers.js';
import { toy } from '../fixtures/toy_method.js';

registerMethod(toy); // the one registration line

/** Runs `commin ARGS` in this process; its console lines. */
async function commin(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { lines.push(a.join(' ')); });
  try {
    await makeProgram().exitOverride().parseAsync(['node', 'commin', ...args]);
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

const png = (f: string) => decodeImage(new Uint8Array(readFileSync(f)), f).data;

describe('a method from one file', () => {
  afterAll(() => unregisterMethod('toy'));

  it('runs through transmit with its own flag: gain·y + (1 − gain)/2 of DeepJSCC\'s output', async () => {
    const out = mkdtempSync(join(tmpdir(), 'toy-transmit-'));
    const printed = await commin('transmit', kodakCrop('05'), '--model', 'faces', '--snr', '4', '--method', 'deepjscc,toy', '--toy-gain', '0.5', '--out', out);
    expect(printed).toMatch(/kodim05\.png: method toy, SNR 4 dB, .*PSNR [\d.]+ dB/);
    const y = png(join(out, 'kodim05_deepjscc_snr4.png'));
    const t = png(join(out, 'kodim05_toy_snr4.png'));
    let worst = 0;
    for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(t[i] - (0.5 * y[i] + 63.75)));
    // both PNGs are rounded to 8 bits: y by up to 0.5, the toy output by up to 0.5 again
    expect(worst).toBeLessThanOrEqual(1.01);
  }, 120_000);

  it('runs through eval: per-image rows and its settings in summary.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'toy-eval-'));
    await commin('eval', '--data', valFolder(2), '--count', '2', '--snr', '4', '--methods', 'deepjscc,toy', '--toy-gain', '0.25', '--out', out);
    const rows = readFileSync(join(out, 'per_image.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.filter((r) => r.split(',')[1] === 'toy')).toHaveLength(2);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.methods).toEqual(['deepjscc', 'toy']);
    expect(s.toy).toEqual({ gain: 0.25 });
  }, 120_000);
});
