// DeepJSCC (Bourtsoulatze et al. 2019): a convolutional encoder maps an image to k complex symbols, the
// channel normalises their power and adds complex Gaussian noise, a transposed-convolution decoder maps the
// received symbols back to an image. Optionally SNR-adaptive (ADJSCC): after every layer an attention
// module scales the channels from (spatial mean, SNR). The channel is AWGN unless a ChannelSpec names
// Rayleigh fading or OFDM; then the decoder's attention gets each image's effective SNR after equalisation
// (the receiver knows its channel estimate), the encoder's the nominal SNR (the transmitter does not).
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import type { Equalised } from '../kernels/channel_equalised.js';
import { AWGN, sendSpec, type ChannelSpec } from './channel_spec.js';
import { concat } from '../kernels/copy.js';
import { add, mul, prelu, sigmoid } from '../kernels/elementwise.js';
import { fill } from '../kernels/create.js';
import { matmul } from '../kernels/matmul.js';
import { mean } from '../kernels/reduce.js';
import { conv2d, convTranspose2d } from '../kernels/conv2d/index.js';
import { Params } from './params.js';
import { keep } from '../engine/scope.js';

export interface DeepJsccConfig {
  /** Image side (square images), divisible by 4. */
  size: number;
  /** Bandwidth compression ratio k/n as [numerator, denominator], e.g. [1, 48]. */
  bcr: [number, number];
  /** Hidden channels of the two stages (paper: 16, 32). */
  channels: [number, number];
  /** ADJSCC-style SNR attention modules. */
  snrAdaptive: boolean;
}

export const DEFAULT_JSCC: DeepJsccConfig = { size: 64, bcr: [1, 48], channels: [16, 32], snrAdaptive: true };

/** Channels c of the latent [c, size/4, size/4] carrying 2k reals for the BCR. */
export function latentChannels(cfg: Pick<DeepJsccConfig, 'size' | 'bcr'>): number {
  const n = cfg.size * cfg.size * 3;
  const k = (n * cfg.bcr[0]) / cfg.bcr[1];
  const c = (2 * k) / ((cfg.size / 4) * (cfg.size / 4));
  if (!Number.isInteger(cfg.size) || cfg.size % 4 !== 0) throw new Error(`DeepJSCC: image size ${cfg.size} is not a multiple of 4 (two stride-2 stages)`);
  if (!Number.isInteger(k) || !Number.isInteger(c) || c < 1) {
    throw new Error(`DeepJSCC: BCR ${cfg.bcr[0]}/${cfg.bcr[1]} at ${cfg.size}×${cfg.size} does not give a whole number of latent channels`);
  }
  return c;
}

interface Layer {
  w: Tensor;
  b: Tensor | null;
  slope?: Tensor;
  af?: { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor };
}

export class DeepJSCC {
  readonly params: Params;
  readonly latent: number;
  private enc: Layer[] = [];
  private dec: Layer[] = [];
  private leak: Tensor;

  constructor(
    readonly engine: Engine,
    readonly cfg: DeepJsccConfig,
    seed = 0,
  ) {
    this.latent = latentChannels(cfg);
    this.params = new Params(engine, seed);
    const [c1, c2] = cfg.channels;
    const c = this.latent;
    const encShapes: [number, number][] = [[3, c1], [c1, c2], [c2, c2], [c2, c2], [c2, c]];
    const decShapes: [number, number][] = [[c, c2], [c2, c2], [c2, c2], [c2, c1], [c1, 3]];
    encShapes.forEach(([i, o], l) => this.enc.push(this.layer(`encoder.${l}`, i, o, false)));
    decShapes.forEach(([i, o], l) => this.dec.push(this.layer(`decoder.${l}`, i, o, true, l === decShapes.length - 1)));
    this.leak = keep(fill(engine, [1], 0.01));
  }

  private layer(name: string, cin: number, cout: number, transposed: boolean, last = false): Layer {
    const p = this.params;
    const { w, b } = p.conv(`${name}.conv`, transposed ? [cin, cout, 5, 5] : [cout, cin, 5, 5], { transposed });
    const layer: Layer = { w, b };
    if (!last) {
      layer.slope = p.constant(`${name}.prelu`, [cout], 0.25);
      if (this.cfg.snrAdaptive) {
        const f1 = p.linear(`${name}.af.fc1`, cout + 1, cout);
        const f2 = p.linear(`${name}.af.fc2`, cout, cout);
        layer.af = { w1: f1.w, b1: f1.b!, w2: f2.w, b2: f2.b! };
      }
    }
    return layer;
  }

  /** Channel-wise attention from (spatial mean, SNR): h·σ(W2·lrelu(W1·[mean(h), snr])). */
  private attend(h: Tensor, l: Layer, snr: Tensor): Tensor {
    if (!l.af) return h;
    const [N, C] = h.shape;
    const ctx = concat([mean(h, [2, 3]), snr.reshape([N, 1])], 1);
    const a = prelu(add(matmul(ctx, l.af.w1), l.af.b1), this.leak);
    const s = sigmoid(add(matmul(a, l.af.w2), l.af.b2));
    return mul(h, s.reshape([N, C, 1, 1]));
  }

  /** x [N, 3, S, S] in [0, 1] → latent reals z [N, c, S/4, S/4] (before power normalisation). */
  encode(x: Tensor, snrDb: Tensor): Tensor {
    let h = x;
    this.enc.forEach((l, i) => {
      h = conv2d(h, l.w, l.b, { stride: i < 2 ? 2 : 1, padding: 2, activation: 'prelu', slope: l.slope });
      h = this.attend(h, l, snrDb);
    });
    return h;
  }

  /** Received latent y [N, c, S/4, S/4] → image in [0, 1]. */
  decode(y: Tensor, snrDb: Tensor): Tensor {
    let h = y;
    this.dec.forEach((l, i) => {
      const up = i >= 3;
      h = convTranspose2d(h, l.w, l.b, { stride: up ? 2 : 1, padding: 2, outputPadding: up ? 1 : 0 });
      if (l.slope) {
        h = prelu(h, l.slope.reshape([l.slope.size, 1, 1]));
        h = this.attend(h, l, snrDb);
      } else h = sigmoid(h);
    });
    return h;
  }

  /**
   * Power-normalised symbols over the channel (default AWGN) at per-sample SNR (dB), equalised at the
   * receiver: y (z's shape), and per image the channel gain and effective SNR. `offset` (e.g. the training
   * step) and `firstImage` (the batch's first image in the run) select the draw, as in ChannelOptions.
   */
  send(z: Tensor, snrDb: Tensor, seed: number, offset = 0, firstImage = 0, channel: ChannelSpec = AWGN): Equalised {
    return sendSpec(z, channel, { snrDb, seed, offset, firstImage });
  }

  /** send()'s received symbols alone. */
  transmit(z: Tensor, snrDb: Tensor, seed: number, offset = 0, firstImage = 0, channel: ChannelSpec = AWGN): Tensor {
    const r = this.send(z, snrDb, seed, offset, firstImage, channel);
    // neither is part of y's graph
    r.channelGain.dispose();
    r.effSnrDb.dispose();
    return r.y;
  }

  /** Encoder (nominal SNR) → channel → decoder (effective SNR; for AWGN the nominal one). */
  forward(x: Tensor, snrDb: Tensor, seed: number, offset = 0, firstImage = 0, channel: ChannelSpec = AWGN): Tensor {
    const r = this.send(this.encode(x, snrDb), snrDb, seed, offset, firstImage, channel);
    r.channelGain.dispose(); // not part of the graph; effSnrDb is (an input of the decoder's attention)
    return this.decode(r.y, r.effSnrDb);
  }

  /** Complex symbols sent per image. */
  get symbols(): number {
    return (this.latent * (this.cfg.size / 4) ** 2) / 2;
  }

  dispose(): void {
    this.params.dispose();
    this.leak.dispose();
  }
}

