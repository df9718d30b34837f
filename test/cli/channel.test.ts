// The channel flags (src/cli/options/channel.ts) shared by train jscc, transmit, eval and demo.
import { describe, expect, it } from 'vitest';
import { runCli } from '../run_process.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kodakCrop } from '../data_helpers.js';

const KODAK = kodakCrop('01');

async function commin(...args: string[]) {
  const r = await runCli(args, { timeout: 180_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => l.trim()).join('\n') };
}

function expectCleanError(r: Awaited<ReturnType<typeof commin>>, pattern: RegExp) {
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('--channel', () => {
  it('transmit --channel rayleigh runs and prints the channel and the symbols per image', async () => {
    const out = mkdtempSync(join(tmpdir(), 'channel-'));
    const r = await commin('transmit', KODAK, '--model', 'faces', '--snr', '4', '--channel', 'rayleigh', '--equaliser', 'zf', '--method', 'deepjscc,separation', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/channel rayleigh \(block fading, ZF equaliser\) at 4 dB; 256 complex symbols per image, BCR 1\/48/);
    expect(r.stdout).toMatch(/trained over awgn; sending over rayleigh/);
    expect(r.stdout).toMatch(/method deepjscc, SNR 4 dB, channel rayleigh, 256 symbols per image, BCR 1\/48, PSNR [\d.]+ dB/);
    expect(r.stdout).toMatch(/method separation, SNR 4 dB, channel rayleigh/);
  }, 200_000);

  it('a bad channel name or a setting for another channel is one clear error', async () => {
    expectCleanError(await commin('transmit', KODAK, '--snr', '1', '--channel', 'fading'), /'fading' is invalid.*awgn, rayleigh, ofdm/s);
    expectCleanError(await commin('eval', '--channel', 'rician'), /'rician' is invalid.*awgn, rayleigh, ofdm/s);
    expectCleanError(await commin('transmit', KODAK, '--snr', '1', '--fast-fading'), /--fast-fading needs --channel rayleigh/);
    expectCleanError(await commin('transmit', KODAK, '--snr', '1', '--channel', 'rayleigh', '--ofdm-taps', '4'), /--ofdm-taps needs --channel ofdm/);
    expectCleanError(await commin('transmit', KODAK, '--snr', '1', '--channel', 'ofdm', '--ofdm-taps', '20', '--ofdm-cp', '4'), /cyclic prefix \(4\) must be at least taps − 1 \(19\)/);
    expectCleanError(await commin('train', 'jscc', '--equaliser', 'zf', '--out', '/tmp/x.safetensors'), /--equaliser needs --channel rayleigh or ofdm/);
  }, 200_000);
});
