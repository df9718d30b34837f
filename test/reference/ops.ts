// Plain float64 references of the engine's kernels. Written for clarity, not speed.

export type Arr = Float64Array;

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

/** a [batch, M, K] (batch 1 broadcasts) · b [batch, K, N]. */
export function matmulRef(a: Arr, b: Arr, batchA: number, batchB: number, M: number, K: number, N: number): Arr {
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * M * N);
  for (let z = 0; z < batch; z++) {
    const ao = batchA === 1 ? 0 : z * M * K;
    const bo = batchB === 1 ? 0 : z * K * N;
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[ao + i * K + k] * b[bo + k * N + j];
        out[z * M * N + i * N + j] = s;
      }
  }
  return out;
}

export function softmaxRef(x: Arr, cols: number): Arr {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / cols; r++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[r * cols + j] - m);
    for (let j = 0; j < cols; j++) out[r * cols + j] = Math.exp(x[r * cols + j] - m) / s;
  }
  return out;
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
