// Training losses, composed from differentiable ops (each returns a scalar tensor).
import type { Tensor } from '../engine/tensor.js';
import { abs, add, affine, neg, relu, softplus, square, sub } from './elementwise.js';
import { mean } from './reduce.js';

/** mean((a − b)²) */
export const mse = (a: Tensor, b: Tensor) => mean(square(sub(a, b)));
/** mean(|a − b|) */
export const l1 = (a: Tensor, b: Tensor) => mean(abs(sub(a, b)));

/** Hinge GAN, discriminator: mean(relu(1 − D(real))) + mean(relu(1 + D(fake))). */
export const hingeDiscriminator = (real: Tensor, fake: Tensor) => add(mean(relu(affine(real, -1, 1))), mean(relu(affine(fake, 1, 1))));
/** Hinge GAN, generator: −mean(D(fake)). */
export const hingeGenerator = (fake: Tensor) => neg(mean(fake));

/** Non-saturating GAN, discriminator: mean(softplus(−D(real))) + mean(softplus(D(fake))). */
export const nonSaturatingDiscriminator = (real: Tensor, fake: Tensor) => add(mean(softplus(neg(real))), mean(softplus(fake)));
/** Non-saturating GAN, generator: mean(softplus(−D(fake))). */
export const nonSaturatingGenerator = (fake: Tensor) => mean(softplus(neg(fake)));
