import { describe, expect, it } from 'vitest';
import { gpuWait, gpuWaitTiming } from '../../src/engine/platform.js';
import { Engine, matmul, randUniform, tidy } from '../../src/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kindOf = (handle: unknown) => (handle as object).constructor.name;

describe('waiting on the GPU without a busy poll (gpuWait)', () => {
  it('while waiting, native callbacks go to a timer once the fast window is over, JavaScript ones to the real setImmediate', async () => {
    // the mechanism, not the clock: the window is set to "never over" and to "over at once" in turn
    const real = globalThis.setImmediate;
    const seen: string[] = [];
    const probe = async () => {
      await null; // run once gpuWait has started waiting
      seen.push(kindOf(setImmediate(() => {})));
      seen.push(kindOf(setImmediate(Math.max))); // a native function, as Dawn's poll callback is
    };
    const fast = gpuWaitTiming.fastMs;
    try {
      gpuWaitTiming.fastMs = Infinity;
      await gpuWait(probe());
      gpuWaitTiming.fastMs = -1;
      await gpuWait(probe());
    } finally {
      gpuWaitTiming.fastMs = fast;
    }
    expect(seen).toEqual(['Immediate', 'Immediate', 'Immediate', 'Timeout']);
    expect(globalThis.setImmediate).toBe(real);
  });

  it('restores the global setImmediate after the last of overlapping waits, and after a rejection', async () => {
    const real = globalThis.setImmediate;
    const a = gpuWait(sleep(20));
    const b = gpuWait(sleep(5));
    await b;
    expect(globalThis.setImmediate).not.toBe(real); // a still waits
    await a;
    expect(globalThis.setImmediate).toBe(real);
    await expect(gpuWait(Promise.reject(new Error('lost')))).rejects.toThrow('lost');
    expect(globalThis.setImmediate).toBe(real);
  });

  it('engine waits (sync, readback) return the same results and leave the global as it was', async () => {
    const real = globalThis.setImmediate;
    const e = await Engine.create();
    const a = randUniform(e, [67, 129], { seed: 3 });
    const b = randUniform(e, [129, 33], { seed: 4 });
    const c = tidy(() => matmul(a, b));
    await e.sync();
    const [x, y] = await Promise.all([c.data(), c.data()]); // concurrent readbacks
    expect(Array.from(x)).toEqual(Array.from(y));
    const av = await a.data(), bv = await b.data();
    let s = 0;
    for (let k = 0; k < 129; k++) s += av[5 * 129 + k] * bv[k * 33 + 7];
    expect(x[5 * 33 + 7]).toBeCloseTo(s, 4);
    expect(globalThis.setImmediate).toBe(real);
    e.destroy();
  });

  it('what a program sees of setImmediate while the engine waits: the same name, length, promisify and scheduling; only the identity differs', async () => {
    const { promisify } = await import('node:util');
    const real = globalThis.setImmediate;
    let seen: Record<string, unknown> = {};
    const probe = async () => {
      await null;
      const during = globalThis.setImmediate;
      const order: string[] = [];
      await new Promise<void>((done) => { during(() => order.push('immediate')); setTimeout(() => { order.push('timeout'); done(); }, 5); });
      seen = {
        name: during.name, length: during.length, custom: (during as unknown as Record<symbol, unknown>)[promisify.custom],
        promisified: await promisify(during)(), order, same: during === real,
      };
    };
    await gpuWait(probe());
    expect(seen.name).toBe(real.name);
    expect(seen.length).toBe(real.length);
    expect(seen.custom).toBe((real as unknown as Record<symbol, unknown>)[promisify.custom]);
    expect(seen.promisified).toBeUndefined();
    expect(seen.order).toEqual(['immediate', 'timeout']);
    expect(seen.same).toBe(false); // the one difference, documented in platform.ts
    expect(globalThis.setImmediate).toBe(real);
  });
});
