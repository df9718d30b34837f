import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Autotuner, fileStore, memoryStore } from '../../src/engine/autotune.js';
import { Engine, matmul, tensor } from '../../src/index.js';
import { matmulVariants } from '../../src/kernels/matmul.js';
import { matmulRef } from '../reference/ops.js';
import { expectClose, testRng } from '../helpers.js';

const clock = { sync: async () => {}, flush: () => {} };
const spin = (ms: number) => {
  const t = performance.now();
  while (performance.now() - t < ms) {
    /* busy: a candidate that costs ms */
  }
};

describe('autotuner', () => {
  it('returns the fallback until tuned, then the fastest candidate; disposes the job', async () => {
    const store = memoryStore();
    const tuner = new Autotuner(clock, store, 'test-adapter', true, 3);
    let disposed = 0;
    const job = () => ({ candidates: { slow: () => spin(4), fast: () => spin(0.2) }, dispose: () => void disposed++ });
    expect(tuner.pick('op', 'shape A', ['slow', 'fast'] as const, job)).toBe('slow');
    expect(tuner.pick('op', 'shape A', ['slow', 'fast'] as const, job)).toBe('slow');
    expect(tuner.pendingCount).toBe(1); // queued once
    const [r] = await tuner.runPending();
    expect(r.choice).toBe('fast');
    expect(r.medians.slow).toBeGreaterThan(r.medians.fast);
    expect(disposed).toBe(1);
    expect(tuner.pick('op', 'shape A', ['slow', 'fast'] as const, job)).toBe('fast');
    // the choice is per shape class and per adapter scope
    expect(tuner.pick('op', 'shape B', ['slow', 'fast'] as const, job)).toBe('slow');
    expect(new Autotuner(clock, store, 'test-adapter', false).choice('op', 'shape A', ['slow', 'fast'])).toBe('fast');
    expect(new Autotuner(clock, store, 'other-adapter', false).choice('op', 'shape A', ['slow', 'fast'])).toBeUndefined();
    // a new variant makes the shape class tune again
    const grown = new Autotuner(clock, store, 'test-adapter', true, 3);
    expect(grown.pick('op', 'shape A', ['slow', 'fast', 'new'] as const, job)).toBe('slow');
    expect(grown.pendingCount).toBe(1);
  });

  it('a failing candidate keeps the fallback and does not throw into the caller', async () => {
    const tuner = new Autotuner(clock, memoryStore(), 's', true, 2);
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => void warnings.push(m);
    try {
      const job = () => ({ candidates: { a: () => spin(0.1), b: () => { throw new Error('out of memory'); } }, dispose: () => {} });
      tuner.pick('op', 'k', ['a', 'b'] as const, job);
      expect(await tuner.runPending()).toEqual([]);
      expect(warnings.join()).toMatch(/out of memory; keeping 'a'/);
      expect(tuner.pick('op', 'k', ['a', 'b'] as const, job)).toBe('a');
      expect(tuner.pendingCount).toBe(0);
    } finally {
      console.warn = warn;
    }
  });

  it('a shape class whose default runs longer than maxRunMs keeps the default without timing the others', async () => {
    const tuner = new Autotuner(clock, memoryStore(), 's', true, 3, 2);
    let others = 0;
    const job = () => ({ candidates: { slowDefault: () => spin(4), other: () => void others++ }, dispose: () => {} });
    tuner.pick('op', 'big', ['slowDefault', 'other'] as const, job);
    const [r] = await tuner.runPending();
    expect(r.choice).toBe('slowDefault');
    expect(others).toBe(0);
    expect(tuner.pick('op', 'big', ['slowDefault', 'other'] as const, job)).toBe('slowDefault');
  });

  it("a job's own maxRunMs replaces the tuner's; a clear loser is run once after its compile run", async () => {
    const tuner = new Autotuner(clock, memoryStore(), 's', true, 3, 2);
    const runs = { slowDefault: 0, fast: 0, loser: 0 };
    const job = () => ({
      candidates: {
        slowDefault: () => void (runs.slowDefault++, spin(4)),
        fast: () => void (runs.fast++, spin(0.5)),
        loser: () => void (runs.loser++, spin(10)), // 20× fast: a clear loser even when a loaded CPU stretches one of fast's runs
      },
      dispose: () => {},
      maxRunMs: 50,
    });
    tuner.pick('op', 'long', ['slowDefault', 'fast', 'loser'] as const, job);
    const [r] = await tuner.runPending();
    expect(r.choice).toBe('fast');
    expect(runs.fast).toBeGreaterThan(2); // sampled
    expect(runs.loser).toBe(2); // compile run + one timed run, more than 2× the best so far
  });

  it('when disabled never queues; a stored choice that is not a variant any more falls back', () => {
    const off = new Autotuner(clock, memoryStore(), 's', false);
    off.pick('op', 'k', ['a', 'b'] as const, () => ({ candidates: {}, dispose: () => {} }));
    expect(off.pendingCount).toBe(0);
    const stale = new Autotuner(clock, memoryStore({ 'v3|s|op|k|a,b': 'removed' }), 's', false);
    expect(stale.pick('op', 'k', ['a', 'b'] as const, () => ({ candidates: {}, dispose: () => {} }))).toBe('a');
  });

  it('a file store survives a corrupt file and writes atomically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tune-'));
    const path = join(dir, 'sub', 'autotune.json');
    const s = fileStore(path);
    expect(s.load()).toEqual({});
    s.save({ a: 'x' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ a: 'x' });
    writeFileSync(path, '{ torn');
    expect(fileStore(path).load()).toEqual({});
  });

  it('tunes matmul on the engine at throttle(), persists the choice, and results stay correct', async () => {
    const cachePath = join(mkdtempSync(join(tmpdir(), 'tune-')), 'autotune.json');
    const rng = testRng();
    const [M, K, N] = [37, 64, 52];
    const a = rng.f32(M * K);
    const b = rng.f32(K * N);
    const ref = matmulRef(a, b, 1, 1, M, K, N);
    const e1 = await Engine.create({ autotune: { enabled: true, cachePath, samples: 2 } });
    try {
      const y1 = matmul(tensor(e1, a, [M, K]), tensor(e1, b, [K, N]));
      expect(e1.autotuner.pendingCount).toBe(1);
      expectClose(await y1.data(), ref, 1e-4, 1e-4, 'fallback variant');
      await e1.throttle();
      expect(e1.autotuner.pendingCount).toBe(0);
      const [r] = e1.autotuner.results;
      expect(Object.keys(r.medians).sort()).toEqual([...matmulVariants(e1)].sort());
      const y2 = matmul(tensor(e1, a, [M, K]), tensor(e1, b, [K, N]));
      expectClose(await y2.data(), ref, 1e-4, 1e-4, `tuned variant ${r.choice}`);
      expect(Object.values(JSON.parse(readFileSync(cachePath, 'utf8')))).toEqual([r.choice]);
    } finally {
      e1.destroy();
    }
    const e2 = await Engine.create({ autotune: { enabled: true, cachePath } });
    try {
      matmul(tensor(e2, a, [M, K]), tensor(e2, b, [K, N])).dispose();
      expect(e2.autotuner.pendingCount).toBe(0); // known from the file: nothing to tune
    } finally {
      e2.destroy();
    }
  });
});
