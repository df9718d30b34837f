// The differentiable conv2d: checks, the 1×1 shortcut, then the forward launcher and a gradient closure
// over the input- and weight-gradient launchers. Launch details live in launch_*.ts.
import { record, isGradEnabled } from '../../engine/autograd.js';
import { tidy } from '../../engine/scope.js';
import type { Tensor } from '../../engine/tensor.js';
import { add, binary, prelu as preluOp, silu as siluOp, sub, unary } from '../elementwise.js';
import { sum } from '../reduce.js';
import { sameShape, shapeStr } from '../util.js';
import { conv1x1, isMatmulConv } from './conv1x1.js';
import { convGeometry, type Conv2dOptions } from './geometry.js';
import { conv2dRaw } from './launch_forward.js';
import { conv2dInputGradRaw } from './launch_input_grad.js';
import { conv2dWeightGradRaw } from './launch_weight_grad.js';

/** Whether t takes part in a gradient (a leaf that requires one, or the output of a recorded op). */
export const needs = (t: Tensor | null | undefined): t is Tensor => !!t && (t.requiresGrad || t.node !== null);

/**
 * 2-D convolution: x [N, Cin, H, W], w [Cout, Cin/groups, KH, KW], optional bias [Cout], then the fused
 * activation. Differentiable in x, w, bias (and the PReLU slope).
 */
export function conv2d(x: Tensor, w: Tensor, bias: Tensor | null = null, o: Conv2dOptions = {}): Tensor {
  const g = convGeometry(x.shape, w.shape, o);
  const act = o.activation ?? 'none';
  if (bias && (bias.rank !== 1 || bias.shape[0] !== g.Cout)) throw new Error(`conv2d: bias must be [${g.Cout}], got ${shapeStr(bias.shape)}`);
  if (act === 'prelu' && (!o.slope || o.slope.size !== g.Cout)) throw new Error(`conv2d: activation 'prelu' needs slope of ${g.Cout} values`);
  const res = o.residual ?? null;
  const sign = o.residualSign ?? 1;
  if (res && !sameShape(res.shape, [g.N, g.Cout, g.OH, g.OW])) {
    throw new Error(`conv2d: residual ${shapeStr(res.shape)} must match the output [${g.N},${g.Cout},${g.OH},${g.OW}]`);
  }
  if (isMatmulConv(g)) return conv1x1(x, w, bias, g, act, o.slope ?? null, res, sign);
  const recording = isGradEnabled() && [x, w, bias, o.slope, res].some(needs);
  // silu and prelu backward need the pre-activation: when recording, apply them as separate ops
  if (recording && (act === 'silu' || act === 'prelu')) {
    const pre = conv2d(x, w, bias, { ...o, activation: 'none', residual: undefined });
    const post = act === 'silu' ? siluOp(pre) : preluOp(pre, o.slope!.reshape([g.Cout, 1, 1]));
    return res ? (sign === 1 ? add(res, post) : sub(res, post)) : post;
  }
  const y = conv2dRaw(x, w, bias, g, act, o.slope ?? null, res, sign, undefined, recording && needs(w));
  const inputs = [x, w, ...(bias ? [bias] : []), ...(res ? [res] : [])];
  return record(y, `conv2d(${act})`, inputs, (gy) =>
    tidy(() => {
      // relu: y > 0 exactly where the pre-activation is; with a residual, recover act(conv) = ±(y − r)
      let gPre = gy;
      if (act === 'relu') {
        const actOut = res ? (sign === 1 ? binary('sub', y, res) : binary('sub', res, y)) : y;
        gPre = binary('reluGrad', actOut, gy);
      }
      if (sign === -1) gPre = unary('neg', gPre);
      return [
        needs(x) ? conv2dInputGradRaw(gPre, w, g) : null,
        needs(w) ? conv2dWeightGradRaw(x, gPre, g) : null,
        ...(bias ? [needs(bias) ? sum(gPre, [0, 2, 3]) : null] : []),
        ...(res ? [gy] : []),
      ];
    }),
  );
}
