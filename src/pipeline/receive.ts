// Sending a batch: DeepJSCC encode → channel (AWGN by default, or a ChannelSpec's fading/OFDM) → decode,
// once per batch, so every method reconstructs the same received symbols. The channel's draw, like the
// sampler's noise, is keyed by (seed, image index in the run = firstImage + position in the batch), so a
// batch of N equals N single-image runs, and every method sees the same draw for a seed.
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { tensor } from '../kernels/create.js';
import type { DeepJSCC } from '../networks/deepjscc.js';
import { AWGN, type ChannelSpec } from '../channel/index.js';
import type { System } from './system.js';

/** What the receiver has: the equalised symbols, DeepJSCC's decoding of them, and its channel estimate. */
export interface Received {
  /** DeepJSCC's decoded output, [N, 3, S, S] in [0, 1]. */
  y: Tensor;
  /** The (equalised) channel symbols, [N, c, S/4, S/4]: the tensor the decoder takes. */
  received: Tensor;
  /** [N] effective SNR in dB per image after equalisation (the nominal SNR over AWGN). */
  effSnrDb: Tensor;
  /** [N] mean channel power gain per image (1 over AWGN). */
  channelGain: Tensor;
}

/** Frees what receive() returned. */
export function disposeReceived(rx: Received): void {
  for (const t of [rx.y, rx.received, rx.effSnrDb, rx.channelGain]) t.dispose();
}

/** The per-image SNR tensor [N] the models and the channel take. */
export const snrTensor = (engine: Engine, snr: number, n: number): Tensor => tensor(engine, new Array<number>(n).fill(snr), [n]);

/** One encode, one channel draw, one decode (the parts of DeepJSCC.forward, so y is forward's output). */
export function receive(system: System, x: Tensor, snr: number, seed: number, firstImage = 0, channel: ChannelSpec = AWGN): Received {
  const { jscc } = system;
  return noGrad(() => tidy(() => {
    const s = snrTensor(system.engine, snr, x.shape[0]);
    const r = jscc.send(jscc.encode(x, s), s, seed, 0, firstImage, channel);
    return { y: jscc.decode(r.y, r.effSnrDb), received: r.y, effSnrDb: r.effSnrDb, channelGain: r.channelGain };
  }));
}

/**
 * x through another DeepJSCC on the same channel keys (seed, offset 0, image index) and channel as
 * receive(): its decoded output in [0, 1]. With the system's own DeepJSCC it reproduces y exactly.
 */
export function sendThrough(jscc: DeepJSCC, x: Tensor, snr: number, seed: number, firstImage = 0, channel: ChannelSpec = AWGN): Tensor {
  jscc.checkInput(x);
  return noGrad(() => tidy(() => jscc.forward(x, snrTensor(jscc.engine, snr, x.shape[0]), seed, 0, firstImage, channel)));
}
