import { describe, expect, it } from 'vitest';
import { avgPool, maxPool2d, pixelShuffle, pixelUnshuffle, upsampleNearest } from '../../src/kernels/resample.js';
import { tensor } from '../../src/index.js';
import { maxPoolRef, size, unravel } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

function upRef(x: Float64Array, [N, C, H, W]: number[], s: number): Float64Array {
  const out = new Float64Array(N * C * H * s * W * s);
  for (let i = 0; i < out.length; i++) {
    const [n, c, h, w] = unravel(i, [N, C, H * s, W * s]);
    out[i] = x[((n * C + c) * H + Math.floor(h / s)) * W + Math.floor(w / s)];
  }
  return out;
}
function avgRef(x: Float64Array, [N, C, H, W]: number[], k: number): Float64Array {
  const out = new Float64Array((N * C * H * W) / (k * k));
  for (let i = 0; i < x.length; i++) {
    const [n, c, h, w] = unravel(i, [N, C, H, W]);
    out[((n * C + c) * (H / k) + Math.floor(h / k)) * (W / k) + Math.floor(w / k)] += x[i] / (k * k);
  }
  return out;
}
function shuffleRef(x: Float64Array, [N, Cr, H, W]: number[], r: number): Float64Array {
  const C = Cr / (r * r);
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) {
    const [n, c, h, w] = unravel(i, [N, C, H * r, W * r]);
    out[i] = x[((n * Cr + c * r * r + (h % r) * r + (w % r)) * H + Math.floor(h / r)) * W + Math.floor(w / r)];
  }
  return out;
}

describe('resampling', () => {
  it('nearest upsampling forward and gradient', async () => {
    const rng = testRng();
    for (const [shape, s] of [[[2, 3, 5, 7], 2], [[1, 2, 3, 3], 3]] as [number[], number][]) {
      const x = rng.f32(size(shape));
      expectClose(await upsampleNearest(tensor(engine(), x, shape), s).data(), upRef(x, shape, s), 0, 0);
      await checkGrad(engine(), rng, (t) => upsampleNearest(t, s), (a) => upRef(a, shape, s), [{ data: x, shape }]);
    }
  });
  it('average pooling forward and gradient', async () => {
    const rng = testRng();
    for (const [shape, k] of [[[2, 3, 6, 8], 2], [[1, 2, 9, 6], 3], [[3, 1, 4, 4], 4]] as [number[], number][]) {
      const x = rng.f32(size(shape));
      expectClose(await avgPool(tensor(engine(), x, shape), k).data(), avgRef(x, shape, k), 1e-6, 1e-7);
      await checkGrad(engine(), rng, (t) => avgPool(t, k), (a) => avgRef(a, shape, k), [{ data: x, shape }]);
    }
    expect(() => avgPool(tensor(engine(), rng.f32(48), [1, 1, 6, 8]), 4)).toThrow(/not divisible/);
  });
  it('max pooling (ceil mode, padding, overlapping windows) forward and gradient', async () => {
    const rng = testRng();
    for (const [shape, k, s, pad, ceil] of [
      [[2, 3, 17, 17], 3, 2, 0, true], // SqueezeNet: 3×3 stride 2 ceil mode
      [[1, 2, 16, 16], 3, 2, 0, true],
      [[1, 2, 9, 10], 2, 2, 0, false],
      [[1, 1, 7, 7], 3, 2, 1, false],
      [[1, 2, 6, 9], 3, 1, 1, false], // stride 1: up to 3×3 windows cover a pixel
      [[2, 1, 11, 8], 3, 3, 0, true], // stride = window, ceil mode: a partial last window
      [[1, 1, 5, 6], 2, 1, 0, false],
    ] as [number[], number, number, number, boolean][]) {
      const x = rng.f32(size(shape));
      const y = maxPool2d(tensor(engine(), x, shape), k, { stride: s, padding: pad, ceilMode: ceil });
      const r = maxPoolRef(x, shape, k, s, pad, ceil);
      expect(y.shape).toEqual(r.shape);
      expectClose(await y.data(), r.out, 0, 0, JSON.stringify(shape));
      await checkGrad(engine(), rng, (t) => maxPool2d(t, k, { stride: s, padding: pad, ceilMode: ceil }), (a) => maxPoolRef(a, shape, k, s, pad, ceil).out, [{ data: x, shape }]);
    }
  });
  it('pixel shuffle / unshuffle: reference, round trip and gradient', async () => {
    const rng = testRng();
    const shape = [2, 12, 3, 5];
    const x = rng.f32(size(shape));
    const y = pixelShuffle(tensor(engine(), x, shape), 2);
    expect(y.shape).toEqual([2, 3, 6, 10]);
    expectClose(await y.data(), shuffleRef(x, shape, 2), 0, 0);
    expectClose(await pixelUnshuffle(y, 2).data(), x, 0, 0);
    await checkGrad(engine(), rng, (t) => pixelShuffle(t, 2), (a) => shuffleRef(a, shape, 2), [{ data: x, shape }]);
  });
});
