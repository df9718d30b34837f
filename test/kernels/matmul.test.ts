import { describe, expect, it } from 'vitest';
import { linear, matmul, tensor } from '../../src/index.js';
import { MATMUL_VARIANTS, matmulRaw, matmulVariants } from '../../src/kernels/matmul.js';
import { empty } from '../../src/kernels/util.js';
import { matmulRef, permuteRef } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

// [batchA, batchB, M, K, N]: vec4 path (K, N multiples of 4) and scalar path, odd sizes, broadcast batches
const CASES = [
  [1, 1, 1, 1, 1],
  [1, 1, 3, 5, 7],
  [1, 1, 17, 4, 8],
  [1, 1, 65, 64, 12],
  [1, 1, 127, 33, 65],
  [3, 3, 9, 16, 20],
  [4, 1, 5, 8, 4],
  [1, 5, 6, 7, 3],
  [2, 2, 128, 128, 128],
];

/** A stored [batch, rows, cols] → its transpose per batch, [batch, cols, rows]. */
const tr = (x: Float64Array, rows: number, cols: number) => permuteRef(x, [x.length / (rows * cols), rows, cols], [0, 2, 1]);

describe('matmul', () => {
  it(`forward over ${CASES.length} shapes`, async () => {
    const rng = testRng();
    for (const [ba, bb, M, K, N] of CASES) {
      const a = rng.f32(ba * M * K);
      const b = rng.f32(bb * K * N);
      const y = matmul(tensor(engine(), a, [ba, M, K]), tensor(engine(), b, [bb, K, N]));
      expect(y.shape).toEqual([Math.max(ba, bb), M, N]);
      expectClose(await y.data(), matmulRef(a, b, ba, bb, M, K, N), 1e-4, 1e-5 * Math.sqrt(K), `${[ba, bb, M, K, N]}`);
    }
  });
  it(`every vec4 variant the device runs (of ${MATMUL_VARIANTS.join(', ')}) on odd M, N not a multiple of the tile, broadcast batches`, async () => {
    const rng = testRng();
    const variants = matmulVariants(engine());
    // lavapipe and most GPUs have subgroups of 8 or more: the subgroup variant must be tested there
    if (engine().features.subgroupMinSize >= 8) expect(variants).toContain('rows8x4_sg');
    // 130 rows and 68 columns span several 64×64 tiles of wg64, K = 36 ends in a partial 16-step; the
    // rows kernels run 16 columns of 4 per workgroup at N = 64 and 128, 8 elsewhere
    for (const [ba, bb, M, K, N] of [[1, 1, 13, 12, 20], [3, 1, 9, 8, 68], [1, 2, 33, 36, 4], [2, 2, 1, 4, 8], [1, 1, 130, 36, 72], [2, 1, 19, 20, 64], [1, 1, 11, 8, 128]]) {
      const a = rng.f32(ba * M * K);
      const b = rng.f32(bb * K * N);
      const batch = Math.max(ba, bb);
      for (const v of variants) {
        const c = empty(engine(), [batch, M, N]);
        matmulRaw(tensor(engine(), a, [ba, M, K]), tensor(engine(), b, [bb, K, N]), c, M, N, K, batch, ba === 1 ? 0 : M * K, bb === 1 ? 0 : K * N, v);
        expectClose(await c.data(), matmulRef(a, b, ba, bb, M, K, N), 1e-4, 1e-5 * Math.sqrt(K), `${v} ${[ba, bb, M, K, N]}`);
      }
    }
  });
  it('2-D operands and batch broadcasting from a 2-D side', async () => {
    const rng = testRng();
    const a = rng.f32(2 * 3 * 5);
    const b = rng.f32(5 * 4);
    const y = matmul(tensor(engine(), a, [2, 3, 5]), tensor(engine(), b, [5, 4]));
    expect(y.shape).toEqual([2, 3, 4]);
    expectClose(await y.data(), matmulRef(a, b, 2, 1, 3, 5, 4), 1e-5, 1e-6);
  });
  it('gradients for both operands, including a broadcast batch', async () => {
    const rng = testRng();
    for (const [ba, bb, M, K, N] of [[1, 1, 3, 5, 7], [2, 2, 4, 8, 4], [3, 1, 2, 3, 5]]) {
      await checkGrad(
        engine(), rng, (x, y) => matmul(x, y), (x, y) => matmulRef(x, y, ba, bb, M, K, N),
        [{ data: rng.f32(ba * M * K), shape: [ba, M, K] }, { data: rng.f32(bb * K * N), shape: [bb, K, N] }],
      );
    }
  });
  it('linear: x·wᵀ + bias against float64, its gradients, and the shape check', async () => {
    const rng = testRng();
    const [M, K, N] = [5, 12, 7];
    const wT = (w: Float64Array) => Float64Array.from({ length: K * N }, (_, i) => w[(i % N) * K + Math.floor(i / N)]);
    const ref = (x: Float64Array, w: Float64Array, b: Float64Array) => matmulRef(x, wT(w), 1, 1, M, K, N).map((v, i) => v + b[i % N]);
    const inputs = [{ data: rng.f32(M * K), shape: [M, K] }, { data: rng.f32(N * K), shape: [N, K] }, { data: rng.f32(N), shape: [N] }];
    const [x, w, b] = inputs.map((i) => tensor(engine(), i.data, i.shape));
    expectClose(await linear(x, w, b).data(), ref(...(inputs.map((i) => Float64Array.from(i.data)) as [Float64Array, Float64Array, Float64Array])), 1e-4, 1e-5);
    await checkGrad(engine(), rng, (xx, ww, bb) => linear(xx, ww, bb), ref, inputs);
    expect(() => linear(x, tensor(engine(), rng.f32(N * 3), [N, 3]))).toThrow(/linear: input \[5,12\] does not fit weight \[7,3\]/);
  });
  it('transposed reads (transposeA, transposeB, both) against float64: both paths, every variant that reads them, odd shapes, broadcast batches', async () => {
    const rng = testRng();
    const variants = matmulVariants(engine(), { transposeA: true });
    expect(variants.length).toBeGreaterThan(0);
    expect(variants).toContain('wg64');
    expect(variants).not.toContain('tile4x8');
    for (const [ba, bb, M, K, N] of [[1, 1, 3, 5, 7], [2, 2, 13, 12, 20], [3, 1, 9, 8, 68], [1, 2, 33, 36, 4], [1, 1, 130, 36, 72]]) {
      const a = Float64Array.from(rng.f32(ba * M * K));
      const b = Float64Array.from(rng.f32(bb * K * N));
      const ref = matmulRef(a, b, ba, bb, M, K, N);
      for (const [ta, tb] of [[true, false], [false, true], [true, true]]) {
        const t = { transposeA: ta, transposeB: tb };
        const at = tensor(engine(), ta ? tr(a, M, K) : a, ta ? [ba, K, M] : [ba, M, K]);
        const bt = tensor(engine(), tb ? tr(b, K, N) : b, tb ? [bb, N, K] : [bb, K, N]);
        expectClose(await matmul(at, bt, t).data(), ref, 1e-4, 1e-5 * Math.sqrt(K), `${[ba, bb, M, K, N]} ${ta} ${tb}`);
        if (K % 4 !== 0 || N % 4 !== 0) continue;
        const batch = Math.max(ba, bb);
        for (const v of variants) {
          const c = empty(engine(), [batch, M, N]);
          matmulRaw(at, bt, c, M, N, K, batch, ba === 1 ? 0 : M * K, bb === 1 ? 0 : K * N, v, t);
          expectClose(await c.data(), ref, 1e-4, 1e-5 * Math.sqrt(K), `${v} ${[ba, bb, M, K, N]} ${ta} ${tb}`);
        }
      }
    }
    const x = tensor(engine(), rng.f32(16), [4, 4]);
    expect(() => matmulRaw(x, x, empty(engine(), [16]), 4, 4, 4, 1, 0, 0, 'tile4x8', { transposeB: true })).toThrow(/'tile4x8' does not read transposed operands/);
  });
  it('gradients with transposed reads, including a broadcast batch', async () => {
    const rng = testRng();
    for (const [ta, tb] of [[true, false], [false, true], [true, true]]) {
      for (const [ba, bb, M, K, N] of [[1, 1, 3, 5, 7], [2, 1, 4, 8, 4]]) {
        await checkGrad(
          engine(), rng, (x, y) => matmul(x, y, { transposeA: ta, transposeB: tb }),
          (x, y) => matmulRef(ta ? tr(x, K, M) : x, tb ? tr(y, N, K) : y, ba, bb, M, K, N),
          [{ data: rng.f32(ba * M * K), shape: ta ? [ba, K, M] : [ba, M, K] }, { data: rng.f32(bb * K * N), shape: tb ? [bb, N, K] : [bb, K, N] }],
        );
      }
    }
  });
  it('rejects mismatched inner dimensions with both shapes', () => {
    const a = tensor(engine(), new Float32Array(6), [2, 3]);
    const b = tensor(engine(), new Float32Array(8), [4, 2]);
    expect(() => matmul(a, b)).toThrow(/inner dimensions differ: \[2,3\] \[4,2\]/);
  });
});
