// Bind groups kept per (layout, buffers) with the uniforms at a dynamic offset (src/engine/bind_groups.ts):
// a launch on the same buffers with other uniforms reuses the group and still reads its own uniforms, and
// destroying the pool's buffers (trim) forgets every group.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { affine, sum, tensor } from '../../src/index.js';
import { expectClose, testRng } from '../helpers.js';

describe('bind group cache', () => {
  it('same buffers, other uniforms, one batch: one group, each launch its own uniforms; after trim, new groups', async () => {
    const e = await Engine.create({ firstSubmit: 0 }); // one batch for everything below
    try {
      const cache = (e as unknown as { bindGroups: { get: (layout: unknown, buffers: unknown, make: () => GPUBindGroup) => GPUBindGroup } }).bindGroups;
      let made = 0;
      const get = cache.get.bind(cache);
      cache.get = (layout: unknown, buffers: unknown, make: () => GPUBindGroup) => get(layout, buffers, () => (made++, make()));
      const rng = testRng();
      const xd = rng.f32(50);
      const x = tensor(e, xd, [50]);
      const sums: ReturnType<typeof sum>[] = [];
      const buffers = new Set<GPUBuffer>();
      const coefficients = [[2, 0], [3, 1], [-0.5, 4]];
      made = 0;
      for (const [a, b] of coefficients) {
        const y = affine(x, a, b); // the pool hands the same buffer back each time
        buffers.add(y.buffer);
        sums.push(sum(y));
        y.dispose();
      }
      expect(buffers.size).toBe(1);
      // affine's group once (the later launches reuse it with their own uniform slots), sum's once per output kept
      expect(made).toBe(1 + coefficients.length);
      for (let i = 0; i < coefficients.length; i++) {
        const [a, b] = coefficients[i];
        expectClose(await sums[i].data(), [xd.reduce((s, v) => s + a * v + b, 0)], 1e-5, 1e-4, `affine ${a}, ${b}`);
      }
      sums.forEach((s) => s.dispose());
      e.pool.trim();
      made = 0;
      const y = affine(x, 2, 0);
      expect(made).toBe(1); // the old group named buffers that may be gone
      expectClose(await y.data(), Array.from(xd, (v) => 2 * v), 1e-6, 1e-6);
    } finally {
      e.destroy();
    }
  });
});
