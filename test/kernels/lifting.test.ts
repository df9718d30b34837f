import { describe, expect, it } from 'vitest';
import { polyphaseMerge, polyphaseSplit } from '../../src/kernels/lifting.js';
import { conv2d } from '../../src/kernels/conv2d/index.js';
import { randNormal, tensor, tidy, type Tensor } from '../../src/index.js';
import { size, unravel } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

function splitRef(x: Float64Array, [N, C, H, W]: number[]): Float64Array {
  const out = new Float64Array(x.length); // [N, 4C, H/2, W/2]: c, d1, d2, d3
  const bandOf = (a: number, b: number) => (a === 0 && b === 0 ? 0 : a === 1 && b === 0 ? 1 : a === 0 ? 2 : 3);
  for (let i = 0; i < x.length; i++) {
    const [n, c, h, w] = unravel(i, [N, C, H, W]);
    const band = bandOf(h % 2, w % 2);
    out[((n * 4 * C + band * C + c) * (H / 2) + (h >> 1)) * (W / 2) + (w >> 1)] = x[i];
  }
  return out;
}

describe('polyphase split / merge', () => {
  it('split places each phase in its band; merge inverts it exactly', async () => {
    const rng = testRng();
    for (const shape of [[1, 1, 2, 2], [2, 3, 8, 6], [1, 3, 64, 64]]) {
      const x = rng.f32(size(shape));
      const xt = tensor(engine(), x, shape);
      const { coarse, detail } = polyphaseSplit(xt);
      const [N, C, H, W] = shape;
      const ref = splitRef(x, shape);
      const got = await (await import('../../src/index.js')).concat([coarse, detail], 1).data();
      expectClose(got, ref, 0, 0, `split ${shape}`);
      expect(coarse.shape).toEqual([N, C, H / 2, W / 2]);
      expectClose(await polyphaseMerge(coarse, detail).data(), x, 0, 0, 'merge');
    }
  });
  it('gradients flow through split and merge', async () => {
    const rng = testRng();
    const shape = [1, 2, 4, 6];
    await checkGrad(engine(), rng, (x) => { const b = polyphaseSplit(x); return polyphaseMerge(b.coarse, b.detail); }, (a) => a, [{ data: rng.f32(size(shape)), shape }]);
  });
  it('two levels of lifting steps with conv P and U invert to float32 rounding', async () => {
    const e = engine();
    const seed = testRng().int(0, 1e6);
    const C = 3;
    const P = randNormal(e, [3 * C, C, 3, 3], { seed }, 0, 0.3);
    const U = randNormal(e, [C, 3 * C, 3, 3], { seed: seed + 1 }, 0, 0.3);
    const x = randNormal(e, [2, C, 32, 32], { seed: seed + 2 });
    const level = (c: Tensor, d: Tensor, sign: 1 | -1) => {
      // forward: d ← d + P(c), c ← c + U(d); inverse in reverse order with subtraction
      if (sign === 1) {
        const d1 = conv2d(c, P, null, { padding: 1, residual: d });
        return { c: conv2d(d1, U, null, { padding: 1, residual: c }), d: d1 };
      }
      const c0 = conv2d(d, U, null, { padding: 1, residual: c, residualSign: -1 });
      return { c: c0, d: conv2d(c0, P, null, { padding: 1, residual: d, residualSign: -1 }) };
    };
    const b1 = polyphaseSplit(x);
    const l1 = level(b1.coarse, b1.detail, 1);
    const b2 = polyphaseSplit(l1.c);
    const l2 = level(b2.coarse, b2.detail, 1);
    const back = tidy(() => {
      const i2 = level(l2.c, l2.d, -1);
      const c1 = polyphaseMerge(i2.c, i2.d);
      const i1 = level(c1, l1.d, -1);
      return polyphaseMerge(i1.c, i1.d);
    });
    // Each subtraction undoes an addition exactly up to one rounding of the larger operand, so the
    // bound scales with the largest intermediate (the lifting steps grow the signal), not with x.
    let largest = 0;
    for (const t of [l1.c, l1.d, l2.c, l2.d]) for (const v of await t.data()) largest = Math.max(largest, Math.abs(v));
    const xs = await x.data();
    expectClose(await back.data(), xs, 0, 16 * 2 ** -24 * largest, 'inverse(forward(x))');
  });
});
