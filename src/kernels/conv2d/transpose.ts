// The differentiable conv_transpose2d: the input-gradient launcher of the convolution it transposes,
// its gradients the forward and weight-gradient launchers.
import { record } from '../../engine/autograd.js';
import { tidy } from '../../engine/scope.js';
import type { Tensor } from '../../engine/tensor.js';
import { add } from '../elementwise.js';
import { shapeStr } from '../util.js';
import { convGeometry, pads, pair, type Padding, type Pair } from './geometry.js';
import { conv2dRaw } from './launch_forward.js';
import { conv2dInputGradRaw } from './launch_input_grad.js';
import { conv2dWeightGradRaw } from './launch_weight_grad.js';
import { needs } from './op.js';

export interface ConvTranspose2dOptions {
  stride?: Pair;
  padding?: Padding;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/**
 * Transposed convolution (PyTorch's ConvTranspose2d): x [N, Cin, H, W], w [Cin, Cout/groups, KH, KW],
 * output [N, Cout, (H-1)·s − padTop − padBottom + dil·(K−1) + outputPadding + 1, …]. Differentiable.
 */
export function convTranspose2d(x: Tensor, w: Tensor, bias: Tensor | null = null, o: ConvTranspose2dOptions = {}): Tensor {
  if (x.rank !== 4 || w.rank !== 4) throw new Error(`conv_transpose2d: need NCHW input and 4-D weight, got ${shapeStr(x.shape, w.shape)}`);
  const groups = o.groups ?? 1;
  const [N, Cin, H, W] = x.shape;
  const [wCin, coutG, KH, KW] = w.shape;
  if (wCin !== Cin) throw new Error(`conv_transpose2d: weight ${shapeStr(w.shape)} expects ${wCin} input channels, input has ${Cin}`);
  const [sH, sW] = pair(o.stride, 1);
  const [dH, dW] = pair(o.dilation, 1);
  const [opH, opW] = pair(o.outputPadding, 0);
  const [pt, pb, pl, pr] = pads(o.padding);
  if (opH >= Math.max(sH, dH) || opW >= Math.max(sW, dW)) throw new Error('conv_transpose2d: output padding must be smaller than stride or dilation');
  const OH = (H - 1) * sH - pt - pb + dH * (KH - 1) + opH + 1;
  const OW = (W - 1) * sW - pl - pr + dW * (KW - 1) + opW + 1;
  // the convolution this one transposes: from y [N, Cout, OH, OW] to x, weight w read as [Cin, coutG, KH, KW]
  const g = convGeometry([N, coutG * groups, OH, OW], w.shape, { stride: [sH, sW], dilation: [dH, dW], groups, padding: [pt, pb, pl, pr] }, 'conv_transpose2d');
  if (g.OH !== H || g.OW !== W) throw new Error(`conv_transpose2d: inconsistent geometry for input ${shapeStr(x.shape)}`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== coutG * groups)) throw new Error(`conv_transpose2d: bias must be [${coutG * groups}], got ${shapeStr(bias.shape)}`);
  const y0 = conv2dInputGradRaw(x, w, g);
  const yb = record(y0, 'conv_transpose2d', [x, w], (gy) =>
    tidy(() => [needs(x) ? conv2dRaw(gy, w, null, g) : null, needs(w) ? conv2dWeightGradRaw(gy, x, g) : null]),
  );
  return bias ? add(yb, bias.reshape([coutG * groups, 1, 1])) : yb;
}
