import { describe, it } from 'vitest';
import * as E from '../../src/index.js';
import { tensor, type Tensor } from '../../src/index.js';
import { binaryRef, size } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();
const SIZES = [1, 3, 17, 65, 127, 1000, 70_001];

const sig = (x: number) => 1 / (1 + Math.exp(-x));
// name → [engine op, float64 reference, input range]
const UNARY: [string, (x: Tensor) => Tensor, (x: number) => number, [number, number]][] = [
  ['neg', E.neg, (x) => -x, [-3, 3]],
  ['exp', E.exp, Math.exp, [-3, 3]],
  ['log', E.log, Math.log, [0.1, 5]],
  ['sqrt', E.sqrt, Math.sqrt, [0.1, 5]],
  ['rsqrt', E.rsqrt, (x) => 1 / Math.sqrt(x), [0.1, 5]],
  ['abs', E.abs, Math.abs, [-3, 3]],
  ['relu', E.relu, (x) => Math.max(x, 0), [-3, 3]],
  ['silu', E.silu, (x) => x * sig(x), [-6, 6]],
  ['sigmoid', E.sigmoid, sig, [-6, 6]],
  ['tanh', E.tanh, Math.tanh, [-3, 3]],
  ['square', E.square, (x) => x * x, [-3, 3]],
  ['softplus', E.softplus, (x) => Math.log1p(Math.exp(x)), [-30, 30]],
  ['reciprocal', E.reciprocal, (x) => 1 / x, [0.5, 3]],
  ['clamp', (x) => E.clamp(x, -0.5, 0.7), (x) => Math.min(Math.max(x, -0.5), 0.7), [-2, 2]],
  ['powScalar', (x) => E.powScalar(x, 2.5), (x) => x ** 2.5, [0.1, 3]],
  ['powScalar int on negatives', (x) => E.powScalar(x, 3), (x) => x ** 3, [-2, 2]],
  ['affine', (x) => E.affine(x, -1.5, 0.25), (x) => -1.5 * x + 0.25, [-2, 2]],
];

describe('unary ops', () => {
  for (const [name, op, ref, [lo, hi]] of UNARY) {
    it(`${name}: forward matches float64 reference at sizes ${SIZES.join(', ')}`, async () => {
      const rng = testRng();
      for (const n of SIZES) {
        const x = rng.f32(n, lo, hi);
        const y = op(tensor(engine(), x, [n]));
        expectClose(await y.data(), x.map(ref), 2e-5, 1e-6, `${name} n=${n}`);
      }
    });
    it(`${name}: gradient matches finite differences`, async () => {
      const rng = testRng();
      // keep inputs away from kinks (relu/abs at 0, clamp bounds) where finite differences are undefined
      let x = rng.f32(37, lo, hi);
      x = x.map((v) => (Math.abs(v) < 0.05 || Math.abs(v + 0.5) < 0.05 || Math.abs(v - 0.7) < 0.05 ? v + 0.13 : v));
      await checkGrad(engine(), rng, (t) => op(t), (a) => a.map(ref), [{ data: x, shape: [37] }]);
    });
  }
});

type BinRef = (a: number, b: number) => number;
const BINARY: [string, (a: Tensor, b: Tensor) => Tensor, BinRef, [number, number], [number, number]][] = [
  ['add', E.add, (a, b) => a + b, [-2, 2], [-2, 2]],
  ['sub', E.sub, (a, b) => a - b, [-2, 2], [-2, 2]],
  ['mul', E.mul, (a, b) => a * b, [-2, 2], [-2, 2]],
  ['div', E.div, (a, b) => a / b, [-2, 2], [0.5, 2]],
  ['pow', E.pow, (a, b) => a ** b, [0.2, 2], [-1.5, 1.5]],
  ['maximum', E.maximum, Math.max, [-2, 2], [-2, 2]],
  ['minimum', E.minimum, Math.min, [-2, 2], [-2, 2]],
  ['prelu', E.prelu, (x, s) => (x > 0 ? x : s * x), [-2, 2], [0, 0.5]],
];

const SHAPE_PAIRS: [number[], number[]][] = [
  [[127], [127]],
  [[3, 17], [3, 17]],
  [[4, 3, 5], [3, 1]],
  [[2, 1, 7], [1, 5, 1]],
  [[65], [1]],
  [[1], [2, 3, 9]],
  [[2, 3, 4, 5, 6], [3, 1, 5, 1]],
  // the strided fallback at merged rank 7 (broadcast alternating dim by dim)
  [[2, 1, 3, 1, 5, 1, 3], [1, 2, 1, 3, 1, 2, 1]],
  // vec4 paths: inner dim a multiple of 4 with an inner-broadcast (bias) or inner-contiguous operand
  [[2, 3, 8], [3, 1]],
  [[2, 3, 8], [1, 8]],
  [[5, 4, 4, 4], [4, 1, 1]],
  [[3, 1], [2, 3, 8]],
  [[1, 12], [7, 1]],
];

describe('binary ops with broadcasting', () => {
  for (const [name, op, ref, ra, rb] of BINARY) {
    it(`${name}: forward over ${SHAPE_PAIRS.length} shape pairs`, async () => {
      const rng = testRng();
      for (const [sa, sb] of SHAPE_PAIRS) {
        const a = rng.f32(size(sa), ...ra);
        const b = rng.f32(size(sb), ...rb);
        const y = op(tensor(engine(), a, sa), tensor(engine(), b, sb));
        const r = binaryRef(a, sa, b, sb, ref);
        expectClose(y.shape, r.shape, 0, 0, `${name} shape`);
        expectClose(await y.data(), r.out, 2e-5, 1e-6, `${name} ${JSON.stringify([sa, sb])}`);
      }
    });
    it(`${name}: gradients for both inputs, broadcast included`, async () => {
      const rng = testRng();
      for (const [sa, sb] of [[[3, 5], [3, 5]], [[2, 3, 4], [3, 1]], [[1, 4], [3, 1]]] as [number[], number[]][]) {
        const a = rng.f32(size(sa), ...ra);
        let b = rng.f32(size(sb), ...rb);
        // maximum/minimum: keep a and b apart so finite differences do not straddle a tie
        if (name === 'maximum' || name === 'minimum') b = b.map((v) => v + 5 * Math.sign(v + 1e-3));
        await checkGrad(
          engine(), rng, op,
          (x, y) => binaryRef(x, sa, y, sb, ref).out,
          [{ data: a, shape: sa }, { data: b, shape: sb }],
        );
      }
    });
  }
});

describe('broadcast errors', () => {
  it('names both shapes when they cannot be broadcast', async () => {
    const { expect } = await import('vitest');
    const a = tensor(engine(), [1, 2, 3], [3]);
    const b = tensor(engine(), [1, 2], [2]);
    expect(() => E.add(a, b)).toThrow(/\[3\].*\[2\].*cannot be broadcast/);
  });
});
