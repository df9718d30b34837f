// Training never loses or corrupts a checkpoint: an existing file is not replaced unasked, a diverged run
// writes nothing, a bad --size fails before the data load, and a signal stops with the shell's exit code.
import { describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useEngine } from '../helpers.js';
import { tensor } from '../../src/kernels/create.js';
import { Params } from '../../src/networks/params.js';
import { SMALL_UNET } from '../../src/networks/unet.js';
import { saveCheckpoint } from '../../src/train/checkpoint.js';
import { signalExitCode, trainingLoop } from '../../src/train/loop.js';
import { trainJscc } from '../../src/train/train_jscc.js';
import { trainDdpm } from '../../src/train/train_ddpm.js';
import { trainInn } from '../../src/train/train_inn.js';
import { DEFAULT_INN } from '../../src/networks/inn.js';
import { DEFAULT_JSCC_MODEL } from '../../src/cli/defaults.js';
import { encodePng as encodePngSync } from '../../src/data/image.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { createCliEngine } from '../../src/cli/engine.js';

const engine = useEngine();
const tmp = () => mkdtempSync(join(tmpdir(), 'guard-'));
const JSCC = { size: 16, bcr: [1, 12] as [number, number], channels: [4, 4] as [number, number], snrAdaptive: true };
// each trainer makes its own engine after checking its arguments, as the CLI's do
const base = { engine: createCliEngine, snr: [0, 20] as [number, number], batch: 2, lr: 1e-3, seed: 1, every: 2, valCount: 2, maxSeconds: 0, commandLine: 'test', quiet: true };

describe('before any work', () => {
  it('an existing --out without --resume or --force is refused by every trainer, the file untouched', async () => {
    const out = join(tmp(), 'm.safetensors');
    writeFileSync(out, 'precious');
    const missing = '/nonexistent-data';
    const refused = /already exists; pass --resume to continue training it, or --force to replace it/;
    await expect(trainJscc({ ...base, data: missing, out, config: JSCC, steps: 2, resume: false })).rejects.toThrow(refused);
    await expect(trainDdpm({ ...base, data: missing, out, config: SMALL_UNET, schedule: { kind: 'linear', T: 10, betaStart: 1e-4, betaEnd: 0.02 }, steps: 2, emaDecay: 0.9, resume: false, sampleSteps: 2 })).rejects.toThrow(refused);
    await expect(trainInn({ ...base, data: missing, jscc: DEFAULT_JSCC_MODEL, snr: 4, out, config: DEFAULT_INN, steps: 2, resume: false })).rejects.toThrow(refused);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    // --force gets past the check (to the missing data folder)
    await expect(trainJscc({ ...base, data: missing, out, config: JSCC, steps: 2, resume: false, force: true })).rejects.toThrow(/data folder '\/nonexistent-data' does not exist/);
  });
  it('a --size the model cannot take fails before the data is loaded', async () => {
    const out = join(tmp(), 'm.safetensors');
    const missing = '/nonexistent-data'; // reaching the data load would fail with another message
    await expect(trainJscc({ ...base, data: missing, out, config: { ...JSCC, size: 63 }, steps: 2, resume: false })).rejects.toThrow(/DeepJSCC: image size 63 is not a multiple of 4/);
    await expect(trainDdpm({ ...base, data: missing, out, config: { ...SMALL_UNET, resolution: 63 }, schedule: { kind: 'linear', T: 10, betaStart: 1e-4, betaEnd: 0.02 }, steps: 2, emaDecay: 0.9, resume: false, sampleSteps: 2 })).rejects.toThrow(/U-Net: image size 63 is not a multiple of 8/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('one run per checkpoint (OUT.lock)', () => {
  const data = () => {
    const d = tmp();
    for (let i = 0; i < 4; i++) writeFileSync(join(d, `img${i}.png`), encodePngSync({ width: 16, height: 16, data: Uint8Array.from({ length: 16 * 16 * 3 }, (_, k) => (k * (i + 5)) % 256) }));
    return d;
  };
  it('a second run on the same --out stops at once naming the first; the first finishes and frees the lock', async () => {
    const d = data();
    const out = join(tmp(), 'c.safetensors');
    const first = trainJscc({ ...base, data: d, out, config: JSCC, steps: 6, resume: false });
    const second = trainJscc({ ...base, data: d, out, config: JSCC, steps: 6, resume: true, seed: 2 });
    await expect(second).rejects.toThrow(new RegExp(`checkpoint '.*c\\.safetensors' is being trained by process ${process.pid} on .* since .*; wait for that run to end or stop it`));
    await first;
    expect(existsSync(`${out}.lock`)).toBe(false);
    expect(parseSafetensors(new Uint8Array(readFileSync(out))).metadata.step).toBe('6');
  });
  it('a lock of a live process on this host refuses the run; a lock of a process that is gone is taken over', async () => {
    const { hostname } = await import('node:os');
    const d = data();
    const out = join(tmp(), 'c.safetensors');
    writeFileSync(`${out}.lock`, JSON.stringify({ pid: 1, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'commin train jscc …' }));
    await expect(trainJscc({ ...base, data: d, out, config: JSCC, steps: 2, resume: false })).rejects.toThrow(/is being trained by process 1 on .* \(commin train jscc …\)/);
    expect(existsSync(out)).toBe(false);
    writeFileSync(`${out}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'crashed' }));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await trainJscc({ ...base, data: d, out, config: JSCC, steps: 2, resume: false });
    expect(warn.mock.calls.flat().join(' ')).toMatch(/taking over the lock of '.*c\.safetensors' from process \d+, which is gone/);
    warn.mockRestore();
    expect(existsSync(`${out}.lock`)).toBe(false);
    expect(existsSync(out)).toBe(true);
  });
});

describe('divergence', () => {
  it('a non-finite loss stops the loop naming the step; no checkpoint after it', async () => {
    const e = engine();
    const saved: number[] = [];
    const run = trainingLoop({
      engine: e, name: 'test', start: 0, steps: 10, batch: 1, every: 2, maxSeconds: 0, quiet: true,
      step: (step) => tensor(e, [step >= 4 ? NaN : 1], [1]),
      checkpoint: async (step) => { saved.push(step); },
    });
    await expect(run).rejects.toThrow(/training diverged at step 5: the loss is NaN; nothing is saved from here, the last checkpoint is left as it was/);
    expect(saved).toEqual([2, 4]);
  });
  it('a checkpoint holding NaN or ∞ is not written; the last good one stays byte for byte', async () => {
    const e = engine();
    const p = new Params(e, 0);
    const w = p.constant('w', [3], 1);
    const path = join(tmp(), 'c.safetensors');
    await saveCheckpoint(path, p, null, { step: 5, seconds: 1 });
    const good = readFileSync(path);
    e.write(w.buffer, Float32Array.of(1, NaN, 1));
    await expect(saveCheckpoint(path, p, null, { step: 7, seconds: 2 })).rejects.toThrow(/training diverged by step 7: 'w' holds NaN; '.*c\.safetensors' keeps its last good checkpoint/);
    e.write(w.buffer, Float32Array.of(1, 1, 1));
    const ema = new Map([['ema.w', { shape: [3], data: Float32Array.of(0, Infinity, 0) }]]);
    await expect(saveCheckpoint(path, p, null, { step: 8, seconds: 2 }, ema)).rejects.toThrow(/'ema.w' holds Infinity/);
    expect(readFileSync(path).equals(good)).toBe(true);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    await expect(saveCheckpoint(join(tmp(), 'new.safetensors'), p, null, { step: 1, seconds: 0 }, ema)).rejects.toThrow(/nothing written to/);
    p.dispose();
  });
  it('DeepJSCC at --lr 1e9 stops with an error and keeps the last good checkpoint', async () => {
    const data = tmp();
    const { encodePng } = await import('../../src/data/image.js');
    for (let i = 0; i < 4; i++) writeFileSync(join(data, `img${i}.png`), encodePng({ width: 16, height: 16, data: Uint8Array.from({ length: 16 * 16 * 3 }, (_, k) => (k * (i + 3)) % 256) }));
    const out = join(tmp(), 'm.safetensors');
    await trainJscc({ ...base, data, out, config: JSCC, steps: 2, resume: false });
    const good = readFileSync(out);
    await expect(trainJscc({ ...base, data, out, config: JSCC, steps: 40, lr: 1e9, resume: true })).rejects.toThrow(/training diverged (at|by) step \d+: .*(NaN|Infinity)/);
    expect(readFileSync(out).equals(good)).toBe(true);
  });
});

describe('divergence with finite values (the loss far above its running level)', () => {
  it('a loss over 100× the median of the recent sampled losses stops the loop; no checkpoint after it', async () => {
    const e = engine();
    const saved: number[] = [];
    const run = trainingLoop({
      engine: e, name: 'test', start: 0, steps: 100, batch: 1, every: 10, maxSeconds: 0, quiet: true,
      step: (step) => tensor(e, [step >= 25 ? 2e3 : 1 + 0.01 * (step % 3)], [1]),
      checkpoint: async (step) => { saved.push(step); },
    });
    await expect(run).rejects.toThrow(/training diverged at step 30: the loss 2000 is over 100× its running level 1\.0\d* \(the median of the last 20 sampled \|losses\|, at least 0.1\)/);
    expect(saved).toEqual([10, 20]);
  });
  it('a run resumed into an explosion is judged against the level saved in the checkpoint, at its first step', async () => {
    const e = engine();
    const level = { lossLevel: 0.5 };
    const run = trainingLoop({
      engine: e, name: 'test', start: 40, steps: 100, batch: 1, every: 50, maxSeconds: 0, quiet: true, level,
      step: (step) => tensor(e, [step === 40 ? 0.6 : 6e8], [1]),
      checkpoint: async () => {},
    });
    await expect(run).rejects.toThrow(/training diverged at step 42: the loss 6\.000e\+8 is over 100× its running level 0\.[56]/);
  });
  it('a GAN resumed at --lr 1e9 stops with an error; the good checkpoint stays byte for byte', async () => {
    const { trainGan } = await import('../../src/train/train_gan.js');
    const { smallFolder } = await import('../data_helpers.js');
    const data = smallFolder(4, 16);
    const out = join(tmp(), 'g.safetensors');
    const o = {
      engine: createCliEngine, data, out, config: { latent: 8, channels: [8, 4], groups: 2 }, discriminator: { channels: [4, 8] },
      steps: 4, batch: 2, lr: 1e-3, dLr: 1e-3, emaDecay: 0.9, seed: 3, every: 2, maxSeconds: 0, commandLine: 'test', quiet: true,
    } as Parameters<typeof trainGan>[0];
    await trainGan({ ...o, resume: false });
    const good = readFileSync(out);
    expect(Number(parseSafetensors(new Uint8Array(good)).metadata.lossLevel)).toBeGreaterThan(0);
    await expect(trainGan({ ...o, steps: 12, lr: 1e9, dLr: 1e9, resume: true })).rejects.toThrow(/training diverged (at|by) step \d+: .*(over 100× its running level|NaN|Infinity)/);
    expect(readFileSync(out).equals(good)).toBe(true);
  }, 120_000);
});

describe('progress bar', () => {
  it('after --resume the first update shows a sampled loss, not 0.00000', async () => {
    const e = engine();
    const chunks: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => { chunks.push(String(c)); return true; });
    try {
      // resumed at step 19: the bar's first update comes at once, before step 20
      await trainingLoop({ engine: e, name: 'resumed', start: 19, steps: 22, batch: 1, every: 1000, maxSeconds: 0, step: () => tensor(e, [0.5], [1]), checkpoint: async () => {} });
    } finally {
      write.mockRestore();
    }
    const text = chunks.join('');
    expect(text).toMatch(/20\/22 steps \| loss 0\.50000/);
    expect(text).not.toMatch(/loss 0\.00000/);
  });
});

describe('signals', () => {
  it('SIGINT stops after the current step and is reported; exit codes 130 (SIGINT) and 143 (SIGTERM)', async () => {
    const e = engine();
    const saved: number[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const r = await trainingLoop({
      engine: e, name: 'test', start: 0, steps: 100, batch: 1, every: 1000, maxSeconds: 0, quiet: true,
      step: (step) => {
        // the loop's own handler, called as the signal would call it (no real signal to the test process)
        if (step === 2) (process.listeners('SIGINT').at(-1) as (s: NodeJS.Signals) => void)('SIGINT');
        return tensor(e, [1], [1]);
      },
      checkpoint: async (step) => { saved.push(step); },
    });
    err.mockRestore();
    expect(r).toMatchObject({ step: 3, signal: 'SIGINT' });
    expect(saved).toEqual([]); // the caller writes the checkpoint after the loop
    expect(signalExitCode(r.signal)).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode(undefined)).toBe(0);
  });
});
