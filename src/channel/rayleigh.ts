// Rayleigh fading channel with a receiver that knows h and equalises (shaders/channel_rayleigh.wgsl).
// Differentiable in the symbols: the gradient flows through the fixed h, the equaliser and the power normalisation.
import type { Tensor } from '../engine/tensor.js';
import type { ChannelOptions } from './awgn.js';
import { checkChannelInputs, recordEqualisedGrad, type Equalised, type Equaliser } from './equalise.js';
import { empty, shapeStr } from '../kernels/util.js';
import { CHANNEL_DEFAULTS } from './defaults.js';

const d = CHANNEL_DEFAULTS.rayleigh;

export interface RayleighOptions extends ChannelOptions {
  /** 'mmse': conj(h)·y/(|h|²+σ²); 'zf': y/h (defaults: defaults.ts). */
  equaliser?: Equaliser;
  /** Per-symbol (fast) fading instead of one h per image. */
  fast?: boolean;
  /** false: h = 1 (the AWGN channel's output through the same receiver). */
  fading?: boolean;
}

/**
 * z [N, ...]: each sample's 2k reals are k complex symbols as consecutive (re, im) pairs. x = √k·z/‖z‖,
 * y = h·x + w with h ~ CN(0, 1) keyed by (seed, offset, firstImage + sample) — coefficient stream 2, symbol j
 * (block fading: j = 0) — and w exactly the awgnChannel noise of the same seed, offset and image; returns
 * the equalised symbols, the mean |h|² per image and the effective SNR.
 */
export function rayleighChannel(z: Tensor, o: RayleighOptions): Equalised {
  const e = z.engine;
  const [N, len, firstImage] = checkChannelInputs(z, o, 'rayleighChannel');
  const y = empty(e, z.shape);
  const scale = empty(e, [N]);
  const effGain = empty(e, z.shape);
  const channelGain = empty(e, [N]);
  const effSnrDb = empty(e, [N]);
  e.launch('channel_rayleigh', {
    buffers: [z.buffer, o.snrDb.buffer, y.buffer, scale.buffer, effGain.buffer, channelGain.buffer, effSnrDb.buffer],
    overrides: { NOISE: o.noise ?? d.noise, FADING: o.fading ?? d.fading, FAST: o.fast ?? d.fast, MMSE: (o.equaliser ?? d.equaliser) === 'mmse' },
    uniforms: { samples: N, len, seedLo: o.seed % 2 ** 32, seedHi: Math.floor(o.seed / 2 ** 32), offset: o.offset ?? 0, firstImage },
    workgroups: [Math.ceil(N / 64)],
    label: shapeStr(z.shape),
  });
  return { y: recordEqualisedGrad(y, z, scale, effGain, 'rayleigh_channel'), channelGain, effSnrDb };
}
