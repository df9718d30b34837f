// The polyphase ("lazy wavelet") split of an image into a coarse band and three detail bands, its exact
// inverse, and lifting steps: d ← d ± P(c), c ← c ± U(d), with the final convolution of P or U fused with
// the residual update (conv2d's `residual` option), so every step is exactly invertible by construction.
import type { Tensor } from '../engine/tensor.js';
import { concat, permute, slice } from './copy.js';
import { shapeStr } from './util.js';

export interface Bands {
  /** x[..., 0::2, 0::2]: [N, C, H/2, W/2] */
  coarse: Tensor;
  /** [d1 | d2 | d3] = x[1::2, 0::2], x[0::2, 1::2], x[1::2, 1::2] along channels: [N, 3C, H/2, W/2] */
  detail: Tensor;
}

/** Splits x [N, C, H, W] (H, W even) into polyphase bands. Differentiable. */
export function polyphaseSplit(x: Tensor): Bands {
  if (x.rank !== 4 || x.shape[2] % 2 || x.shape[3] % 2) throw new Error(`polyphase split: need NCHW with even H and W, got ${shapeStr(x.shape)}`);
  const [N, C, H, W] = x.shape;
  // [N, C, H/2, a, W/2, b] → [N, b, a, C, H/2, W/2]: bands in the order (b,a) = 00 c, 01 d1, 10 d2, 11 d3
  const bands = permute(x.reshape([N, C, H / 2, 2, W / 2, 2]), [0, 5, 3, 1, 2, 4]).reshape([N, 4 * C, H / 2, W / 2]);
  return { coarse: slice(bands, 1, 0, C), detail: slice(bands, 1, C, 3 * C) };
}

/** The exact inverse of polyphaseSplit. Differentiable. */
export function polyphaseMerge(coarse: Tensor, detail: Tensor): Tensor {
  const [N, C, h, w] = coarse.shape;
  if (coarse.rank !== 4 || detail.rank !== 4 || detail.shape[0] !== N || detail.shape[1] !== 3 * C || detail.shape[2] !== h || detail.shape[3] !== w) {
    throw new Error(`polyphase merge: coarse [N,C,h,w] needs detail [N,3C,h,w], got ${shapeStr(coarse.shape, detail.shape)}`);
  }
  const bands = concat([coarse, detail], 1).reshape([N, 2, 2, C, h, w]);
  return permute(bands, [0, 3, 4, 2, 5, 1]).reshape([N, C, 2 * h, 2 * w]);
}
