import { describe, expect, it } from 'vitest';
import { max, mean, sum, tensor } from '../../src/index.js';
import { reduceRef, size } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

const CASES: [number[], number[]][] = [
  [[1], [0]],
  [[127], [0]],
  [[3, 17], [1]],
  [[3, 17], [0]],
  [[5, 7, 9], [0, 2]],
  [[2, 3, 4, 5], [1, 2]],
  [[2, 3, 4, 5], [0, 3]],
  [[4, 65, 3], [0, 1, 2]],
  [[3, 100_003], [1]], // long reduction, few outputs: the two-pass path
  [[70_001, 3], [0]],
  [[8, 16, 33, 33], [0, 2, 3]], // a bias gradient over N·H·W
  [[7, 3, 999], [0, 2]], // two-pass, chunks that start and end inside rows of the innermost reduced dim
  [[3, 1, 5], [1]], // only a size-1 axis reduced
];

describe('reductions', () => {
  for (const op of ['sum', 'mean', 'max'] as const) {
    const f = { sum, mean, max }[op];
    it(`${op}: forward over ${CASES.length} shape/axes cases`, async () => {
      const rng = testRng();
      for (const [shape, axes] of CASES) {
        const x = rng.f32(size(shape), -1, 1);
        const y = f(tensor(engine(), x, shape), axes);
        const r = reduceRef(x, shape, axes, op);
        expect(y.shape).toEqual(r.shape);
        // long sums accumulate f32 rounding: allow more than for one-element ops
        expectClose(await y.data(), r.out, 1e-4, 1e-4 * Math.sqrt(size(shape)), `${op} ${JSON.stringify([shape, axes])}`);
      }
    });
    it(`${op}: keepDims and negative axes`, async () => {
      const rng = testRng();
      const x = rng.f32(60, -1, 1);
      const y = f(tensor(engine(), x, [3, 4, 5]), [-1], true);
      expect(y.shape).toEqual([3, 4, 1]);
      expectClose(await y.data(), reduceRef(x, [3, 4, 5], [2], op).out, 1e-5, 1e-6);
    });
    it(`${op}: gradient`, async () => {
      const rng = testRng();
      for (const [shape, axes] of [[[3, 5], [1]], [[2, 3, 4], [0, 2]], [[7], [0]]] as [number[], number[]][]) {
        await checkGrad(
          engine(), rng, (t) => f(t, axes), (a) => reduceRef(a, shape, axes, op).out,
          [{ data: rng.f32(size(shape), -1, 1), shape }],
        );
      }
    });
  }
  it('max splits the gradient between tied maxima', async () => {
    const { requireGrad, backward } = await import('../../src/index.js');
    const x = requireGrad(tensor(engine(), [1, 3, 3, 2], [4]));
    backward(max(x));
    expectClose(await x.grad!.data(), [0, 0.5, 0.5, 0], 0, 0);
  });
  it('rejects an axis out of range', () => {
    expect(() => sum(tensor(engine(), [1, 2], [2]), [1])).toThrow(/axis 1 out of range/);
  });
});
