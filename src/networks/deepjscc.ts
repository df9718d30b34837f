// DeepJSCC (Bourtsoulatze et al. 2019): a convolutional encoder maps an image to k complex symbols, the
// channel normalises their power and adds complex Gaussian noise, a transposed-convolution decoder maps the
// received symbols back to an image. Optionally SNR-adaptive (ADJSCC): after every layer an attention
// module scales the channels from (spatial mean, SNR). The channel is AWGN unless a ChannelSpec names
// Rayleigh fading or OFDM; then the decoder's attention gets each image's effective SNR after equalisation
// (the receiver knows its channel estimate), the encoder's the nominal SNR (the transmitter does not).
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import type { Equalised } from '../channel/index.js';
import { AWGN, sendSpec, type ChannelSpec } from '../channel/index.js';
import { concat, slice } from '../kernels/copy.js';
import { add, mul, prelu, sigmoid } from '../kernels/elementwise.js';
import { gdn, gdnInitialG } from './gdn.js';
import { fill, zeros } from '../kernels/create.js';
import { matmul } from '../kernels/matmul.js';
import { mean } from '../kernels/reduce.js';
import { conv2d, convTranspose2d } from '../kernels/conv2d/index.js';
import { Params } from './params.js';
import { keep } from '../engine/scope.js';
import { isGradEnabled } from '../engine/autograd.js';
import { DEFAULT_TILING, tiled, type Tiling } from './jscc_tiles.js';

export interface DeepJsccConfig {
  /**
   * Training image side (square). The face family sends images of this size; a natural-image model (trained
   * on random crops of this side) sends any H×W, padded to a multiple of its stride.
   */
  size: number;
  /** Bandwidth compression ratio k/n as [numerator, denominator], e.g. [1, 48]. */
  bcr: [number, number];
  /** Hidden channels of the two stages (paper: 16, 32). */
  channels: [number, number];
  /** ADJSCC-style SNR attention modules. */
  snrAdaptive: boolean;
  /** Stride-2 stages of the encoder (and upsampling stages of the decoder): 2 (stride 4, the face family) or 3, 4. */
  downsample?: number;
  /** Normalisation after each hidden conv: none (the face family) or GDN in the encoder / inverse GDN in the decoder (Ballé et al.). */
  norm?: 'none' | 'gdn';
}

/** The encoder's total stride: the latent is [c, H/stride, W/stride]. */
export const jsccStride = (cfg: Pick<DeepJsccConfig, 'downsample'>) => 2 ** (cfg.downsample ?? 2);

/** Two bandwidth ratios are the same fraction. */
export const sameBcr = (a: readonly [number, number], b: readonly [number, number]) => a[0] * b[1] === a[1] * b[0];

/** A noiseless AWGN link: the power normalisation alone (the seed draws nothing). */
const NOISELESS: ChannelSpec = { kind: 'awgn', options: { noise: false } };

export const DEFAULT_JSCC: DeepJsccConfig = { size: 64, bcr: [1, 48], channels: [16, 32], snrAdaptive: true };

/**
 * The latent [channels, S/4, S/4] and how much of it is sent: 2k reals for the BCR. When 2k is a whole
 * number of (S/4)² maps, all of it (keepEvery 1); when it is a fraction 1/r of one (e.g. BCR 1/192 at
 * 64×64: 128 reals, half of one 16×16 map), every r-th row is sent and the receiver fills the rest with zeros.
 */
export function latentLayout(cfg: Pick<DeepJsccConfig, 'size' | 'bcr' | 'downsample'>): { channels: number; keepEvery: number } {
  const st = jsccStride(cfg);
  const n = cfg.size * cfg.size * 3;
  const k = (n * cfg.bcr[0]) / cfg.bcr[1];
  const side = cfg.size / st;
  const hw = side * side;
  const bad = () => new Error(`DeepJSCC: BCR ${cfg.bcr[0]}/${cfg.bcr[1]} at ${cfg.size}×${cfg.size} does not give a whole number of latent channels, or a whole fraction 1/r of one (r dividing ${side})`);
  const d = cfg.downsample ?? 2;
  if (!Number.isInteger(d) || d < 2 || d > 4) throw new Error(`DeepJSCC: downsample ${d} is not 2, 3 or 4 stride-2 stages`);
  if (!Number.isInteger(cfg.size) || cfg.size % st !== 0) throw new Error(`DeepJSCC: image size ${cfg.size} is not a multiple of ${st} (${d} stride-2 stages)`);
  if (!Number.isInteger(k) || k < 1) throw bad();
  const c = (2 * k) / hw;
  if (Number.isInteger(c)) return { channels: c, keepEvery: 1 };
  const r = hw / (2 * k);
  if (!Number.isInteger(r) || side % r !== 0) throw bad();
  return { channels: 1, keepEvery: r };
}

/** Channels c of the latent [c, size/4, size/4] (see latentLayout). */
export function latentChannels(cfg: Pick<DeepJsccConfig, 'size' | 'bcr' | 'downsample'>): number {
  return latentLayout(cfg).channels;
}

interface Layer {
  w: Tensor;
  b: Tensor | null;
  slope?: Tensor;
  /** GDN (encoder) or inverse GDN (decoder), gdn.ts */
  gdn?: { beta: Tensor; gamma: Tensor };
  af?: { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor };
}

export class DeepJSCC {
  readonly params: Params;
  readonly latent: number;
  /** Every keepEvery-th row of the latent is sent (see latentLayout). */
  readonly keepEvery: number;
  private enc: Layer[] = [];
  private dec: Layer[] = [];
  private leak: Tensor;
  /** The encoder's total stride (4 for the face family). */
  readonly stride: number;
  /** When inference runs in tiles (large photos). */
  tiling: Tiling = DEFAULT_TILING;

  constructor(
    readonly engine: Engine,
    readonly cfg: DeepJsccConfig,
    seed = 0,
  ) {
    ({ channels: this.latent, keepEvery: this.keepEvery } = latentLayout(cfg));
    this.stride = jsccStride(cfg);
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
      if (this.cfg.norm === 'gdn') {
        // β = 1 and γ = 0.1·I at the start
        layer.gdn = { beta: p.constant(`${name}.gdn.beta`, [cout], 1), gamma: p.values(`${name}.gdn.gamma`, [cout, cout, 1, 1], gdnInitialG(cout)) };
      }
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

  private normalise(h: Tensor, l: Layer, inverse: boolean): Tensor {
    return l.gdn ? gdn(h, l.gdn.beta, l.gdn.gamma, inverse) : h;
  }

  /**
   * x [N, 3, H, W] in [0, 1], H and W multiples of the stride → latent reals z [N, c, H/stride, W/stride]
   * (before power normalisation). Inference on more than tiling.maxPixels pixels runs in tiles (jscc_tiles.ts).
   */
  encode(x: Tensor, snrDb: Tensor): Tensor {
    this.checkInput(x);
    if (this.tiles(x.shape[2] * x.shape[3])) return tiled(x, this.stride, 1 / this.stride, this.stride, this.tiling, (t) => this.encodeWhole(t, snrDb));
    return this.encodeWhole(x, snrDb);
  }

  /** Whether an input of this many pixels runs in tiles: inference only, and only past the limit. */
  private tiles(pixels: number): boolean {
    return !isGradEnabled() && pixels > this.tiling.maxPixels;
  }

  private encodeWhole(x: Tensor, snrDb: Tensor): Tensor {
    const down = this.cfg.downsample ?? 2;
    let h = x;
    this.enc.forEach((l, i) => {
      const stride = i < down ? 2 : 1;
      if (l.gdn) h = prelu(this.normalise(conv2d(h, l.w, l.b, { stride, padding: 2 }), l, false), l.slope!.reshape([l.slope!.size, 1, 1]));
      else h = conv2d(h, l.w, l.b, { stride, padding: 2, activation: 'prelu', slope: l.slope });
      h = this.attend(h, l, snrDb);
    });
    return h;
  }

  /** Throws unless x is [N, 3, H, W] with H and W multiples of the stride (of stride·r rows when 1 row in r is sent). */
  checkInput(x: Tensor): void {
    const [, c, H, W] = x.shape;
    const m = this.stride;
    if (x.rank !== 4 || c !== 3) throw new Error(`DeepJSCC: input must be [N, 3, H, W], got [${x.shape.join(', ')}]`);
    if (H % (m * this.keepEvery) !== 0 || W % m !== 0) {
      throw new Error(`DeepJSCC: input ${H}×${W} (H×W) is not a multiple of the encoder's stride ${m}${this.keepEvery > 1 ? ` (${m * this.keepEvery} rows)` : ''}: pad it first (padToStride)`);
    }
  }

  /** Received latent y [N, c, H/stride, W/stride] → image [N, 3, H, W] in [0, 1] (in tiles past tiling.maxPixels, as encode). */
  decode(y: Tensor, snrDb: Tensor): Tensor {
    if (this.tiles(y.shape[2] * y.shape[3] * this.stride ** 2)) return tiled(y, 1, this.stride, this.stride, this.tiling, (t) => this.decodeWhole(t, snrDb));
    return this.decodeWhole(y, snrDb);
  }

  private decodeWhole(y: Tensor, snrDb: Tensor): Tensor {
    let h = y;
    const firstUp = this.dec.length - (this.cfg.downsample ?? 2);
    this.dec.forEach((l, i) => {
      const up = i >= firstUp;
      h = convTranspose2d(h, l.w, l.b, { stride: up ? 2 : 1, padding: 2, outputPadding: up ? 1 : 0 });
      if (l.slope) {
        h = this.normalise(h, l, true);
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
    const r = this.keepEvery;
    if (r === 1) return sendSpec(z, channel, { snrDb, seed, offset, firstImage });
    // rows 0, r, 2r, … go out (power-normalised among themselves); the receiver puts zeros in the others
    const [N, c, h, w] = z.shape;
    const sent = slice(z.reshape([N, c, h / r, r * w]), 3, 0, w);
    const out = sendSpec(sent, channel, { snrDb, seed, offset, firstImage });
    const y = concat([out.y, zeros(this.engine, [N, c, h / r, (r - 1) * w])], 3).reshape([N, c, h, w]);
    return { ...out, y };
  }

  /** What the transmitter puts on the channel, as the receiver would see it without noise: the power-normalised symbols (rows not sent: zero). */
  noiseless(z: Tensor, snrDb: Tensor): Tensor {
    return this.transmit(z, snrDb, 0, 0, 0, NOISELESS);
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

  /** Complex symbols sent per image of the training size. */
  get symbols(): number {
    return this.symbolsFor(this.cfg.size, this.cfg.size);
  }

  /** Complex symbols sent for an H×W input (H and W multiples of the stride). */
  symbolsFor(height: number, width: number): number {
    return (this.latent * (height / this.stride) * (width / this.stride)) / this.keepEvery / 2;
  }

  dispose(): void {
    this.params.dispose();
    this.leak.dispose();
  }
}

