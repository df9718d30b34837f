// PSNR per image on the GPU: 10·log10(peak² / mean((a − b)²)) over each sample's C·H·W values.
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { square, sub } from '../kernels/elementwise.js';
import { mean } from '../kernels/reduce.js';

/** Mean squared error per sample: [N]. */
export function msePerImage(a: Tensor, b: Tensor): Tensor {
  const axes = [...Array(a.rank).keys()].slice(1);
  return mean(square(sub(a, b)), axes);
}

/** PSNR in dB per image pair (images in [0, peak]); Infinity for identical images. */
export async function psnr(a: Tensor, b: Tensor, peak = 1): Promise<number[]> {
  const m = noGrad(() => tidy(() => msePerImage(a, b)));
  const v = await m.data();
  m.dispose();
  return Array.from(v, (e) => (e === 0 ? Infinity : 10 * Math.log10((peak * peak) / e)));
}
