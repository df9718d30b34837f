// GroupNorm with affine weight/bias and optional fused SiLU (shaders/group_norm_*.wgsl), with gradients:
// with SiLU the backward recomputes the pre-activation, so training and guidance save a pass each way.
import { record } from '../engine/autograd.js';
import type { Engine } from '../engine/engine.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import { randUniform } from './random.js';
import { sum } from './reduce.js';
import { slice } from './copy.js';
import { empty, grid1d, gridStride, sameEngine, shapeStr } from './util.js';

/**
 * Kernels of the statistics and the backward: 'invocation' (one invocation per (sample, group): the whole
 * group on one lane) or 'workgroup' (a workgroup per (sample, group), its lanes striding over the group
 * and summing in workgroup memory: shaders/group_norm_*_wg.wgsl).
 */
export type GroupNormVariant = 'invocation' | 'workgroup';

export interface GroupNormOptions {
  eps?: number;
  /** Apply SiLU after the affine transform (fused, in the gradient too). */
  silu?: boolean;
  /** Forces the statistics and backward kernels (tests, the lab); by default the autotuner picks per shape. */
  variant?: GroupNormVariant;
}

const needs = (t: Tensor) => t.requiresGrad || t.node !== null;

/** Lanes of the 'workgroup' kernels (a power of 2: their sums halve it). */
const GROUP_WG = 32;

/**
 * The untuned default first: 'workgroup' where the groups are too few to fill two 64-lane workgroups and
 * long enough to repay its barriers (bench/lab/group_norm.ts, forward + backward on lavapipe's two threads:
 * [1,32,64,64] 1.57×, [1,64,32,32] 1.18×; with 512 values per group 0.81×, with 128 0.57×).
 */
function variantsFor(groups: number, perGroup: number): GroupNormVariant[] {
  return groups < 128 && perGroup >= 1024 ? ['workgroup', 'invocation'] : ['invocation', 'workgroup'];
}

function launchStats(e: Engine, v: GroupNormVariant, x: Tensor, stats: Tensor, groups: number, M: number, eps: number, label: string): void {
  const uniforms = { groups4: groups, M, eps };
  if (v === 'workgroup') e.launch('group_norm_stats_wg', { buffers: [x.buffer, stats.buffer], overrides: { WG: GROUP_WG }, uniforms, workgroups: grid1d(e, groups, 1), label });
  else e.launch('group_norm_stats', { buffers: [x.buffer, stats.buffer], uniforms, workgroups: [Math.ceil(groups / 64)], label });
}

interface BackwardArgs { x: Tensor; g: Tensor; stats: Tensor; weight: Tensor; bias: Tensor; dx: Tensor; dparams: Tensor }

function launchBackward(e: Engine, v: GroupNormVariant, a: BackwardArgs, groups: number, cPerGroup: number, HW: number, C: number, silu: boolean, label: string): void {
  const buffers = [a.x.buffer, a.g.buffer, a.stats.buffer, a.weight.buffer, a.bias.buffer, a.dx.buffer, a.dparams.buffer] as const;
  const uniforms = { groups4: groups, cPerGroup, HW, C };
  if (v === 'workgroup') e.launch('group_norm_backward_wg', { buffers, overrides: { SILU: silu, WG: GROUP_WG }, uniforms, workgroups: grid1d(e, groups, 1), label });
  else e.launch('group_norm_backward', { buffers, overrides: { SILU: silu }, uniforms, workgroups: [Math.ceil(groups / 64)], label });
}

/** The autotuner's choice for one of the two kernels at this shape, timed on random operands. */
function pickVariant(e: Engine, kernel: 'stats' | 'backward', xShape: readonly number[], groups: number, cPerGroup: number, HW: number, silu: boolean, label: string): GroupNormVariant {
  const C = xShape[1];
  const variants = variantsFor(groups, cPerGroup * HW);
  return e.autotuner.pick('group_norm', `${label} ${kernel}${silu ? ' silu' : ''}`, variants, () => {
    const N = groups * cPerGroup / C;
    const t = {
      x: randUniform(e, xShape, { seed: 1 }), g: randUniform(e, xShape, { seed: 2 }), stats: randUniform(e, [groups, 2], { seed: 3 }, 0.5, 1),
      weight: randUniform(e, [C], { seed: 4 }), bias: randUniform(e, [C], { seed: 5 }), dx: empty(e, xShape), dparams: empty(e, [2, C, N]),
    };
    const run = (v: GroupNormVariant) => () =>
      kernel === 'stats' ? launchStats(e, v, t.x, t.stats, groups, cPerGroup * HW, 1e-5, label) : launchBackward(e, v, t, groups, cPerGroup, HW, C, silu, label);
    return { candidates: Object.fromEntries(variants.map((v) => [v, run(v)])), dispose: () => Object.values(t).forEach((x) => x.dispose()) };
  });
}

/** Segments per row of the apply kernel: whole rows where there are 512 or more, else rows cut into segments of at least 64 values. */
function applySegments(rows: number, HW: number): { seg: number; segs: number } {
  const segs = Math.max(1, Math.min(Math.ceil(512 / rows), Math.ceil(HW / 64)));
  return { seg: Math.ceil(HW / segs), segs };
}

/** GroupNorm over x [N, C, ...spatial] with `groups` groups; weight and bias are [C]. */
export function groupNorm(x: Tensor, groups: number, weight: Tensor, bias: Tensor, o: GroupNormOptions = {}): Tensor {
  const e = sameEngine(x, weight, bias);
  if (x.rank < 2) throw new Error(`group_norm: input must be [N, C, ...], got ${shapeStr(x.shape)}`);
  const [N, C] = x.shape;
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0) throw new Error(`group_norm: ${C} channels are not divisible into ${groups} groups`);
  if (weight.size !== C || bias.size !== C) throw new Error(`group_norm: weight and bias must have ${C} values, got ${shapeStr(weight.shape, bias.shape)}`);
  const HW = x.size / (N * C);
  const cPerGroup = C / groups;
  const eps = o.eps ?? 1e-5;
  const label = shapeStr(x.shape) + ` G${groups}`;
  const silu = !!o.silu;
  const stats = empty(e, [N * groups, 2]);
  launchStats(e, o.variant ?? pickVariant(e, 'stats', x.shape, N * groups, cPerGroup, HW, false, label), x, stats, N * groups, cPerGroup * HW, eps, label);
  const y = empty(e, x.shape);
  const { seg, segs } = applySegments(N * C, HW);
  e.launch('group_norm_apply', {
    buffers: [x.buffer, stats.buffer, weight.buffer, bias.buffer, y.buffer],
    overrides: { SILU: silu },
    uniforms: { rows: N * C, C, cPerGroup, HW, seg, segs },
    workgroups: gridStride(e, N * C * segs, 64),
    label,
  });
  const out = record(y, 'group_norm', [x, weight, bias], (g) =>
    tidy(() => {
      const dx = empty(e, x.shape);
      const dparams = empty(e, [2, C, N]);
      const v = o.variant ?? pickVariant(e, 'backward', x.shape, N * groups, cPerGroup, HW, silu, label);
      launchBackward(e, v, { x, g, stats, weight, bias, dx, dparams }, N * groups, cPerGroup, HW, C, silu, label);
      // one reduction over the samples for both parameters; each half of it is one contiguous copy
      const sums = needs(weight) || needs(bias) ? sum(dparams, [2]) : null;
      const dw = needs(weight) ? slice(sums!, 0, 0, 1).reshape(weight.shape) : null;
      const db = needs(bias) ? slice(sums!, 0, 1, 1).reshape(bias.shape) : null;
      return [needs(x) ? dx : null, dw, db];
    }),
  );
  if (!out.node) stats.dispose();
  return out;
}
