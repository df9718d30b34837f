// Checks the commands make before any work (no GPU here): output paths, SNR ranges, finite metrics, distinct
// output names, and the training target.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkNotInput, checkWritableFile, prepareOutputDir, uniqueStems } from '../../src/util/output.js';
import { nonNegativeInt, snrDb, snrList, snrRange } from '../../src/cli/options/args.js';
import { checkMetrics } from '../../src/eval/metric_check.js';
import { diagnosticsPath } from '../../src/cli/commands/diagnostics.js';
import { checkCheckpointTarget } from '../../src/train/checkpoint.js';

describe('output paths are checked before the work', () => {
  it('prepareOutputDir makes missing folders and leaves no probe file behind', () => {
    const root = mkdtempSync(join(tmpdir(), 'out-'));
    const dir = join(root, 'a', 'b', 'c');
    expect(prepareOutputDir(dir)).toBe(dir);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
  it('/proc and /sys are refused at once (Node\'s recursive mkdir spins forever under /proc)', () => {
    const t0 = performance.now();
    expect(() => prepareOutputDir('/proc/x/y')).toThrow(/output folder '\/proc\/x\/y' is under \/proc/);
    expect(() => checkWritableFile('/sys/x.png', 'output PNG')).toThrow(/under \/sys/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
  it('a path through a file, or a file that is a folder, is refused with the reason', () => {
    const root = mkdtempSync(join(tmpdir(), 'out-'));
    writeFileSync(join(root, 'f'), 'x');
    expect(() => prepareOutputDir(join(root, 'f', 'sub'))).toThrow(/'.*\/f' is a file, not a folder/);
    expect(() => checkWritableFile(root, 'checkpoint')).toThrow(/checkpoint '.*' is a folder, not a file/);
    expect(checkWritableFile(join(root, 'new', 'm.safetensors'))).toMatch(/m\.safetensors$/);
    expect(existsSync(join(root, 'new'))).toBe(true);
  });
  it('an output that is one of the inputs is refused', () => {
    expect(() => checkNotInput('models/../models/m.safetensors', ['x.png', 'models/m.safetensors'], 'output PNG')).toThrow(/output PNG '.*' is also an input/);
    expect(() => checkNotInput('out.png', ['x.png'])).not.toThrow();
  });
});

describe('output names never collide', () => {
  it('repeated input names get -2, -3, … (also past a name already taken)', () => {
    expect(uniqueStems(['kodim01', 'face', 'kodim01', 'kodim01'])).toEqual(['kodim01', 'face', 'kodim01-2', 'kodim01-3']);
    const s = uniqueStems(['a', 'a-2', 'a']);
    expect(new Set(s).size).toBe(3);
  });
  it('transmit --diagnostics: one file per image when there are several', () => {
    expect(diagnosticsPath('d/diag.json', 'kodim01', 1)).toBe('d/diag.json');
    expect(['kodim01', 'kodim01-2'].map((s) => diagnosticsPath('d/diag.json', s, 2))).toEqual(['d/diag_kodim01.json', 'd/diag_kodim01-2.json']);
  });
});

describe('SNR range and finite metrics', () => {
  it('SNRs outside −20…40 dB are refused by every SNR parser', () => {
    expect(snrDb('7')).toBe(7);
    expect(snrDb('-20')).toBe(-20);
    expect(() => snrDb('-1e9')).toThrow(/SNR -1e9 dB is outside -20…40 dB/);
    expect(() => snrDb('41')).toThrow(/outside/);
    expect(snrList('1,4,7')).toEqual([1, 4, 7]);
    expect(() => snrList('1,100')).toThrow(/SNR 100 dB is outside/);
    expect(snrRange('0:20')).toEqual([0, 20]);
    expect(() => snrRange('-30:20')).toThrow(/SNR -30 dB is outside/);
  });
  it('a NaN or infinite metric is an error naming it; PSNR +∞ (identical images) is not', () => {
    expect(() => checkMetrics('kodim01.png (deepjscc, 1 dB)', { psnr: NaN, ssim: 0.5 })).toThrow(/PSNR of kodim01.png \(deepjscc, 1 dB\) is NaN/);
    expect(() => checkMetrics('x', { psnr: -Infinity })).toThrow(/PSNR of x is -Infinity/);
    expect(() => checkMetrics('x', { psnr: 20, ssim: 0.9, lpips: Infinity })).toThrow(/LPIPS of x is Infinity/);
    expect(() => checkMetrics('x', { psnr: Infinity, ssim: 1, lpips: 0, msssim: 1 })).not.toThrow();
    expect(() => checkMetrics('x', { psnr: 20, lpips: undefined })).not.toThrow();
  });
});

describe('training target', () => {
  it('an existing --out needs --resume or --force; a new one is fine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const out = join(dir, 'm.safetensors');
    expect(() => checkCheckpointTarget(out, { resume: false })).not.toThrow();
    writeFileSync(out, 'precious');
    expect(() => checkCheckpointTarget(out, { resume: false })).toThrow(/'.*m\.safetensors' already exists; pass --resume to continue training it, or --force to replace it/);
    expect(() => checkCheckpointTarget(out, { resume: true })).not.toThrow();
    expect(() => checkCheckpointTarget(out, { resume: false, force: true })).not.toThrow();
    expect(readFileSync(out, 'utf8')).toBe('precious');
  });
});

describe('seeds', () => {
  it('a seed must be a safe integer: 1e300 (which drew the same noise as seed 0) is refused', () => {
    expect(nonNegativeInt('7')).toBe(7);
    expect(nonNegativeInt(String(2 ** 53 - 1))).toBe(2 ** 53 - 1);
    for (const bad of ['1e300', String(2 ** 53), '-1', '2.5', 'x']) expect(() => nonNegativeInt(bad)).toThrow(/is not a non-negative integer below 2\^53/);
  });
});
