// One reading of an argument everywhere: a BCR in lowest terms, an SNR list without repeats, a training size
// and a sampling step count refused up front when out of range.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../run_process.js';
import { fraction, snrList } from '../../src/cli/options/args.js';
import { kodakCrop } from '../data_helpers.js';

const commin = (...args: string[]) => runCli(args, { timeout: 180_000 });

describe('arguments', () => {
  it('a BCR is read in lowest terms: 2/48 is 1/24 in transmit and in eval', async () => {
    expect(fraction('2/48')).toEqual([1, 24]);
    expect(fraction(' 3 / 9 ')).toEqual([1, 3]);
    const dir = mkdtempSync(join(tmpdir(), 'args-'));
    const t = await commin('transmit', kodakCrop('01'), '--model', 'faces', '--bcr', '2/48', '--snr', '4', '--out', dir);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toContain('BCR 1/24');
    const e = await commin('eval', '--bcr', '2/48,1/24', '--out', dir);
    expect(e.stderr).toMatch(/'2\/48,1\/24' names a BCR twice/);
  }, 300_000);

  it('an SNR named twice is refused (eval, demo), not run twice', async () => {
    expect(() => snrList('1,4,1')).toThrow(/names SNR 1 dB twice/);
    const e = await commin('eval', '--snr', '1,1');
    expect(e.status).not.toBe(0);
    expect(e.stderr).toMatch(/'1,1' names SNR 1 dB twice/);
  });

  it('train jscc --size 4096 is refused before any data is read; sample --steps over the prior\'s T is refused', async () => {
    const big = await commin('train', 'jscc', '--size', '4096', '--data', '/nonexistent', '--out', join(tmpdir(), 'never.safetensors'));
    expect(big.status).not.toBe(0);
    expect(big.stderr).toMatch(/4096 is over the largest training size, 1024/);
    const s = await commin('sample', '--model', 'models/prior_64.safetensors', '--steps', '5000', '--out', join(tmpdir(), 'never.png'));
    expect(s.status).not.toBe(0);
    expect(s.stderr).toMatch(/--steps 5000: the prior 'models\/prior_64\.safetensors' has 1000 diffusion steps; sample with at most 1000/);
  });
});
