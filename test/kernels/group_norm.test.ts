import { describe, expect, it } from 'vitest';
import { groupNorm, type GroupNormVariant } from '../../src/kernels/group_norm.js';
import { backward, mul, requireGrad, sum, tensor } from '../../src/index.js';
import { groupNormRef, size } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();
// both kernels of the statistics and the backward, whichever the autotuner would pick
const VARIANTS: GroupNormVariant[] = ['invocation', 'workgroup'];

describe('group_norm', () => {
  it('forward (and fused SiLU) against the reference', async () => {
    const rng = testRng();
    // one group, odd rows, rows not a multiple of 4, several channels per group, many small rows, groups
    // shorter than a workgroup of lanes, few long groups (rows cut into segments by the apply kernel)
    for (const [shape, G] of [[[1, 1, 1, 1], 1], [[2, 6, 5, 7], 3], [[3, 64, 8, 8], 32], [[2, 32, 17], 8], [[1, 4, 64, 64], 2], [[1, 3, 33, 29], 1], [[5, 96, 3, 3], 32], [[1, 8, 37, 41], 4]] as [number[], number][]) {
      const C = shape[1];
      const x = rng.f32(size(shape), -3, 5); // an offset mean exercises the variance computation
      const w = rng.f32(C, 0.5, 1.5);
      const b = rng.f32(C);
      const args = [tensor(engine(), x, shape), G, tensor(engine(), w, [C]), tensor(engine(), b, [C])] as const;
      const ref = groupNormRef(x, shape, G, w, b, 1e-6);
      for (const variant of VARIANTS) {
        expectClose(await groupNorm(...args, { eps: 1e-6, variant }).data(), ref, 1e-4, 1e-4, `${shape} G${G} ${variant}`);
        expectClose(await groupNorm(...args, { eps: 1e-6, silu: true, variant }).data(), ref.map((v) => v / (1 + Math.exp(-v))), 1e-4, 1e-4, `silu ${variant}`);
      }
    }
  });
  it('gradients of x, weight and bias (with and without SiLU)', async () => {
    const rng = testRng();
    // small groups, groups of several channels with rows of odd length (13·11, 9·9), and more chunks of 4
    // values than one sweep of the grid-stride passes covers on a CPU adapter (4 rows × 144 > 8 × 64);
    // each with both kernels (groups longer than the 'workgroup' kernel's 32 lanes, not a multiple of them)
    const cases = [[[2, 6, 3, 4], 3, false], [[2, 6, 3, 4], 3, true], [[1, 6, 13, 11], 3, false], [[2, 8, 9, 9], 2, true], [[1, 4, 24, 24], 2, true]] as [number[], number, boolean][];
    for (const [shape, G, silu] of cases) for (const variant of VARIANTS) {
      const C = shape[1];
      const f = (v: number) => (silu ? v / (1 + Math.exp(-v)) : v);
      await checkGrad(
        engine(), rng, (x, w, b) => groupNorm(x, G, w, b, { eps: 1e-5, silu, variant }),
        (x, w, b) => groupNormRef(x, shape, G, w, b, 1e-5).map(f),
        [{ data: rng.f32(size(shape)), shape }, { data: rng.f32(C, 0.5, 1.5), shape: [C] }, { data: rng.f32(C), shape: [C] }],
        { rtol: 2e-3, atol: 2e-4 },
      );
    }
  });
  it('the workgroup kernels past 65,535 groups (the grid continues over y): forward against the reference, backward against the other kernel', async () => {
    const rng = testRng();
    const shape = [2100, 64, 1, 1]; // 67,200 groups of 2 values
    const C = 64;
    // each group's two values 1–2 apart, so no group's variance is near 0 (where the rounding of either
    // kernel's sums would be scaled up by rstd)
    const u = rng.f32(size(shape) / 2, -3, 5);
    const gap = rng.f32(size(shape) / 2, 1, 2);
    const x = Float64Array.from({ length: size(shape) }, (_, i) => Math.fround(u[i >> 1] + (i % 2) * gap[i >> 1]));
    const w = rng.f32(C, 0.5, 1.5);
    const b = rng.f32(C);
    const up = tensor(engine(), rng.f32(size(shape)), shape); // the gradient arriving at y
    const ref = groupNormRef(x, shape, 32, w, b, 1e-5);
    const grads: Record<GroupNormVariant, Float32Array[]> = {} as Record<GroupNormVariant, Float32Array[]>;
    for (const variant of VARIANTS) {
      const [xt, wt, bt] = [requireGrad(tensor(engine(), x, shape)), requireGrad(tensor(engine(), w, [C])), requireGrad(tensor(engine(), b, [C]))];
      const y = groupNorm(xt, 32, wt, bt, { eps: 1e-5, silu: true, variant });
      expectClose(await y.data(), ref.map((v) => v / (1 + Math.exp(-v))), 1e-4, 1e-4, `forward ${variant}`);
      backward(sum(mul(y, up)));
      grads[variant] = [await xt.grad!.data(), await wt.grad!.data(), await bt.grad!.data()];
    }
    ['dx', 'dweight', 'dbias'].forEach((what, i) => expectClose(grads.workgroup[i], grads.invocation[i], 1e-4, 1e-4, what));
  });
  it('rejects channels not divisible by groups', () => {
    const x = tensor(engine(), new Float32Array(6), [1, 6, 1, 1]);
    const w = tensor(engine(), new Float32Array(6), [6]);
    expect(() => groupNorm(x, 4, w, w)).toThrow(/not divisible into 4 groups/);
  });
});
