import { describe, expect, it } from 'vitest';
import { randNormal, randUniform } from '../../src/index.js';
import { philoxNormal, philoxUniform } from '../reference/rng.js';
import { expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe('counter-based random numbers', () => {
  it('uniform draws equal the Philox4x32-10 reference bit for bit (odd sizes, offsets)', async () => {
    const rng = testRng();
    for (const n of [1, 3, 17, 1001]) {
      const seed = rng.int(0, 2 ** 31);
      const offset = rng.int(0, 1000);
      const y = await randUniform(engine(), [n], { seed, offset }).data();
      expectClose(y, philoxUniform(n, seed, offset), 0, 0, `n=${n}`);
    }
  });
  it('uniform in [lo, hi) and normal match the reference within float32 rounding', async () => {
    const seed = testRng().int(0, 2 ** 31);
    const u = await randUniform(engine(), [999], { seed }, -2, 3).data();
    expectClose(u, philoxUniform(999, seed).map((v) => -2 + 5 * v), 1e-6, 1e-6);
    const z = await randNormal(engine(), [1001], { seed }, 0.5, 2).data();
    expectClose(z, philoxNormal(1001, seed).map((v) => 0.5 + 2 * v), 1e-4, 1e-4);
  });
  it('same seed → same numbers; another seed or offset → different ones', async () => {
    const a = await randNormal(engine(), [64], { seed: 7 }).data();
    const b = await randNormal(engine(), [64], { seed: 7 }).data();
    const c = await randNormal(engine(), [64], { seed: 8 }).data();
    const d = await randNormal(engine(), [64], { seed: 7, offset: 1 }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Array.from(a)).not.toEqual(Array.from(d));
  });
  it('a seed above 2^32 uses its high word', async () => {
    const a = await randUniform(engine(), [8], { seed: 5 }).data();
    const b = await randUniform(engine(), [8], { seed: 5 + 2 ** 32 }).data();
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
  it('moments of 10^6 normal draws', async () => {
    const z = await randNormal(engine(), [1_000_000], { seed: testRng().int(0, 2 ** 31) }).data();
    let m = 0, v = 0, k = 0;
    for (const x of z) m += x;
    m /= z.length;
    for (const x of z) { v += (x - m) ** 2; k += (x - m) ** 4; }
    v /= z.length; k /= z.length;
    expect(Math.abs(m)).toBeLessThan(0.005);
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
    expect(Math.abs(k / (v * v) - 3)).toBeLessThan(0.05);
  });
  it('a stream start draws the matching slice of the longer draw (odd lengths)', async () => {
    const rng = testRng();
    const seed = rng.int(0, 2 ** 31);
    const whole = await randNormal(engine(), [1003], { seed, offset: 9 }).data();
    for (const start of [4, 100, 996]) {
      const part = await randNormal(engine(), [1003 - start], { seed, offset: 9, start }).data();
      expect(Array.from(part)).toEqual(Array.from(whole.slice(start)));
    }
  });
  it('rejects a bad seed or stream start', () => {
    expect(() => randUniform(engine(), [2], { seed: -1 })).toThrow(/seed must be a non-negative integer/);
    expect(() => randUniform(engine(), [2], { seed: 1, start: 6 })).toThrow(/start must be a non-negative multiple of 4/);
    expect(() => randUniform(engine(), [2], { seed: 1e300 })).toThrow(/seed must be a non-negative integer/);
  });
});
