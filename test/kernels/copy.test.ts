import { describe, expect, it } from 'vitest';
import { concat, expandTo, fill, permute, slice, tensor, transpose, zeros } from '../../src/index.js';
import { contiguousRuns } from '../../src/kernels/copy.js';
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

describe('contiguous copies as transfer commands', () => {
  it('contiguousRuns: one run per contiguous block, none where the inner dims are not contiguous in both', () => {
    // concat of [1, 3, 5, 7] into channels 2..4 of [1, 8, 5, 7]: one run of 105 values
    expect(contiguousRuns([1, 3, 5, 7], [105, 35, 7, 1], [280, 35, 7, 1], 0, 70, 16)).toEqual([[0, 70, 105]]);
    // the same at batch 3: a run per sample, 280 apart in the output
    expect(contiguousRuns([3, 3, 5, 7], [105, 35, 7, 1], [280, 35, 7, 1], 0, 70, 16)).toEqual([[0, 70, 105], [105, 350, 105], [210, 630, 105]]);
    // size-1 dims never break a run; a rank-0 grid is one value
    expect(contiguousRuns([4, 1, 6], [6, 99, 1], [6, 1, 1], 5, 0, 16)).toEqual([[5, 0, 24]]);
    expect(contiguousRuns([], [], [], 3, 2, 16)).toEqual([[3, 2, 1]]);
    // a permute, a broadcast and a flip are not runs (or runs of one value); neither are more runs than
    // allowed, nor several short ones
    expect(contiguousRuns([3, 4], [1, 3], [4, 1], 0, 0, 16)).toBeNull();
    expect(contiguousRuns([3, 4], [0, 1], [4, 1], 0, 0, 16)).toBeNull();
    expect(contiguousRuns([5], [-1], [1], 4, 0, 16)).toBeNull();
    expect(contiguousRuns([17, 64], [64, 1], [128, 1], 0, 0, 16)).toBeNull();
    expect(contiguousRuns([17, 64], [64, 1], [128, 1], 0, 0, 17)).toHaveLength(17);
    expect(contiguousRuns([2, 63], [63, 1], [128, 1], 0, 0, 16)).toBeNull();
    expect(contiguousRuns([1, 3], [3, 1], [3, 1], 0, 0, 16)).toEqual([[0, 0, 3]]);
  });

  it('concat and slice take transfers (no dispatch) up to 16 runs and the kernel beyond, with the same values', async () => {
    const e = engine();
    const rng = testRng();
    for (const batch of [1, 3, 17]) {
      const shapes = [[batch, 3, 5, 7], [batch, 2, 5, 7]];
      const xs = shapes.map((sh) => ({ data: rng.f32(size(sh)), shape: sh }));
      const ts = xs.map((q) => tensor(e, q.data, q.shape));
      await e.sync();
      const [d0, t0] = [e.dispatchCount, e.transferCount];
      const y = concat(ts, 1);
      const s = slice(y, 1, 1, 3);
      await e.sync();
      // batch ≤ 16: two runs per sample for the concat, one for the slice; batch 17: the kernel, three dispatches
      expect([e.dispatchCount - d0, e.transferCount - t0]).toEqual(batch <= 16 ? [0, 3 * batch] : [3, 0]);
      expectClose(await y.data(), concatRef(xs, 1), 0, 0);
      expectClose(await s.data(), sliceRef(concatRef(xs, 1), [batch, 5, 5, 7], 1, 1, 3), 0, 0);
    }
  });

  it('zeros clear a reused buffer with a transfer; other constants (and −0) fill with the kernel', async () => {
    const e = engine();
    const rng = testRng();
    // a pool buffer that held data: disposed, then taken again by zeros of the same size
    const junk = tensor(e, rng.f32(1001), [7, 11, 13]);
    await junk.data();
    junk.dispose();
    const [d0, t0] = [e.dispatchCount, e.transferCount];
    const z = zeros(e, [7, 11, 13]);
    expect(Array.from(await z.data()).every((v) => Object.is(v, 0))).toBe(true);
    expect([e.dispatchCount - d0, e.transferCount - t0]).toEqual([0, 1]);
    const d1 = e.dispatchCount;
    expect(Array.from(await fill(e, [5, 3], 2.5).data())).toEqual(new Array(15).fill(2.5));
    expect(Array.from(await fill(e, [3], -0).data()).every((v) => Object.is(v, -0))).toBe(true);
    expect(e.dispatchCount - d1).toBe(2);
  });

  it('a copy of short runs takes the kernel; copyBytes refuses a copy within one buffer', async () => {
    const e = engine();
    const rng = testRng();
    const data = rng.f32(5 * 9);
    const x = tensor(e, data, [5, 9]);
    const [d0, t0] = [e.dispatchCount, e.transferCount];
    const s = slice(x, 1, 2, 6); // five runs of six values
    expect([e.dispatchCount - d0, e.transferCount - t0]).toEqual([1, 0]);
    expectClose(await s.data(), sliceRef(data, [5, 9], 1, 2, 6), 0, 0);
    expect(() => e.copyBytes(x.buffer, 0, x.buffer, 32, 32)).toThrow(/same buffer/);
  });
});
