import { describe, expect, it } from 'vitest';
import { sizeClass } from '../../src/engine/buffers.js';
import { Adam, add, backward, keep, matmul, mean, relu, requireGrad, square, sub, tensor, tidy, randNormal } from '../../src/index.js';
import { useEngine } from '../helpers.js';

const engine = useEngine();

describe('buffer pool', () => {
  it('size classes round up and never shrink a request', () => {
    for (const b of [1, 4, 255, 257, 65536, 65537, 1e6, 123_456_789]) {
      expect(sizeClass(b)).toBeGreaterThanOrEqual(b);
      expect(sizeClass(b)).toBeLessThanOrEqual(Math.max(b + 256, b * 1.125));
    }
  });

  it('a released buffer is reused for the next request of its size class', () => {
    const pool = engine().pool;
    const a = pool.acquire(1000);
    pool.release(a);
    const b = pool.acquire(900);
    expect(b).toBe(a);
    pool.release(b);
  });

  it('tidy() frees what it made and keeps what it returns', () => {
    const e = engine();
    const before = e.pool.stats().inUseBytes;
    const kept = tidy(() => {
      const a = tensor(e, [1, 2, 3], [3]);
      const b = add(a, a);
      return add(b, a);
    });
    const s = e.pool.stats();
    expect(s.inUseBytes - before).toBe(sizeClass(12));
    kept.dispose();
    expect(e.pool.stats().inUseBytes).toBe(before);
  });

  it('memory stays flat over 1,000 training iterations', async () => {
    const e = engine();
    const w = requireGrad(keep(randNormal(e, [16, 16], { seed: 1 }, 0, 0.3)));
    const x = keep(randNormal(e, [8, 16], { seed: 2 }));
    const opt = new Adam([w], { lr: 1e-3 });
    const step = () =>
      tidy(() => {
        opt.zeroGrad();
        const loss = mean(square(sub(relu(matmul(x, w)), x)));
        backward(loss);
        opt.update();
      });
    for (let i = 0; i < 20; i++) {
      step();
      await e.throttle();
    }
    await e.sync();
    const warm = e.pool.stats();
    for (let i = 0; i < 1000; i++) {
      step();
      await e.throttle();
    }
    await e.sync();
    const after = e.pool.stats();
    expect(after.allocatedBytes).toBe(warm.allocatedBytes);
    expect(after.inUseBytes).toBe(warm.inUseBytes);
    opt.zeroGrad();
    opt.dispose();
    w.dispose();
    x.dispose();
  });
});

describe('limits', () => {
  it('a tensor larger than the largest storage binding is a clear error', async () => {
    const { empty } = await import('../../src/kernels/util.js');
    const e = engine();
    const n = Math.floor(e.limits.maxStorageBufferBindingSize / 4) + 1;
    expect(() => empty(e, [n])).toThrow(/exceeds the adapter's largest storage binding/);
  });
});
