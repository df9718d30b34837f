// Plain float64 references of a few kernels, shown next to the engine's results by the kernel playground
// (web/kernels.ts) and used by the tests (test/reference/ops.ts re-exports them). Written for clarity.

type Arr = Float64Array;

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

export interface ConvRefOpts {
  stride: [number, number];
  pad: [number, number, number, number]; // top, bottom, left, right
  dil: [number, number];
  groups: number;
}

/** The sizes a convolution's loops need: input [N,Cin,H,W], weights [Cout,Cin/g,KH,KW], output OH × OW. */
export function convGeometry(xs: number[], ws: number[], o: ConvRefOpts) {
  const [N, Cin, H, W] = xs;
  const [Cout, cinG, KH, KW] = ws;
  const [sh, sw] = o.stride;
  const [pt, pb, pl, pr] = o.pad;
  const [dh, dw] = o.dil;
  const OH = Math.floor((H + pt + pb - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + pl + pr - dw * (KW - 1) - 1) / sw) + 1;
  return { N, Cin, H, W, Cout, cinG, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw, OH, OW, coutG: Cout / o.groups };
}

/**
 * Visits every (input, weight, output) index triple of a convolution's valid taps, in direct-loop order:
 * the forward pass and its weight gradient are the same loops with another update.
 */
export function forEachConvTap(xs: number[], ws: number[], o: ConvRefOpts, visit: (xi: number, wi: number, yi: number) => void): void {
  const { N, Cin, H, W, Cout, cinG, KH, KW, sh, sw, pt, pl, dh, dw, OH, OW, coutG } = convGeometry(xs, ws, o);
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Cout; co++) {
      const g = Math.floor(co / coutG);
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          const yi = ((n * Cout + co) * OH + oh) * OW + ow;
          for (let ci = 0; ci < cinG; ci++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const ih = oh * sh - pt + kh * dh;
                const iw = ow * sw - pl + kw * dw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                visit(((n * Cin + g * cinG + ci) * H + ih) * W + iw, ((co * cinG + ci) * KH + kh) * KW + kw, yi);
              }
        }
    }
}

/** Direct-loop convolution: x [N,Cin,H,W], w [Cout,Cin/g,KH,KW], bias [Cout] or null. */
export function conv2dRef(x: Arr, xs: number[], w: Arr, ws: number[], bias: Arr | null, o: ConvRefOpts): { out: Arr; shape: number[] } {
  const { N, Cout, OH, OW } = convGeometry(xs, ws, o);
  const out = new Float64Array(N * Cout * OH * OW);
  forEachConvTap(xs, ws, o, (xi, wi, yi) => { out[yi] += w[wi] * x[xi]; });
  if (bias) for (let i = 0; i < out.length; i++) out[i] += bias[Math.floor(i / (OH * OW)) % Cout];
  return { out, shape: [N, Cout, OH, OW] };
}
