// Resampling, with gradients: nearest upsampling (shaders/upsample_nearest.wgsl) and average pooling
// (shaders/block_sum.wgsl), each the other's gradient up to a scale; max pooling (shaders/max_pool2d*.wgsl);
// pixel shuffle / unshuffle as permutes.
import { record } from '../engine/autograd.js';
import type { Tensor } from '../engine/tensor.js';
import { permute } from './copy.js';
import { empty, gridStride, shapeStr } from './util.js';

function nchw(x: Tensor, what: string): [number, number, number, number] {
  if (x.rank !== 4) throw new Error(`${what}: input must be NCHW, got ${shapeStr(x.shape)}`);
  return x.shape as unknown as [number, number, number, number];
}

/** Nearest-neighbour upsampling of NCHW by s, times a scale (no autograd). */
function upsampleRaw(x: Tensor, s: number, scale: number): Tensor {
  const [N, C, H, W] = x.shape;
  const e = x.engine;
  const y = empty(e, [N, C, H * s, W * s]);
  const rows = N * C * H * s;
  e.launch('upsample_nearest', { buffers: [x.buffer, y.buffer], uniforms: { rows, W, factor: s, scale }, workgroups: gridStride(e, rows, 64), label: `${shapeStr(x.shape)} x${s}` });
  return y;
}

/** Sums of NCHW over non-overlapping k×k windows, times a scale (no autograd): H and W divisible by k. */
function blockSumRaw(x: Tensor, k: number, scale: number): Tensor {
  const [N, C, H, W] = x.shape;
  const e = x.engine;
  const y = empty(e, [N, C, H / k, W / k]);
  const rows = N * C * (H / k);
  e.launch('block_sum', { buffers: [x.buffer, y.buffer], uniforms: { rows, OW: W / k, k, scale }, workgroups: gridStride(e, rows, 64), label: `${shapeStr(x.shape)} k${k}` });
  return y;
}

/** Nearest-neighbour upsampling by an integer factor. */
export function upsampleNearest(x: Tensor, factor = 2): Tensor {
  nchw(x, 'upsample_nearest');
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`upsample_nearest: factor must be a positive integer, got ${factor}`);
  return record(upsampleRaw(x, factor, 1), 'upsample_nearest', [x], (g) => [blockSumRaw(g, factor, 1)]);
}

/** Average pooling with kernel = stride = k (H and W divisible by k). */
export function avgPool(x: Tensor, k = 2): Tensor {
  const [, , H, W] = nchw(x, 'avg_pool');
  if (H % k !== 0 || W % k !== 0) throw new Error(`avg_pool: ${H}×${W} is not divisible by the window ${k}`);
  return record(blockSumRaw(x, k, 1 / (k * k)), 'avg_pool', [x], (g) => [upsampleRaw(g, k, 1 / (k * k))]);
}

export interface MaxPoolOptions {
  stride?: number;
  padding?: number;
  /** Output size rounds up (PyTorch ceil_mode), as SqueezeNet uses. */
  ceilMode?: boolean;
}

/** Max pooling over k×k windows. Gradient goes to the first maximum of each window. */
export function maxPool2d(x: Tensor, k: number, o: MaxPoolOptions = {}): Tensor {
  const e = x.engine;
  const [N, C, H, W] = nchw(x, 'max_pool2d');
  const s = o.stride ?? k;
  const pad = o.padding ?? 0;
  if (pad > k / 2) throw new Error(`max_pool2d: padding ${pad} must be at most half the window ${k}`);
  const outSize = (n: number) => {
    const span = n + 2 * pad - k;
    let out = (o.ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    // PyTorch: the last window must start inside the input or the left padding
    if (o.ceilMode && (out - 1) * s >= n + pad) out--;
    return out;
  };
  const OH = outSize(H);
  const OW = outSize(W);
  if (OH <= 0 || OW <= 0) throw new Error(`max_pool2d: window ${k} does not fit ${H}×${W}`);
  const y = empty(e, [N, C, OH, OW]);
  const arg = empty(e, [N, C, OH, OW]); // u32 positions in f32-sized slots
  const uniforms = { planes: N * C, H, W, OH, OW, KH: k, KW: k, strideH: s, strideW: s, padTop: pad, padLeft: pad };
  const label = `${shapeStr(x.shape)} k${k} s${s}`;
  e.launch('max_pool2d', { buffers: [x.buffer, y.buffer, arg.buffer], uniforms, workgroups: gridStride(e, y.size, 64), label });
  const out = record(y, 'max_pool2d', [x], (g) => {
    const dx = empty(e, x.shape);
    e.launch('max_pool2d_backward', { buffers: [g.buffer, arg.buffer, dx.buffer], uniforms, workgroups: gridStride(e, x.size, 64), label });
    return [dx];
  });
  if (!out.node) arg.dispose();
  return out;
}

/** [N, C·r², H, W] → [N, C, H·r, W·r] (PyTorch's pixel_shuffle). */
export function pixelShuffle(x: Tensor, r: number): Tensor {
  const [N, Cr, H, W] = nchw(x, 'pixel_shuffle');
  if (Cr % (r * r) !== 0) throw new Error(`pixel_shuffle: ${Cr} channels are not divisible by ${r}²`);
  const C = Cr / (r * r);
  const v = x.reshape([N, C, r, r, H, W]);
  const p = permute(v, [0, 1, 4, 2, 5, 3]);
  return p.reshape([N, C, H * r, W * r]);
}

/** [N, C, H·r, W·r] → [N, C·r², H, W] (PyTorch's pixel_unshuffle). */
export function pixelUnshuffle(x: Tensor, r: number): Tensor {
  const [N, C, Hr, Wr] = nchw(x, 'pixel_unshuffle');
  if (Hr % r !== 0 || Wr % r !== 0) throw new Error(`pixel_unshuffle: ${Hr}×${Wr} is not divisible by ${r}`);
  const H = Hr / r;
  const W = Wr / r;
  const v = x.reshape([N, C, H, r, W, r]);
  const p = permute(v, [0, 1, 3, 5, 2, 4]);
  return p.reshape([N, C * r * r, H, W]);
}
