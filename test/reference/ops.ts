// Plain float64 references of the engine's kernels. Written for clarity, not speed.

export type Arr = Float64Array;

// the references the web kernel playground shows too live in src/
import { forEachConvTap, softmaxRef, type ConvRefOpts } from '../../src/util/reference.js';
export { matmulRef, softmaxRef, conv2dRef, type ConvRefOpts } from '../../src/util/reference.js';

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function strides(shape: readonly number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** Multi-index of flat index i in shape. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out = [];
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error('not broadcastable');
    out.push(Math.max(da, db) === 1 ? 1 : da === 1 ? db : da);
  }
  return out;
}

/** Index into `shape` for an index of the broadcast result. */
function bIndex(idx: number[], shape: readonly number[]): number {
  const lead = idx.length - shape.length;
  const st = strides(shape);
  let off = 0;
  for (let d = 0; d < shape.length; d++) off += (shape[d] === 1 ? 0 : idx[d + lead]) * st[d];
  return off;
}

export function binaryRef(
  a: Arr, as: readonly number[], b: Arr, bs: readonly number[], f: (x: number, y: number) => number,
): { out: Arr; shape: number[] } {
  const shape = broadcastShape(as, bs);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    out[i] = f(a[bIndex(idx, as)], b[bIndex(idx, bs)]);
  }
  return { out, shape };
}

export function reduceRef(
  x: Arr, shape: readonly number[], axes: number[], op: 'sum' | 'max' | 'mean',
): { out: Arr; shape: number[] } {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float64Array(size(outShape)).fill(op === 'max' ? -Infinity : 0);
  const count = axes.reduce((a, i) => a * shape[i], 1);
  for (let i = 0; i < x.length; i++) {
    const idx = unravel(i, shape).map((v, d) => (axes.includes(d) ? 0 : v));
    const o = idx.reduce((acc, v, d) => acc + v * strides(outShape)[d], 0);
    out[o] = op === 'max' ? Math.max(out[o], x[i]) : out[o] + x[i];
  }
  if (op === 'mean') for (let i = 0; i < out.length; i++) out[i] /= count;
  return { out, shape: shape.filter((_, i) => !axes.includes(i)) };
}

export function permuteRef(x: Arr, shape: readonly number[], perm: number[]): Arr {
  const outShape = perm.map((p) => shape[p]);
  const out = new Float64Array(x.length);
  const st = strides(shape);
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, outShape);
    let off = 0;
    perm.forEach((p, d) => (off += idx[d] * st[p]));
    out[i] = x[off];
  }
  return out;
}

export function sliceRef(x: Arr, shape: readonly number[], axis: number, start: number, len: number): Arr {
  const outShape = shape.map((d, i) => (i === axis ? len : d));
  const out = new Float64Array(size(outShape));
  const st = strides(shape);
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, outShape);
    idx[axis] += start;
    out[i] = x[idx.reduce((a, v, d) => a + v * st[d], 0)];
  }
  return out;
}

export function concatRef(xs: { data: Arr; shape: number[] }[], axis: number): Arr {
  const outShape = [...xs[0].shape];
  outShape[axis] = xs.reduce((a, t) => a + t.shape[axis], 0);
  const out = new Float64Array(size(outShape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, outShape);
    let k = 0;
    while (idx[axis] >= xs[k].shape[axis]) idx[axis] -= xs[k++].shape[axis];
    const st = strides(xs[k].shape);
    out[i] = xs[k].data[idx.reduce((a, v, d) => a + v * st[d], 0)];
  }
  return out;
}

export interface AdamRefState { m: Arr; v: Arr; step: number }

export function adamRef(
  p: Arr, g: Arr, s: AdamRefState,
  o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean },
): void {
  s.step++;
  const bc1 = 1 - o.beta1 ** s.step;
  const bc2 = 1 - o.beta2 ** s.step;
  for (let i = 0; i < p.length; i++) {
    let gi = g[i];
    if (o.decoupled) p[i] -= o.lr * o.weightDecay * p[i];
    else gi += o.weightDecay * p[i];
    s.m[i] = o.beta1 * s.m[i] + (1 - o.beta1) * gi;
    s.v[i] = o.beta2 * s.v[i] + (1 - o.beta2) * gi * gi;
    p[i] -= (o.lr * (s.m[i] / bc1)) / (Math.sqrt(s.v[i] / bc2) + o.eps);
  }
}

/** Direct-loop transposed convolution (scatter form): x [N,Cin,H,W], w [Cin,Cout/g,KH,KW]. */
export function convTranspose2dRef(
  x: Arr, xs: number[], w: Arr, ws: number[], bias: Arr | null,
  o: ConvRefOpts & { outPad: [number, number] },
): { out: Arr; shape: number[] } {
  const [N, Cin, H, W] = xs;
  const [, coutG, KH, KW] = ws;
  const cinG = Cin / o.groups;
  const Cout = coutG * o.groups;
  const [sh, sw] = o.stride;
  const [pt, pb, pl, pr] = o.pad;
  const [dh, dw] = o.dil;
  const OH = (H - 1) * sh - pt - pb + dh * (KH - 1) + o.outPad[0] + 1;
  const OW = (W - 1) * sw - pl - pr + dw * (KW - 1) + o.outPad[1] + 1;
  const out = new Float64Array(N * Cout * OH * OW);
  for (let n = 0; n < N; n++)
    for (let ci = 0; ci < Cin; ci++) {
      const g = Math.floor(ci / cinG);
      for (let ih = 0; ih < H; ih++)
        for (let iw = 0; iw < W; iw++)
          for (let c = 0; c < coutG; c++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const oh = ih * sh - pt + kh * dh;
                const ow = iw * sw - pl + kw * dw;
                if (oh < 0 || oh >= OH || ow < 0 || ow >= OW) continue;
                const co = g * coutG + c;
                out[((n * Cout + co) * OH + oh) * OW + ow] +=
                  x[((n * Cin + ci) * H + ih) * W + iw] * w[((ci * coutG + c) * KH + kh) * KW + kw];
              }
    }
  if (bias) for (let i = 0; i < out.length; i++) out[i] += bias[Math.floor(i / (OH * OW)) % Cout];
  return { out, shape: [N, Cout, OH, OW] };
}

/** Reference weight gradient of conv2dRef: dW[co,ci,kh,kw] = Σ dy·x (the forward's loops). */
export function conv2dWeightGradRef(x: Arr, xs: number[], dy: Arr, ws: number[], o: ConvRefOpts): Arr {
  const out = new Float64Array(ws.reduce((a, d) => a * d, 1));
  forEachConvTap(xs, ws, o, (xi, wi, yi) => { out[wi] += dy[yi] * x[xi]; });
  return out;
}

/** softmax(scale·q·kᵀ)·v per batch-head: q, k, v [BH·T·d]. */
export function attentionRef(q: Arr, k: Arr, v: Arr, BH: number, T: number, d: number, scale: number): Arr {
  const out = new Float64Array(BH * T * d);
  for (let b = 0; b < BH; b++)
    for (let i = 0; i < T; i++) {
      const s = new Float64Array(T);
      for (let j = 0; j < T; j++) {
        let acc = 0;
        for (let t = 0; t < d; t++) acc += q[(b * T + i) * d + t] * k[(b * T + j) * d + t];
        s[j] = acc * scale;
      }
      const p = softmaxRef(s, T);
      for (let t = 0; t < d; t++) {
        let acc = 0;
        for (let j = 0; j < T; j++) acc += p[j] * v[(b * T + j) * d + t];
        out[(b * T + i) * d + t] = acc;
      }
    }
  return out;
}

/** GroupNorm (biased variance, as PyTorch) over x [N, C, HW...]. */
export function groupNormRef(x: Arr, shape: number[], G: number, w: Arr, b: Arr, eps: number): Arr {
  const [N, C] = shape;
  const HW = x.length / (N * C);
  const cg = C / G;
  const out = new Float64Array(x.length);
  for (let n = 0; n < N; n++)
    for (let g = 0; g < G; g++) {
      const base = (n * C + g * cg) * HW;
      const M = cg * HW;
      let mean = 0;
      for (let i = 0; i < M; i++) mean += x[base + i];
      mean /= M;
      let v = 0;
      for (let i = 0; i < M; i++) v += (x[base + i] - mean) ** 2;
      const rstd = 1 / Math.sqrt(v / M + eps);
      for (let i = 0; i < M; i++) {
        const c = g * cg + Math.floor(i / HW);
        out[base + i] = (x[base + i] - mean) * rstd * w[c] + b[c];
      }
    }
  return out;
}

/** Max pooling, PyTorch semantics (padding with -inf, ceil mode); returns values. */
export function maxPoolRef(x: Arr, shape: number[], k: number, s: number, pad: number, ceil: boolean): { out: Arr; shape: number[] } {
  const [N, C, H, W] = shape;
  const size1 = (n: number) => {
    let o = (ceil ? Math.ceil((n + 2 * pad - k) / s) : Math.floor((n + 2 * pad - k) / s)) + 1;
    if (ceil && (o - 1) * s >= n + pad) o--;
    return o;
  };
  const OH = size1(H), OW = size1(W);
  const out = new Float64Array(N * C * OH * OW);
  for (let pl = 0; pl < N * C; pl++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        let m = -Infinity;
        for (let kh = 0; kh < k; kh++)
          for (let kw = 0; kw < k; kw++) {
            const ih = oh * s - pad + kh, iw = ow * s - pad + kw;
            if (ih >= 0 && ih < H && iw >= 0 && iw < W) m = Math.max(m, x[(pl * H + ih) * W + iw]);
          }
        out[(pl * OH + oh) * OW + ow] = m;
      }
  return { out, shape: [N, C, OH, OW] };
}
