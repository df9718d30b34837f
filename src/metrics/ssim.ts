// SSIM and MS-SSIM (Wang et al. 2003/2004) on the GPU: 11×11 Gaussian window (σ = 1.5), 'valid' filtering
// as in the reference MATLAB code, K1 = 0.01, K2 = 0.03, per-channel maps averaged. The five local
// statistics of a batch are filtered at once by one separable depthwise convolution.
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import { tensor } from '../kernels/create.js';
import { concat, slice } from '../kernels/copy.js';
import { add, affine, div, mul, relu, square, sub } from '../kernels/elementwise.js';
import { conv2d } from '../kernels/conv2d/index.js';
import { mean } from '../kernels/reduce.js';
import { avgPool } from '../kernels/resample.js';

export const MS_SSIM_WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

export function gaussianWindow(size = 11, sigma = 1.5): number[] {
  const c = (size - 1) / 2;
  const g = Array.from({ length: size }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)));
  const s = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / s);
}

const windows = new WeakMap<Engine, Map<number, { h: Tensor; v: Tensor }>>();

function windowFor(e: Engine, channels: number): { h: Tensor; v: Tensor } {
  let m = windows.get(e);
  if (!m) windows.set(e, (m = new Map()));
  let w = m.get(channels);
  if (!w) {
    const g = gaussianWindow();
    const rep = (shape: number[]) => keep(tensor(e, Array.from({ length: channels }, () => g).flat(), shape));
    w = { h: rep([channels, 1, 1, 11]), v: rep([channels, 1, 11, 1]) };
    m.set(channels, w);
  }
  return w;
}

/** Per-image mean SSIM and contrast-structure term cs of a [N, C, H, W] pair (values in [0, range]). */
function ssimParts(a: Tensor, b: Tensor, range: number): { ssim: Tensor; cs: Tensor } {
  const [, C, H, W] = a.shape;
  if (H < 11 || W < 11) throw new Error(`SSIM needs images of at least 11×11, got ${H}×${W}`);
  const e = a.engine;
  const c1 = (0.01 * range) ** 2;
  const c2 = (0.03 * range) ** 2;
  const stats = concat([a, b, square(a), square(b), mul(a, b)], 1); // [N, 5C, H, W]
  const w = windowFor(e, 5 * C);
  const f = conv2d(conv2d(stats, w.h, null, { groups: 5 * C }), w.v, null, { groups: 5 * C });
  const sl = (i: number) => slice(f, 1, i * C, C);
  const [mx, my, exx, eyy, exy] = [0, 1, 2, 3, 4].map(sl);
  const mx2 = square(mx), my2 = square(my), mxy = mul(mx, my);
  const sxx = sub(exx, mx2), syy = sub(eyy, my2), sxy = sub(exy, mxy);
  const csMap = div(affine(sxy, 2, c2), affine(add(sxx, syy), 1, c2));
  const lum = div(affine(mxy, 2, c1), affine(add(mx2, my2), 1, c1));
  return { ssim: mean(mul(lum, csMap), [1, 2, 3]), cs: mean(csMap, [1, 2, 3]) };
}


/** Mean SSIM per image pair, images [N, C, H, W] in [0, range]. */
export async function ssim(a: Tensor, b: Tensor, range = 1): Promise<number[]> {
  const t = noGrad(() => tidy(() => ssimParts(a, b, range).ssim));
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

/**
 * MS-SSIM per image pair. Uses as many of the five scales as keep the image at least 11×11 (3 at 64×64),
 * with the standard weights renormalised over those scales; negative cs values are clamped to 0.
 */
export async function msSsim(a: Tensor, b: Tensor, range = 1): Promise<{ values: number[]; scales: number }> {
  const [, , H, W] = a.shape;
  let scales = 0;
  for (let s = Math.min(H, W); s >= 11 && scales < 5; s = Math.floor(s / 2)) scales++;
  if (scales === 0) throw new Error(`MS-SSIM needs images of at least 11×11, got ${H}×${W}`);
  const weights = MS_SSIM_WEIGHTS.slice(0, scales);
  const wsum = weights.reduce((x, y) => x + y, 0);
  const parts: { ssim: Tensor; cs: Tensor }[] = [];
  noGrad(() =>
    tidy(() => {
      let x = a, y = b;
      for (let s = 0; s < scales; s++) {
        const p = ssimParts(x, y, range);
        parts.push({ ssim: keep(relu(p.ssim)), cs: keep(relu(p.cs)) });
        if (s < scales - 1) {
          const ev = (t: Tensor) => (t.shape[2] % 2 || t.shape[3] % 2 ? cropEven(t) : t);
          x = avgPool(ev(x), 2);
          y = avgPool(ev(y), 2);
        }
      }
    }),
  );
  const host = await Promise.all(parts.map(async (p) => ({ ssim: await p.ssim.data(), cs: await p.cs.data() })));
  parts.forEach((p) => { p.ssim.dispose(); p.cs.dispose(); });
  const N = a.shape[0];
  const values = Array.from({ length: N }, (_, n) => {
    let v = 1;
    for (let s = 0; s < scales; s++) {
      const w = weights[s] / wsum;
      v *= (s === scales - 1 ? host[s].ssim[n] : host[s].cs[n]) ** w;
    }
    return v;
  });
  return { values, scales };
}

function cropEven(t: Tensor): Tensor {
  const [, , H, W] = t.shape;
  return slice(slice(t, 2, 0, H - (H % 2)), 3, 0, W - (W % 2));
}
