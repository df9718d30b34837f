// A control branch on the diffusion prior at this project's scale (the pixel-space analogue of a ControlNet
// on a latent prior): a trainable copy of the frozen prior's encoder half (down path + middle) that sees x_t, DeepJSCC's
// output y (a small conv stem whose last conv starts at zero, added to the copy's conv_in features) and the
// SNR (sinusoidal embedding, then an MLP, added to the copy's time embedding). Its features enter the
// frozen decoder through 1×1 convs that start at zero, so an untrained branch leaves the prior as it was.
// Trained by tools/torch_ref/train_control.py (control.py is the reference); names match its state dict.
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { parseSafetensors, serializeSafetensors } from '../engine/safetensors.js';
import { noGrad } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import { tensor } from '../kernels/create.js';
import { add, affine, clamp, silu, sqrt, square, sub } from '../kernels/elementwise.js';
import { sum } from '../kernels/reduce.js';
import { conv2d } from '../kernels/conv2d/index.js';
import { linear } from '../kernels/matmul.js';
import { Params } from './params.js';
import { timestepEmbedding, UNet, type UNetConfig, type UNetControl } from './unet.js';

export interface ControlConfig {
  /** The prior's U-Net config (the copy is its encoder half). */
  unet: UNetConfig;
  /** Width of the conditioning stem. */
  stemChannels: number;
  /** SNR (dB) × snrScale is what the sinusoidal embedding sees (spreads 0…20 dB over the timesteps' range). */
  snrScale: number;
}

export const CONTROL_DEFAULTS = { stemChannels: 32, snrScale: 50 };

/** Channels of each skip feature in the encoder's order (conv_in's output first), as the U-Net builds them. */
export function skipChannels(cfg: UNetConfig): number[] {
  const out = [cfg.ch];
  cfg.chMult.forEach((m, i) => {
    for (let j = 0; j < cfg.numResBlocks; j++) out.push(cfg.ch * m);
    if (i !== cfg.chMult.length - 1) out.push(cfg.ch * m);
  });
  return out;
}

export class ControlNet {
  /** The copy of the prior's encoder half (names `copy.…` in files). */
  readonly copy: UNet;
  /** The stem, the SNR embedding and the zero convs. */
  readonly own: Params;

  constructor(
    readonly engine: Engine,
    readonly cfg: ControlConfig,
    seed = 0,
  ) {
    this.copy = new UNet(engine, cfg.unet, seed, { encoderOnly: true });
    const p = (this.own = new Params(engine, seed + 1));
    const ch = cfg.unet.ch;
    const linear = (name: string, i: number, o: number) => {
      p.uniform(`${name}.weight`, [o, i], 1 / Math.sqrt(i));
      p.uniform(`${name}.bias`, [o], 1 / Math.sqrt(i));
    };
    const zeroConv = (name: string, i: number, o: number, k: number) => {
      p.constant(`${name}.weight`, [o, i, k, k], 0);
      p.constant(`${name}.bias`, [o], 0);
    };
    linear('snr_temb.dense.0', ch, 4 * ch);
    linear('snr_temb.dense.1', 4 * ch, 4 * ch);
    const s = cfg.stemChannels;
    p.conv('cond_stem.0', [s, cfg.unet.inChannels, 3, 3]);
    p.conv('cond_stem.1', [s, s, 3, 3]);
    zeroConv('cond_stem.2', s, ch, 3);
    const chans = skipChannels(cfg.unet);
    chans.forEach((c, k) => zeroConv(`zero_convs.${k}`, c, c, 1));
    zeroConv('mid_zero_conv', chans[chans.length - 1], chans[chans.length - 1], 1);
  }

  /** Every parameter (the copy's first). */
  list(): Tensor[] {
    return [...this.copy.params.list(), ...this.own.list()];
  }

  /** Loads a file written by tools/convert_control.ts (`copy.…` and the branch's own names). */
  loadHost(src: Parameters<Params['loadHost']>[0], what: string, prefix = ''): void {
    this.copy.params.loadHost(src, what, `${prefix}copy.`);
    this.own.loadHost(src, what, prefix);
  }

  /** The file loadControl reads (what tools/convert_control.ts writes). */
  async save(metadata: Record<string, string> = {}): Promise<Uint8Array> {
    const host = new Map([...(await this.copy.params.toHost('copy.')), ...(await this.own.toHost())]);
    return serializeSafetensors(host, { ...metadata, config: JSON.stringify(this.cfg), kind: 'control' });
  }

  private w(name: string): Tensor {
    const t = this.own.tensors.get(name);
    if (!t) throw new Error(`control branch: no parameter '${name}'`);
    return t;
  }
  private linear(x: Tensor, name: string): Tensor {
    return linear(x, this.w(`${name}.weight`), this.w(`${name}.bias`));
  }
  private conv(x: Tensor, name: string, padding: number): Tensor {
    return conv2d(x, this.w(`${name}.weight`), this.w(`${name}.bias`), { padding });
  }

  /**
   * The residuals for the prior's decoder, from x_t [N, C, R, R], timesteps t, y [N, C, R, R] (DeepJSCC's
   * output in [−1, 1]) and the SNR in dB per image.
   */
  residuals(x: Tensor, t: number[], y: Tensor, snrDb: number[]): UNetControl {
    const ch = this.cfg.unet.ch;
    const [N] = x.shape;
    if (snrDb.length !== N || y.shape.join() !== x.shape.join()) {
      throw new Error(`control branch: y [${y.shape.join(', ')}] and ${snrDb.length} SNRs for x [${x.shape.join(', ')}]`);
    }
    const e = tensor(this.engine, timestepEmbedding(snrDb.map((s) => s * this.cfg.snrScale), ch), [N, ch]);
    const temb = add(this.copy.timeEmbedding(x, t), this.linear(silu(this.linear(e, 'snr_temb.dense.0')), 'snr_temb.dense.1'));
    const c = this.conv(silu(this.conv(silu(this.conv(y, 'cond_stem.0', 1)), 'cond_stem.1', 1)), 'cond_stem.2', 1);
    const { skips, middle } = this.copy.encode(x, temb, c);
    return { skips: skips.map((h, k) => this.conv(h, `zero_convs.${k}`, 0)), middle: this.conv(middle, 'mid_zero_conv', 0) };
  }

  dispose(): void {
    this.copy.dispose();
    this.own.dispose();
  }
}

/** Loads a control branch written by tools/convert_control.ts (its config is in the metadata). */
export function loadControl(engine: Engine, bytes: Uint8Array, what: string): { model: ControlNet; meta: Record<string, string> } {
  const f = parseSafetensors(bytes, what);
  let cfg: ControlConfig;
  try {
    cfg = JSON.parse(f.metadata.config ?? '');
  } catch {
    throw new Error(`${what}: not a control branch (no config in its metadata)`);
  }
  if (f.metadata.kind !== 'control' || !cfg?.unet || !Array.isArray(cfg.unet.chMult)) throw new Error(`${what}: not a control branch (kind ${f.metadata.kind ?? 'none'})`);
  const model = new ControlNet(engine, cfg);
  model.loadHost(f.tensors, what);
  return { model, meta: f.metadata };
}
