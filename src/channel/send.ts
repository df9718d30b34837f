// One entry for every channel: AWGN, Rayleigh fading or OFDM over multipath, each returning the
// (equalised) symbols and the per-image effective SNR a receiver can hand to SNR-adaptive layers.
import type { Tensor } from '../engine/tensor.js';
import { awgnChannel, type ChannelOptions } from './awgn.js';
import { ones } from '../kernels/create.js';
import type { Equalised } from './equalise.js';
import { ofdmChannel, type OfdmOptions } from './ofdm.js';
import { rayleighChannel, type RayleighOptions } from './rayleigh.js';
import { checkChannelSpec, type ChannelSpec } from './spec.js';

export type SendOptions =
  | ({ kind: 'awgn' } & ChannelOptions)
  | ({ kind: 'rayleigh' } & RayleighOptions)
  | ({ kind: 'ofdm' } & OfdmOptions);

/**
 * Sends z [N, ...] (each sample k complex symbols as consecutive (re, im) pairs) over the chosen channel.
 * y has z's shape; for AWGN channelGain is 1 and effSnrDb is snrDb itself (a view of it).
 * Seeded draws are keyed by (seed, offset, firstImage + sample) for every kind.
 */
export function sendOverChannel(z: Tensor, o: SendOptions): Equalised {
  // views are left to the caller's tidy() scope, as elsewhere: the recorded backward still reads them
  const N = z.shape[0];
  const flat = z.reshape([N, z.size / N]);
  if (o.kind === 'awgn') {
    return { y: awgnChannel(flat, o).reshape(z.shape), channelGain: ones(z.engine, [N]), effSnrDb: o.snrDb.reshape([N]) };
  }
  if (o.kind === 'rayleigh') {
    const r = rayleighChannel(flat, o);
    return { ...r, y: r.y.reshape(z.shape) };
  }
  const { csi, ...r } = ofdmChannel(flat, o);
  csi.dispose();
  return { ...r, y: r.y.reshape(z.shape) };
}

/** z [N, ...] over the spec'd channel, the draw keyed by `draw` (see sendOverChannel). */
export function sendSpec(z: Tensor, spec: ChannelSpec, draw: ChannelOptions): Equalised {
  checkChannelSpec(spec);
  return sendOverChannel(z, { ...spec.options, ...draw, kind: spec.kind } as SendOptions);
}
