// OFDM over a tapped-delay-line multipath channel (shaders/channel_ofdm_link.wgsl, channel_ofdm_equalise.wgsl).
// Differentiable in the symbols: the channel estimate depends only on the pilots and the noise, so each
// data symbol sees a fixed complex gain (equaliser × true response) after the power normalisation.
import type { Tensor } from '../engine/tensor.js';
import type { ChannelOptions } from './awgn.js';
import { checkChannelInputs, recordEqualisedGrad, type Equalised, type Equaliser } from './equalise.js';
import { empty, shapeStr } from '../kernels/util.js';
import { CHANNEL_DEFAULTS } from './defaults.js';

export interface OfdmOptions extends ChannelOptions {
  /** Subcarriers F, a power of two in [2, 1024] (defaults: defaults.ts). */
  subcarriers?: number;
  /** Channel taps L in [1, 64]. */
  taps?: number;
  /** Tap powers p_l ∝ exp(−l/decayTaps), normalised to Σp_l = 1 (Infinity: equal powers). */
  decayTaps?: number;
  /** Cyclic prefix length, ≥ L − 1. */
  cyclicPrefix?: number;
  /** Data OFDM symbols per block, each block led by one all-pilot OFDM symbol. */
  dataPerPilot?: number;
  /** 'ls': least squares from the pilots; 'perfect': the true frequency response. */
  estimation?: 'ls' | 'perfect';
  /** 'mmse' or 'zf'. */
  equaliser?: Equaliser;
  /** false: deterministic taps √p_l (with taps: 1, the ideal channel of gain 1). */
  fading?: boolean;
}

/** Frame geometry for k complex symbols per image. */
export interface OfdmFrame {
  F: number; L: number; cp: number; D: number;
  /** Data OFDM symbols ⌈k/F⌉, blocks ⌈nd/D⌉ (one pilot OFDM symbol each), OFDM symbols per image nd + blocks. */
  dataSymbols: number; blocks: number; ofdmSymbols: number;
  /** Channel uses per image, cyclic prefixes and pilots included: ofdmSymbols·(F + cp). */
  channelUses: number;
  decayRate: number;
}

/** The frame for k complex symbols per image from the options (defaults: defaults.ts); throws on invalid geometry. */
export function ofdmFrame(k: number, o: Omit<OfdmOptions, keyof ChannelOptions> = {}): OfdmFrame {
  const d = CHANNEL_DEFAULTS.ofdm;
  const F = o.subcarriers ?? d.subcarriers;
  const L = o.taps ?? d.taps;
  const cp = o.cyclicPrefix ?? d.cyclicPrefix;
  const D = o.dataPerPilot ?? d.dataPerPilot;
  const decay = o.decayTaps ?? d.decayTaps;
  if (!Number.isInteger(F) || F < 2 || F > 1024 || (F & (F - 1)) !== 0) throw new Error(`ofdm: subcarriers must be a power of two in [2, 1024], got ${F}`);
  if (!Number.isInteger(L) || L < 1 || L > 64 || L > F) throw new Error(`ofdm: taps must be an integer in [1, min(64, F)], got ${L}`);
  if (!Number.isInteger(cp) || cp < L - 1) throw new Error(`ofdm: the cyclic prefix (${cp}) must be at least taps − 1 (${L - 1})`);
  if (!Number.isInteger(D) || D < 1) throw new Error(`ofdm: dataPerPilot must be a positive integer, got ${D}`);
  if (!(decay > 0)) throw new Error(`ofdm: decayTaps must be positive, got ${decay}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`ofdm: need at least one complex symbol per image, got ${k}`);
  const dataSymbols = Math.ceil(k / F);
  const blocks = Math.ceil(dataSymbols / D);
  const ofdmSymbols = dataSymbols + blocks;
  return { F, L, cp, D, dataSymbols, blocks, ofdmSymbols, channelUses: ofdmSymbols * (F + cp), decayRate: 1 / decay };
}

export interface OfdmReceived extends Equalised {
  /** Shape [N, blocks + 1, F, 2]: row 0 the true frequency response, row b + 1 the estimate block b was equalised with. */
  csi: Tensor;
}

/**
 * z [N, ...]: each sample's 2k reals are k complex symbols as consecutive (re, im) pairs, power-normalised
 * per image and sent over OFDM (see ofdmFrame); taps and noise keyed by (seed, offset, firstImage + sample).
 */
export function ofdmChannel(z: Tensor, o: OfdmOptions): OfdmReceived {
  const e = z.engine;
  const [N, len, firstImage] = checkChannelInputs(z, o, 'ofdmChannel');
  const fr = ofdmFrame(len / 2, o);
  const fading = o.fading ?? CHANNEL_DEFAULTS.ofdm.fading;
  const uniforms = {
    samples: N, len, seedLo: o.seed % 2 ** 32, seedHi: Math.floor(o.seed / 2 ** 32), offset: o.offset ?? 0, firstImage,
    F: fr.F, logF: Math.log2(fr.F), L: fr.L, D: fr.D, M: fr.ofdmSymbols, blocks: fr.blocks, decayRate: fr.decayRate,
  };
  // two F-long arrays of complex values and the taps in workgroup storage (channel_ofdm_link.wgsl)
  const wgBytes = (2 * fr.F + fr.L) * 8;
  const maxWg = e.limits.maxComputeWorkgroupStorageSize;
  if (wgBytes > maxWg) throw new Error(`ofdm: ${fr.F} subcarriers and ${fr.L} taps need ${wgBytes} bytes of workgroup storage; this device allows ${maxWg} (maxComputeWorkgroupStorageSize): use fewer subcarriers`);
  const Yf = empty(e, [N, fr.ofdmSymbols, fr.F, 2]);
  const scale = empty(e, [N]);
  e.launch('channel_power_scale', { buffers: [z.buffer, scale.buffer], uniforms: { samples: N, len }, workgroups: [N], label: shapeStr(z.shape) });
  e.launch('channel_ofdm_link', {
    buffers: [z.buffer, o.snrDb.buffer, Yf.buffer, scale.buffer],
    overrides: { NOISE: o.noise ?? CHANNEL_DEFAULTS.ofdm.noise, FADING: fading, MAX_F: fr.F, MAX_TAPS: fr.L },
    uniforms,
    workgroups: [fr.ofdmSymbols, N],
    label: shapeStr(z.shape),
  });
  const y = empty(e, z.shape);
  const effGain = empty(e, z.shape);
  const csi = empty(e, [N, fr.blocks + 1, fr.F, 2]);
  const channelGain = empty(e, [N]);
  const effSnrDb = empty(e, [N]);
  e.launch('channel_ofdm_equalise', {
    buffers: [Yf.buffer, o.snrDb.buffer, y.buffer, effGain.buffer, csi.buffer, channelGain.buffer, effSnrDb.buffer],
    overrides: { FADING: fading, PERFECT: (o.estimation ?? CHANNEL_DEFAULTS.ofdm.estimation) === 'perfect', MMSE: (o.equaliser ?? CHANNEL_DEFAULTS.ofdm.equaliser) === 'mmse', MAX_F: fr.F, MAX_TAPS: fr.L },
    uniforms,
    workgroups: [N],
    label: shapeStr(z.shape),
  });
  Yf.dispose();
  return { y: recordEqualisedGrad(y, z, scale, effGain, 'ofdm_channel'), channelGain, effSnrDb, csi };
}
