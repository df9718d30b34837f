// Shared test helpers: one engine per test file, seeded inputs, tolerance checks, gradient checks.
import { afterAll, beforeAll, expect, onTestFailed } from 'vitest';
import { Engine, tensor, backward, requireGrad, tidy, mul, sum, randNormal, type Tensor } from '../src/index.js';
import { Rng } from './reference/rng.js';

/** A fresh seed per run (override with TEST_SEED); printed when a test fails. */
export function testRng(): Rng {
  const seed = process.env.TEST_SEED ? Number(process.env.TEST_SEED) : Math.floor(Math.random() * 2 ** 31);
  onTestFailed(() => console.error(`reproduce with TEST_SEED=${seed}`));
  return new Rng(seed);
}

export function useEngine(): () => Engine {
  let engine: Engine | undefined;
  beforeAll(async () => {
    engine = await Engine.create();
  });
  afterAll(() => engine?.destroy());
  return () => {
    if (!engine) throw new Error('engine not ready');
    return engine;
  };
}

/** Asserts |a - b| <= atol + rtol·|b| elementwise, reporting the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4, atol = 1e-5, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const excess = Math.abs(a - b) - (atol + rtol * Math.abs(b));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what} element ${worst}: got ${actual[worst]}, expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

export interface GradInput {
  data: Float64Array;
  shape: number[];
}

/**
 * Checks the engine's gradients of f against central finite differences of the float64 reference fRef,
 * both contracted with the same random upstream gradient.
 */
export async function checkGrad(
  engine: Engine,
  rng: Rng,
  f: (...xs: Tensor[]) => Tensor,
  fRef: (...xs: Float64Array[]) => Float64Array,
  inputs: GradInput[],
  opts: { rtol?: number; atol?: number; eps?: number } = {},
): Promise<void> {
  const out0 = fRef(...inputs.map((i) => i.data));
  const up = rng.f32(out0.length, -1, 1);
  const grads = await (async () => {
    const leaves = inputs.map((i) => requireGrad(tensor(engine, i.data, i.shape)));
    tidy(() => {
      const y = f(...leaves);
      expect(y.size).toBe(out0.length);
      const loss = sum(mul(y, tensor(engine, up, y.shape)));
      backward(loss);
    });
    const gs = await Promise.all(leaves.map((l) => l.grad!.data()));
    leaves.forEach((l) => l.dispose());
    return gs;
  })();
  const eps = opts.eps ?? 1e-6;
  const dot = (o: Float64Array) => o.reduce((a, v, i) => a + v * up[i], 0);
  inputs.forEach((inp, k) => {
    const num = new Float64Array(inp.data.length);
    for (let i = 0; i < num.length; i++) {
      const plus = inputs.map((q) => Float64Array.from(q.data));
      const minus = inputs.map((q) => Float64Array.from(q.data));
      plus[k][i] += eps;
      minus[k][i] -= eps;
      num[i] = (dot(fRef(...plus)) - dot(fRef(...minus))) / (2 * eps);
    }
    expectClose(grads[k], num, opts.rtol ?? 1e-3, opts.atol ?? 1e-4, `gradient of input ${k}`);
  });
}

/** Overwrites each parameter with seeded N(0, std²) values (trained-scale weights for model tests). */
export async function randomizeParams(engine: Engine, params: Iterable<[string, Tensor]>, seed: number, std = 0.3): Promise<void> {
  let k = 0;
  for (const [, p] of params) {
    const r = randNormal(engine, p.shape, { seed, offset: k++ }, 0, std);
    engine.write(p.buffer, await r.data());
    r.dispose();
  }
}
