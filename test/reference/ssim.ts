// float64 SSIM / MS-SSIM written independently of the engine: direct 2-D Gaussian filtering ('valid').
import { gaussianWindow, MS_SSIM_WEIGHTS } from '../../src/metrics/ssim.js';

function filterValid(img: Float64Array, H: number, W: number, g: number[]): { out: Float64Array; h: number; w: number } {
  const k = g.length;
  const h = H - k + 1, w = W - k + 1;
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) s += g[i] * g[j] * img[(y + i) * W + x + j];
      out[y * w + x] = s;
    }
  return { out, h, w };
}

/** [ssim, cs] of one channel plane pair. */
function planeSsim(a: Float64Array, b: Float64Array, H: number, W: number, range: number): [number, number] {
  const g = gaussianWindow();
  const c1 = (0.01 * range) ** 2, c2 = (0.03 * range) ** 2;
  const f = (v: Float64Array) => filterValid(v, H, W, g).out;
  const mx = f(a), my = f(b);
  const exx = f(a.map((v) => v * v)), eyy = f(b.map((v) => v * v)), exy = f(a.map((v, i) => v * b[i]));
  let s = 0, cs = 0;
  for (let i = 0; i < mx.length; i++) {
    const sxx = exx[i] - mx[i] ** 2, syy = eyy[i] - my[i] ** 2, sxy = exy[i] - mx[i] * my[i];
    const c = (2 * sxy + c2) / (sxx + syy + c2);
    s += ((2 * mx[i] * my[i] + c1) / (mx[i] ** 2 + my[i] ** 2 + c1)) * c;
    cs += c;
  }
  return [s / mx.length, cs / mx.length];
}

/** [ssim, cs] of a C×H×W image pair (channel maps averaged). */
export function ssimRef(a: Float64Array, b: Float64Array, C: number, H: number, W: number, range = 1): [number, number] {
  let s = 0, cs = 0;
  for (let c = 0; c < C; c++) {
    const [x, y] = planeSsim(a.subarray(c * H * W, (c + 1) * H * W), b.subarray(c * H * W, (c + 1) * H * W), H, W, range);
    s += x;
    cs += y;
  }
  return [s / C, cs / C];
}

function pool2(a: Float64Array, C: number, H: number, W: number): Float64Array {
  const h = Math.floor(H / 2), w = Math.floor(W / 2);
  const out = new Float64Array(C * h * w);
  for (let c = 0; c < C; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        out[(c * h + y) * w + x] = (a[(c * H + 2 * y) * W + 2 * x] + a[(c * H + 2 * y) * W + 2 * x + 1] + a[(c * H + 2 * y + 1) * W + 2 * x] + a[(c * H + 2 * y + 1) * W + 2 * x + 1]) / 4;
  return out;
}

export function msSsimRef(a: Float64Array, b: Float64Array, C: number, H: number, W: number): number {
  let scales = 0;
  for (let s = Math.min(H, W); s >= 11 && scales < 5; s = Math.floor(s / 2)) scales++;
  const w = MS_SSIM_WEIGHTS.slice(0, scales);
  const ws = w.reduce((x, y) => x + y, 0);
  let v = 1;
  for (let s = 0; s < scales; s++) {
    const [ss, cs] = ssimRef(a, b, C, H, W);
    v *= Math.max(s === scales - 1 ? ss : cs, 0) ** (w[s] / ws);
    if (s < scales - 1) {
      a = pool2(a, C, H, W);
      b = pool2(b, C, H, W);
      H = Math.floor(H / 2);
      W = Math.floor(W / 2);
    }
  }
  return v;
}
