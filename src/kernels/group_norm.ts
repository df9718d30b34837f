// GroupNorm with affine weight/bias and optional fused SiLU (shaders/group_norm_*.wgsl), with gradients:
// with SiLU the backward recomputes the pre-activation, so training and guidance save a pass each way.
import { record } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import { sum } from './reduce.js';
import { slice } from './copy.js';
import { empty, gridStride, sameEngine, shapeStr } from './util.js';

export interface GroupNormOptions {
  eps?: number;
  /** Apply SiLU after the affine transform (fused, in the gradient too). */
  silu?: boolean;
}

const needs = (t: Tensor) => t.requiresGrad || t.node !== null;

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
  const stats = empty(e, [N * groups, 2]);
  e.launch('group_norm_stats', {
    buffers: [x.buffer, stats.buffer],
    uniforms: { groups4: N * groups, M: cPerGroup * HW, eps },
    workgroups: [Math.ceil((N * groups) / 64)],
    label,
  });
  const y = empty(e, x.shape);
  e.launch('group_norm_apply', {
    buffers: [x.buffer, stats.buffer, weight.buffer, bias.buffer, y.buffer],
    overrides: { SILU: !!o.silu },
    uniforms: { rows: N * C, C, cPerGroup, HW },
    workgroups: gridStride(e, N * C, 64),
    label,
  });
  const out = record(y, 'group_norm', [x, weight, bias], (g) =>
    tidy(() => {
      const dx = empty(e, x.shape);
      const dparams = empty(e, [2, C, N]);
      e.launch('group_norm_backward', {
        buffers: [x.buffer, g.buffer, stats.buffer, weight.buffer, bias.buffer, dx.buffer, dparams.buffer],
        overrides: { SILU: !!o.silu },
        uniforms: { groups4: N * groups, cPerGroup, HW, C },
        workgroups: [Math.ceil((N * groups) / 64)],
        label,
      });
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
