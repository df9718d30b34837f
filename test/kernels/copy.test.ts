import { describe, expect, it } from 'vitest';
import { concat, expandTo, permute, slice, tensor, transpose } from '../../src/index.js';
import { concatRef, permuteRef, size, sliceRef, binaryRef } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe('permute / transpose', () => {
  it('forward for several permutations', async () => {
    const rng = testRng();
    for (const [shape, perm] of [[[3, 17], [1, 0]], [[2, 3, 5], [2, 0, 1]], [[4, 1, 3, 65], [3, 1, 0, 2]]] as [number[], number[]][]) {
      const x = rng.f32(size(shape));
      const y = permute(tensor(engine(), x, shape), perm);
      expect(y.shape).toEqual(perm.map((p) => shape[p]));
      expectClose(await y.data(), permuteRef(x, shape, perm), 0, 0);
    }
    const x = rng.f32(12);
    expectClose(await transpose(tensor(engine(), x, [3, 4])).data(), permuteRef(x, [3, 4], [1, 0]), 0, 0);
  });
  it('gradient', async () => {
    const rng = testRng();
    await checkGrad(engine(), rng, (t) => permute(t, [2, 0, 1]), (a) => permuteRef(a, [2, 3, 4], [2, 0, 1]), [
      { data: rng.f32(24), shape: [2, 3, 4] },
    ]);
  });
  it('rejects a non-permutation', () => {
    expect(() => permute(tensor(engine(), [1, 2], [1, 2]), [0, 0])).toThrow(/not a permutation/);
  });
});

describe('slice / concat / expand', () => {
  it('slice forward and gradient', async () => {
    const rng = testRng();
    const shape = [3, 17, 5];
    const x = rng.f32(size(shape));
    const y = slice(tensor(engine(), x, shape), 1, 4, 9);
    expect(y.shape).toEqual([3, 9, 5]);
    expectClose(await y.data(), sliceRef(x, shape, 1, 4, 9), 0, 0);
    await checkGrad(engine(), rng, (t) => slice(t, -1, 1, 3), (a) => sliceRef(a, shape, 2, 1, 3), [{ data: x, shape }]);
    expect(() => slice(tensor(engine(), x, shape), 1, 10, 9)).toThrow(/outside axis 1/);
  });
  it('concat forward and gradient', async () => {
    const rng = testRng();
    const shapes = [[2, 3, 4], [2, 5, 4], [2, 1, 4]];
    const xs = shapes.map((s) => ({ data: rng.f32(size(s)), shape: s }));
    const y = concat(xs.map((q) => tensor(engine(), q.data, q.shape)), 1);
    expect(y.shape).toEqual([2, 9, 4]);
    expectClose(await y.data(), concatRef(xs, 1), 0, 0);
    await checkGrad(engine(), rng, (...ts) => concat(ts, 1), (...as) => concatRef(as.map((d, i) => ({ data: d, shape: shapes[i] })), 1), xs);
    expect(() => concat([tensor(engine(), [1, 2], [1, 2]), tensor(engine(), [1, 2, 3], [1, 3])], 0)).toThrow(/differ outside axis 0/);
  });
  it('expandTo forward and gradient', async () => {
    const rng = testRng();
    const x = rng.f32(3);
    const y = expandTo(tensor(engine(), x, [3, 1]), [2, 3, 4]);
    expectClose(await y.data(), binaryRef(x, [3, 1], new Float64Array(24), [2, 3, 4], (a) => a).out, 0, 0);
    await checkGrad(engine(), rng, (t) => expandTo(t, [2, 3, 4]), (a) => binaryRef(a, [3, 1], new Float64Array(24), [2, 3, 4], (v) => v).out, [
      { data: x, shape: [3, 1] },
    ]);
  });
});
