// Generalised divisive normalisation (Ballé, Laparra, Simoncelli 2016), the normalisation of learnt image
// codecs and of ADJSCC: each channel divided by a learnt norm of all channels at the same pixel,
// y_i = x_i / sqrt(β_i + Σ_j γ_ij x_j²); the inverse (IGDN, in decoders) multiplies instead. β and γ are
// stored as square roots (b, g: β = b² + ε, γ = g²), so both stay positive under any update.
import type { Tensor } from '../engine/tensor.js';
import { affine, mul, rsqrt, sqrt, square } from '../kernels/elementwise.js';
import { conv2d } from '../kernels/conv2d/index.js';

/** Keeps β away from 0 whatever b becomes. */
export const GDN_EPS = 1e-6;

/** x [N, C, H, W], b [C], g [C, C, 1, 1] → GDN(x) (or IGDN(x) when inverse). */
export function gdn(x: Tensor, b: Tensor, g: Tensor, inverse = false): Tensor {
  const pool = conv2d(square(x), square(g), affine(square(b), 1, GDN_EPS));
  return mul(x, inverse ? sqrt(pool) : rsqrt(pool));
}

/** The initial g of a C-channel GDN: γ = 0.1·I (as in tensorflow-compression), so g = √0.1·I. */
export function gdnInitialG(c: number): Float32Array {
  return new Float32Array(c * c).map((_, i) => (i % (c + 1) === 0 ? Math.sqrt(0.1) : 0));
}
