import { describe, expect, it } from 'vitest';
import { add, backward, mul, noGrad, requireGrad, sum, tensor, tidy } from '../../src/index.js';
import { record } from '../../src/engine/autograd.js';
import { addSameShapeRaw, BINARY_OP_ADD, fillRaw } from '../../src/engine/raw_ops.js';
import { BINARY, binary } from '../../src/kernels/elementwise.js';
import { expectClose, useEngine } from '../helpers.js';

const engine = useEngine();

describe('autograd', () => {
  it('a shared subgraph is visited once and its gradient accumulates over both paths', async () => {
    const e = engine();
    const x = requireGrad(tensor(e, [1, 2, 3], [3]));
    let calls = 0;
    // h = 2x, recorded with a counting backward
    const h = record(add(x, x), 'double', [x], (g) => {
      calls++;
      return [add(g, g)];
    });
    h.node!.inputs = [x];
    const y = sum(add(mul(h, h), h)); // dy/dh = 2h + 1 → dy/dx = 2(2h + 1) = 8x + 2
    backward(y);
    expect(calls).toBe(1);
    expectClose(await x.grad!.data(), [10, 18, 26], 0, 0);
  });

  it("the engine's own fill and add (gradient seed and accumulation) match the kernels' fill and binary add", async () => {
    const e = engine();
    expect(BINARY_OP_ADD).toBe(BINARY.add);
    expectClose(await fillRaw(e, [2, 3], 1.5).data(), new Array(6).fill(1.5), 0, 0);
    for (const shape of [[1], [1, 1], [5], [2, 3, 4], [3, 1, 7]]) {
      const n = shape.reduce((a, d) => a * d, 1);
      const a = tensor(e, Array.from({ length: n }, (_, i) => i * 0.25 - 1), shape);
      const b = tensor(e, Array.from({ length: n }, (_, i) => 3 - i * 0.5), shape);
      const y = addSameShapeRaw(a, b);
      expect(y.shape).toEqual(shape);
      expectClose(await y.data(), await binary('add', a, b).data(), 0, 0);
      expect(y.node).toBe(null);
    }
    expect(() => addSameShapeRaw(tensor(e, [1, 2], [2]), tensor(e, [1], [1]))).toThrow(/differ/);
  });

  it('gradients accumulate across backward() calls until cleared', async () => {
    const x = requireGrad(tensor(engine(), [1, -2], [2]));
    backward(sum(mul(x, x)));
    backward(sum(mul(x, x)));
    expectClose(await x.grad!.data(), [4, -8], 0, 0);
  });

  it('reshape views carry gradients', async () => {
    const x = requireGrad(tensor(engine(), [1, 2, 3, 4, 5, 6], [2, 3]));
    const w = tensor(engine(), [1, 2, 3, 4, 5, 6], [3, 2]);
    backward(sum(mul(x.reshape([3, 2]), w)));
    expectClose(await x.grad!.data(), [1, 2, 3, 4, 5, 6], 0, 0);
  });

  it('noGrad() records nothing', () => {
    const x = requireGrad(tensor(engine(), [1], [1]));
    const y = noGrad(() => mul(x, x));
    expect(y.node).toBeNull();
    expect(() => backward(y)).toThrow(/does not depend/);
  });

  it('a non-scalar output needs an explicit gradient', async () => {
    const x = requireGrad(tensor(engine(), [1, 2], [2]));
    const y = mul(x, x);
    expect(() => backward(y)).toThrow(/gradient must be given/);
    backward(y, tensor(engine(), [1, 10], [2]));
    expectClose(await x.grad!.data(), [2, 40], 0, 0);
  });

  it('leaf gradients survive the tidy() scope the backward ran in', async () => {
    const x = requireGrad(tensor(engine(), [3], [1]));
    tidy(() => backward(mul(x, x)));
    expect(await x.grad!.item()).toBe(6);
  });
});
