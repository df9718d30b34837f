// The GPU run's kernel tests (bench/gpu/kernel_tests.ts): every kernel test file is in its list, and the
// stand-in for Vitest fails what Vitest would fail.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { KERNEL_TEST_FILES } from '../../bench/gpu/kernel_test_files.js';
import * as shim from '../../bench/gpu/vitest_shim.js';

describe('bench/gpu kernel tests', () => {
  it('lists every test/kernels/*.test.ts', () => {
    const files = readdirSync(new URL('../kernels', import.meta.url)).filter((f) => f.endsWith('.test.ts')).sort();
    expect(KERNEL_TEST_FILES.map(([f]) => f)).toEqual(files);
  });

  it('the stand-in passes what holds and fails what does not, with hooks per file', async () => {
    const order: string[] = [];
    shim.beginFile('probe.test.ts');
    shim.beforeAll(() => void order.push('before'));
    shim.afterAll(() => void order.push('after'));
    shim.describe('suite', () => {
      shim.it('holds', async () => {
        shim.expect(Float32Array.of(1, 2)).toEqual([1, 2]);
        shim.expect([1, { a: NaN }]).toEqual([1, { a: NaN }]);
        shim.expect(0.1 + 0.2).toBeCloseTo(0.3, 6);
        shim.expect(() => { throw new Error('bad shape [3]'); }).toThrow(/bad shape/);
        shim.expect([1, 2]).not.toContain(3);
        await shim.expect(Promise.reject(new Error('lost'))).rejects.toThrow('lost');
      });
      for (const [name, f] of [
        ['toBe', () => shim.expect(1).toBe(2)], ['toEqual', () => shim.expect(Float32Array.of(1, 2)).toEqual([1, 3])],
        ['toBeCloseTo', () => shim.expect(1.01).toBeCloseTo(1, 4)], ['toThrow', () => shim.expect(() => 1).toThrow()],
        ['not', () => shim.expect(3).not.toBe(3)], ['fail', () => shim.expect.fail('element 4: got 1, expected 2')],
        ['toBeLessThan', () => shim.expect(2).toBeLessThan(1)],
      ] as [string, () => void][]) shim.it(`fails ${name}`, f);
    });
    const r = (await shim.runAll(() => {})).filter((x) => x.suite === 'probe.test.ts');
    expect(r.map((x) => [x.test, x.ok])).toEqual([
      ['suite > holds', true], ['suite > fails toBe', false], ['suite > fails toEqual', false], ['suite > fails toBeCloseTo', false],
      ['suite > fails toThrow', false], ['suite > fails not', false], ['suite > fails fail', false], ['suite > fails toBeLessThan', false],
    ]);
    expect(order).toEqual(['before', 'after']);
  });
});
