// Bind groups kept per (layout, buffers, uniform slot) (src/engine/bind_groups.ts), the uniform values in
// content-addressed slots at static offsets (src/engine/uniform_slots.ts): a launch repeated with the same
// buffers and values reuses its group; other values get their own slot and group and still read their own
// values; destroying the pool's buffers (trim) forgets every group; and when the slots run out mid-batch the
// batch is submitted before any slot is rewritten.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { affine, sum, tensor } from '../../src/index.js';
import { expectClose, testRng } from '../helpers.js';

type Get = (layout: unknown, buffers: unknown, offset: number, make: () => GPUBindGroup) => GPUBindGroup;

/** Counts the bind groups e makes from now on. */
function countMade(e: Engine): { made: number } {
  const cache = (e as unknown as { bindGroups: { get: Get } }).bindGroups;
  const counter = { made: 0 };
  const get = cache.get.bind(cache);
  cache.get = (layout, buffers, offset, make) => get(layout, buffers, offset, () => (counter.made++, make()));
  return counter;
}

describe('bind group cache', () => {
  it('same buffers and values: one group; other values: their own slot and group, each launch its own values; after trim, new groups', async () => {
    const e = await Engine.create({ firstSubmit: 0 }); // one batch for everything below
    try {
      const counter = countMade(e);
      const rng = testRng();
      const xd = rng.f32(50);
      const x = tensor(e, xd, [50]);
      const sums: ReturnType<typeof sum>[] = [];
      const buffers = new Set<GPUBuffer>();
      const coefficients = [[2, 0], [3, 1], [-0.5, 4], [2, 0], [3, 1]];
      for (const [a, b] of coefficients) {
        const y = affine(x, a, b); // the pool hands the same buffer back each time
        buffers.add(y.buffer);
        sums.push(sum(y));
        y.dispose();
      }
      expect(buffers.size).toBe(1);
      // affine: a group per distinct (a, b), the repeats reuse theirs; sum: one per output kept (same values)
      expect(counter.made).toBe(3 + coefficients.length);
      for (let i = 0; i < coefficients.length; i++) {
        const [a, b] = coefficients[i];
        expectClose(await sums[i].data(), [xd.reduce((s, v) => s + a * v + b, 0)], 1e-5, 1e-4, `affine ${a}, ${b}`);
      }
      sums.forEach((s) => s.dispose());
      e.pool.trim();
      counter.made = 0;
      const y = affine(x, 2, 0);
      expect(counter.made).toBe(1); // the old group named buffers that may be gone
      expectClose(await y.data(), Array.from(xd, (v) => 2 * v), 1e-6, 1e-6);
    } finally {
      e.destroy();
    }
  });

  it('slots running out mid-batch: the batch is submitted, then the slots are reused, and every launch reads its own values', async () => {
    const e = await Engine.create({ firstSubmit: 0, uniformSlots: 3 });
    try {
      const rng = testRng();
      const xd = rng.f32(40);
      const x = tensor(e, xd, [40]);
      // 7 distinct affine values (and sum's one) through 3 slots: reset after every third new value
      const coefficients = Array.from({ length: 7 }, (_, i) => [1 + i, -i / 2]);
      const sums = coefficients.map(([a, b]) => {
        const y = affine(x, a, b);
        const s = sum(y);
        y.dispose();
        return s;
      });
      for (let i = 0; i < coefficients.length; i++) {
        const [a, b] = coefficients[i];
        expectClose(await sums[i].data(), [xd.reduce((s, v) => s + a * v + b, 0)], 1e-5, 1e-4, `affine ${a}, ${b}`);
      }
      expect((e as unknown as { uniforms: { size: number } }).uniforms.size).toBeLessThanOrEqual(3);
    } finally {
      e.destroy();
    }
  });
});
