// Sending a batch: DeepJSCC encode → AWGN channel → decode, once per batch, so every method reconstructs
// the same received symbols. The channel's noise, like the sampler's, is keyed by (seed, image index in the
// run = firstImage + position in the batch), so a batch of N equals N single-image runs.
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { tensor } from '../kernels/create.js';
import type { System } from './system.js';

export function receive(system: System, x: Tensor, snr: number, seed: number, firstImage = 0): Tensor {
  const n = x.shape[0];
  return noGrad(() => tidy(() => system.jscc.forward(x, tensor(system.engine, new Array<number>(n).fill(snr), [n]), seed, 0, firstImage)));
}
