// What the fading channels share: option checks, and the backward of an equalised channel
// (shaders/channel_fading_backward.wgsl) — y = G⊙(√k·z/‖z‖) + noise terms with a fixed complex gain G per symbol.
import { record } from '../engine/autograd.js';
import type { Tensor } from '../engine/tensor.js';
import type { ChannelOptions } from './awgn.js';
import { empty, shapeStr } from '../kernels/util.js';

export type Equaliser = 'zf' | 'mmse';

/** What a fading channel returns: the equalised symbols and, per image, what the receiver knows of the channel. */
export interface Equalised {
  /** The equalised symbols, same shape as z (consecutive (re, im) pairs). */
  y: Tensor;
  /** [N] mean channel power gain the receiver equalised with (|h|² for block fading). */
  channelGain: Tensor;
  /** [N] effective SNR in dB: snrDb + 10·log10(channelGain), e.g. for SNR-adaptive layers. */
  effSnrDb: Tensor;
}

/** Checks the options every channel shares; returns [samples, reals per sample, firstImage]. */
export function checkChannelInputs(z: Tensor, o: ChannelOptions, what: string): [number, number, number] {
  const N = z.shape[0];
  const len = z.size / N;
  if (len % 2 !== 0) throw new Error(`${what}: each sample needs an even number of reals (complex symbols), got ${len}`);
  if (o.snrDb.size !== N) throw new Error(`${what}: snrDb must have one value per sample (${N}), got ${shapeStr(o.snrDb.shape)}`);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new Error(`${what}: seed must be a non-negative integer, got ${o.seed}`);
  const firstImage = o.firstImage ?? 0;
  if (!Number.isInteger(firstImage) || firstImage < 0 || firstImage + N > 2 ** 32) throw new Error(`${what}: firstImage must be a non-negative integer, got ${firstImage}`);
  const offset = o.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset >= 2 ** 32) throw new Error(`${what}: offset must be a u32, got ${offset}`);
  return [N, len, firstImage];
}

/**
 * Records the gradient of y with respect to z through the power normalisation (scale [N] = √k/‖z‖) and the
 * fixed effective gains (effGain, z's size). Frees scale and effGain when nothing needs them.
 */
export function recordEqualisedGrad(y: Tensor, z: Tensor, scale: Tensor, effGain: Tensor, name: string): Tensor {
  const e = z.engine;
  const N = z.shape[0];
  const len = z.size / N;
  const out = record(y, name, [z], (g) => {
    const dz = empty(e, z.shape);
    e.launch('channel_fading_backward', {
      buffers: [z.buffer, g.buffer, scale.buffer, effGain.buffer, dz.buffer],
      uniforms: { samples: N, len },
      workgroups: [Math.ceil(N / 64)],
      label: shapeStr(z.shape),
    });
    return [dz];
  });
  if (!out.node) {
    scale.dispose();
    effGain.dispose();
  }
  return out;
}
