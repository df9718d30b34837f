// One entry for every channel: AWGN, Rayleigh fading or OFDM over multipath, each returning the
// (equalised) symbols and the per-image effective SNR a receiver can hand to SNR-adaptive layers.
import type { Tensor } from '../engine/tensor.js';
import { awgnChannel, type ChannelOptions } from './channel.js';
import { ones } from './create.js';
import type { Equalised } from './channel_equalised.js';
import { ofdmChannel, type OfdmOptions } from './channel_ofdm.js';
import { rayleighChannel, type RayleighOptions } from './channel_rayleigh.js';

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
