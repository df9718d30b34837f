// The communication channel (shaders/channel.wgsl): per-sample power normalisation of complex symbols and
// complex AWGN at a per-sample SNR. Differentiable in the symbols (the noise is additive).
import { record } from '../engine/autograd.js';
import type { Tensor } from '../engine/tensor.js';
import { empty, sameEngine, shapeStr } from '../kernels/util.js';
import { CHANNEL_DEFAULTS } from './defaults.js';

export interface ChannelOptions {
  /** SNR in dB per sample: a tensor [N]. */
  snrDb: Tensor;
  seed: number;
  /** Counter offset, e.g. the training step: another offset, another draw. */
  offset?: number;
  /** Index of sample 0 in the whole run: each sample's noise is keyed by its own index, so a batch of N equals N single-sample calls. */
  firstImage?: number;
  /** false: power normalisation only (a noiseless channel). */
  noise?: boolean;
}

/**
 * z [N, ...] holds each sample's 2k reals (k complex symbols as consecutive (re, im) or split halves —
 * the channel is the same for any pairing). Returns y = √k·z/‖z‖ + w, w ~ CN(0, 10^(−SNR/10)).
 */
export function awgnChannel(z: Tensor, o: ChannelOptions): Tensor {
  const e = sameEngine(z, o.snrDb);
  const N = z.shape[0];
  const len = z.size / N;
  if (len % 2 !== 0) throw new Error(`channel: each sample needs an even number of reals (complex symbols), got ${len}`);
  if (o.snrDb.size !== N) throw new Error(`channel: snrDb must have one value per sample (${N}), got ${shapeStr(o.snrDb.shape)}`);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new Error(`channel: seed must be a non-negative integer, got ${o.seed}`);
  const firstImage = o.firstImage ?? 0;
  if (!Number.isInteger(firstImage) || firstImage < 0 || firstImage + N > 2 ** 32) throw new Error(`channel: firstImage must be a non-negative integer, got ${firstImage}`);
  const y = empty(e, z.shape);
  const scale = empty(e, [N]);
  e.launch('channel', {
    buffers: [z.buffer, o.snrDb.buffer, y.buffer, scale.buffer],
    overrides: { NOISE: o.noise ?? CHANNEL_DEFAULTS.awgn.noise },
    uniforms: { samples: N, len, seedLo: o.seed % 2 ** 32, seedHi: Math.floor(o.seed / 2 ** 32), offset: o.offset ?? 0, firstImage },
    workgroups: [Math.ceil(N / 64)],
    label: shapeStr(z.shape),
  });
  const out = record(y, 'awgn_channel', [z], (g) => {
    const dz = empty(e, z.shape);
    e.launch('channel_backward', {
      buffers: [z.buffer, g.buffer, scale.buffer, dz.buffer],
      uniforms: { samples: N, len },
      workgroups: [Math.ceil(N / 64)],
      label: shapeStr(z.shape),
    });
    return [dz];
  });
  if (!out.node) scale.dispose();
  return out;
}
