import { describe, expect, it } from 'vitest';
import { attention, type AttentionVariant } from '../../src/kernels/attention.js';
import { tensor } from '../../src/index.js';
import { attentionRef } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe.each(['fused', 'matmul'] as AttentionVariant[])('attention, %s variant', (variant) => {
  it('forward for single- and multi-head shapes, head dims across the chunk size', async () => {
    const rng = testRng();
    // [batch, heads, T, d]: 8×8 and 16×16 token grids, d below, at and above 64 (the per-invocation chunk)
    for (const [B, H, T, d] of [[1, 1, 1, 4], [2, 1, 17, 8], [1, 4, 64, 32], [2, 1, 256, 128], [1, 2, 9, 68]]) {
      const n = B * H * T * d;
      const [q, k, v] = [rng.f32(n, -2, 2), rng.f32(n, -2, 2), rng.f32(n)];
      const shape = [B, H, T, d];
      const y = attention(tensor(engine(), q, shape), tensor(engine(), k, shape), tensor(engine(), v, shape), undefined, variant);
      expectClose(await y.data(), attentionRef(q, k, v, B * H, T, d, 1 / Math.sqrt(d)), 1e-4, 1e-5, `${shape}`);
    }
  });
  it('gradients of q, k and v', async () => {
    const rng = testRng();
    for (const [BH, T, d] of [[2, 5, 8], [1, 7, 72]]) {
      const n = BH * T * d;
      const shape = [BH, T, d];
      await checkGrad(
        engine(), rng, (q, k, v) => attention(q, k, v, 0.3, variant),
        (q, k, v) => attentionRef(q, k, v, BH, T, d, 0.3),
        [0, 1, 2].map(() => ({ data: rng.f32(n), shape })),
      );
    }
  });
  it('rejects a head dimension that is not a multiple of 4', () => {
    const t = tensor(engine(), new Float32Array(6), [2, 3]);
    expect(() => attention(t, t, t, undefined, variant)).toThrow(/multiple of 4/);
  });
});

describe('attention variants', () => {
  it('long sequences only run fused (the [T, T] matrices would not fit)', () => {
    const t = tensor(engine(), new Float32Array(2048 * 4), [1, 2048, 4]);
    expect(() => attention(t, t, t, undefined, 'matmul')).toThrow(/variant 'matmul' does not apply to 2048 tokens/);
  });
});
