// The DDPM U-Net of the DDIM/DDRM reference implementation (ermongroup/ddim models/diffusion.py), config
// driven: the CelebA-HQ 256 paper config and small configs for this machine are the same code. Parameter
// names are the reference state dict's, so converted checkpoints load by name; linear weights keep torch's
// [out, in] layout.
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { attention } from '../kernels/attention.js';
import { concat } from '../kernels/copy.js';
import { tensor } from '../kernels/create.js';
import { add, silu } from '../kernels/elementwise.js';
import { conv2d } from '../kernels/conv2d/index.js';
import { groupNorm } from '../kernels/group_norm.js';
import { linear, matmul } from '../kernels/matmul.js';
import { upsampleNearest } from '../kernels/resample.js';
import { Params } from './params.js';

export interface UNetConfig {
  resolution: number;
  inChannels: number;
  outChannels: number;
  ch: number;
  chMult: number[];
  numResBlocks: number;
  attnResolutions: number[];
  /** Only 0 is supported (the reference configs sample with 0). */
  dropout: number;
  groups: number;
  eps: number;
}

/** CelebA-HQ 256 (ddim / ddrm configs/celeba_hq.yml). */
export const PAPER_UNET: UNetConfig = {
  resolution: 256, inChannels: 3, outChannels: 3, ch: 128, chMult: [1, 1, 2, 2, 4, 4], numResBlocks: 2,
  attnResolutions: [16], dropout: 0, groups: 32, eps: 1e-6,
};

/** The small prior trained on this machine: 64×64 faces. */
export const SMALL_UNET: UNetConfig = {
  resolution: 64, inChannels: 3, outChannels: 3, ch: 32, chMult: [1, 2, 2, 2], numResBlocks: 1,
  attnResolutions: [16], dropout: 0, groups: 32, eps: 1e-6,
};

/** Sinusoidal timestep embedding as the reference computes it: [sin | cos] of t·exp(−ln(10⁴)·i/(h−1)). */
export function timestepEmbedding(t: number[], dim: number): Float32Array {
  const half = dim / 2;
  const out = new Float32Array(t.length * dim);
  const scale = Math.log(10000) / (half - 1);
  t.forEach((tt, n) => {
    for (let i = 0; i < half; i++) {
      const a = tt * Math.exp(-scale * i);
      out[n * dim + i] = Math.sin(a);
      out[n * dim + half + i] = Math.cos(a);
    }
  });
  return out;
}

/** Throws when the config cannot make a working U-Net (trainers call it before loading data). */
export function checkUNetConfig(cfg: UNetConfig): void {
  if (cfg.dropout !== 0) throw new Error('U-Net: only dropout 0 is supported');
  if (cfg.ch % 2 !== 0) throw new Error('U-Net: ch must be even (sinusoidal embedding)');
  const f = 2 ** (cfg.chMult.length - 1);
  if (!Number.isInteger(cfg.resolution) || cfg.resolution % f !== 0) throw new Error(`U-Net: image size ${cfg.resolution} is not a multiple of ${f} (${cfg.chMult.length} levels halve it ${cfg.chMult.length - 1} times)`);
  for (const c of [cfg.ch, ...cfg.chMult.map((m) => m * cfg.ch)]) {
    if (c % cfg.groups !== 0) throw new Error(`U-Net: ${c} channels are not divisible into ${cfg.groups} groups`);
  }
}

/**
 * Residuals a control branch (src/networks/control.ts) adds to the decoder's inputs: one per skip connection,
 * in the encoder's order (conv_in's output first), and one to the middle's output.
 */
export interface UNetControl {
  skips: Tensor[];
  middle: Tensor;
}

export interface UNetOptions {
  /** The down path and the middle alone (a control branch's trainable copy): no decoder parameters. */
  encoderOnly?: boolean;
}

export class UNet {
  readonly params: Params;

  constructor(
    readonly engine: Engine,
    readonly cfg: UNetConfig,
    seed = 0,
    readonly options: UNetOptions = {},
  ) {
    checkUNetConfig(cfg);
    this.params = new Params(engine, seed);
    const p = this.params;
    const temb = cfg.ch * 4;
    const linear = (name: string, i: number, o: number) => {
      p.uniform(`${name}.weight`, [o, i], 1 / Math.sqrt(i));
      p.uniform(`${name}.bias`, [o], 1 / Math.sqrt(i));
    };
    const norm = (name: string, c: number) => {
      if (c % cfg.groups !== 0) throw new Error(`U-Net: ${c} channels are not divisible into ${cfg.groups} groups`);
      p.constant(`${name}.weight`, [c], 1);
      p.constant(`${name}.bias`, [c], 0);
    };
    const conv = (name: string, i: number, o: number, k: number) => p.conv(name, [o, i, k, k]);
    const resblock = (name: string, i: number, o: number) => {
      norm(`${name}.norm1`, i);
      conv(`${name}.conv1`, i, o, 3);
      linear(`${name}.temb_proj`, temb, o);
      norm(`${name}.norm2`, o);
      conv(`${name}.conv2`, o, o, 3);
      if (i !== o) conv(`${name}.nin_shortcut`, i, o, 1);
    };
    const attn = (name: string, c: number) => {
      norm(`${name}.norm`, c);
      for (const q of ['q', 'k', 'v', 'proj_out']) conv(`${name}.${q}`, c, c, 1);
    };
    linear('temb.dense.0', cfg.ch, temb);
    linear('temb.dense.1', temb, temb);
    conv('conv_in', cfg.inChannels, cfg.ch, 3);
    const mult = [1, ...cfg.chMult];
    let res = cfg.resolution;
    let blockIn = cfg.ch;
    const skips: number[] = [cfg.ch];
    cfg.chMult.forEach((m, i) => {
      const blockOut = cfg.ch * m;
      blockIn = cfg.ch * mult[i];
      for (let j = 0; j < cfg.numResBlocks; j++) {
        resblock(`down.${i}.block.${j}`, blockIn, blockOut);
        blockIn = blockOut;
        if (cfg.attnResolutions.includes(res)) attn(`down.${i}.attn.${j}`, blockIn);
        skips.push(blockIn);
      }
      if (i !== cfg.chMult.length - 1) {
        conv(`down.${i}.downsample.conv`, blockIn, blockIn, 3);
        res /= 2;
        skips.push(blockIn);
      }
    });
    resblock('mid.block_1', blockIn, blockIn);
    attn('mid.attn_1', blockIn);
    resblock('mid.block_2', blockIn, blockIn);
    if (options.encoderOnly) return;
    for (let i = cfg.chMult.length - 1; i >= 0; i--) {
      const blockOut = cfg.ch * cfg.chMult[i];
      for (let j = 0; j <= cfg.numResBlocks; j++) {
        const skip = skips.pop()!;
        resblock(`up.${i}.block.${j}`, blockIn + skip, blockOut);
        blockIn = blockOut;
        if (cfg.attnResolutions.includes(res)) attn(`up.${i}.attn.${j}`, blockIn);
      }
      if (i !== 0) {
        conv(`up.${i}.upsample.conv`, blockIn, blockIn, 3);
        res *= 2;
      }
    }
    norm('norm_out', blockIn);
    conv('conv_out', blockIn, cfg.outChannels, 3);
  }

  private w(name: string): Tensor {
    const t = this.params.tensors.get(name);
    if (!t) throw new Error(`U-Net: no parameter '${name}'`);
    return t;
  }
  private has(name: string): boolean {
    return this.params.tensors.has(name);
  }

  private linear(x: Tensor, name: string): Tensor {
    return linear(x, this.w(`${name}.weight`), this.w(`${name}.bias`));
  }
  private conv(x: Tensor, name: string, o: { stride?: number; padding?: number | [number, number, number, number] } = {}): Tensor {
    return conv2d(x, this.w(`${name}.weight`), this.w(`${name}.bias`), o);
  }
  private norm(x: Tensor, name: string, swish: boolean): Tensor {
    return groupNorm(x, this.cfg.groups, this.w(`${name}.weight`), this.w(`${name}.bias`), { eps: this.cfg.eps, silu: swish });
  }

  /** tembAct: silu(time embedding), computed once per pass for all blocks. */
  private resblock(x: Tensor, tembAct: Tensor, name: string): Tensor {
    const [N] = x.shape;
    let h = this.conv(this.norm(x, `${name}.norm1`, true), `${name}.conv1`, { padding: 1 });
    const t = this.linear(tembAct, `${name}.temb_proj`);
    h = add(h, t.reshape([N, t.shape[1], 1, 1]));
    h = this.norm(h, `${name}.norm2`, true);
    const skip = this.has(`${name}.nin_shortcut.weight`) ? this.conv(x, `${name}.nin_shortcut`) : x;
    // conv2 with the residual connection fused
    return conv2d(h, this.w(`${name}.conv2.weight`), this.w(`${name}.conv2.bias`), { padding: 1, residual: skip });
  }

  private attnblock(x: Tensor, name: string): Tensor {
    const [N, C, H, W] = x.shape;
    const h = this.norm(x, `${name}.norm`, false).reshape([N, C, H * W]);
    const weight = (conv: string) => this.w(`${name}.${conv}.weight`).reshape([C, C]);
    const bias = (conv: string) => this.w(`${name}.${conv}.bias`);
    // single-head attention with scale C^−½ over the tokens [N, HW, C]: the 1×1 q, k, v convs read h
    // transposed, and proj_out reads the attention's output transposed, so no token layout is copied
    const [q, k, v] = ['q', 'k', 'v'].map((conv) => add(matmul(h, weight(conv), { transposeA: true, transposeB: true }), bias(conv)).reshape([N, 1, H * W, C]));
    const o = attention(q, k, v, 1 / Math.sqrt(C)).reshape([N, H * W, C]);
    const out = add(matmul(weight('proj_out'), o, { transposeB: true }), bias('proj_out').reshape([C, 1]));
    return add(x, out.reshape([N, C, H, W]));
  }

  /** ε-prediction for x [N, C, R, R] at integer timesteps t (one per sample), plus a control branch's residuals. */
  forward(x: Tensor, t: number[], o: { control?: UNetControl } = {}): Tensor {
    const temb = this.timeEmbedding(x, t);
    const { skips, middle } = this.encode(x, temb);
    return this.decode(middle, skips, temb, o.control);
  }

  /** The time embedding [N, 4·ch] of integer timesteps t, one per sample of x (whose shape is checked). */
  timeEmbedding(x: Tensor, t: number[]): Tensor {
    const cfg = this.cfg;
    const [N] = x.shape;
    if (t.length !== N) throw new Error(`U-Net: ${t.length} timesteps for a batch of ${N}`);
    if (x.rank !== 4 || x.shape[1] !== cfg.inChannels || x.shape[2] % 2 ** (cfg.chMult.length - 1) !== 0) {
      throw new Error(`U-Net: input [${x.shape.join(', ')}] does not fit the config (${cfg.inChannels} channels, side divisible by ${2 ** (cfg.chMult.length - 1)})`);
    }
    const temb = tensor(this.engine, timestepEmbedding(t, cfg.ch), [N, cfg.ch]);
    return this.linear(silu(this.linear(temb, 'temb.dense.0')), 'temb.dense.1');
  }

  /**
   * The encoder half: the skip features (conv_in's output first; `inputAdd` is added to it, a control
   * branch's conditioning) and the middle's output.
   */
  encode(x: Tensor, temb: Tensor, inputAdd?: Tensor): { skips: Tensor[]; middle: Tensor } {
    const cfg = this.cfg;
    const first = this.conv(x, 'conv_in', { padding: 1 });
    const hs: Tensor[] = [inputAdd ? add(first, inputAdd) : first];
    const tembAct = silu(temb);
    cfg.chMult.forEach((_, i) => {
      for (let j = 0; j < cfg.numResBlocks; j++) {
        let h = this.resblock(hs[hs.length - 1], tembAct, `down.${i}.block.${j}`);
        if (this.has(`down.${i}.attn.${j}.q.weight`)) h = this.attnblock(h, `down.${i}.attn.${j}`);
        hs.push(h);
      }
      if (i !== cfg.chMult.length - 1) hs.push(this.conv(hs[hs.length - 1], `down.${i}.downsample.conv`, { stride: 2, padding: [0, 1, 0, 1] }));
    });
    let h = hs[hs.length - 1];
    h = this.resblock(h, tembAct, 'mid.block_1');
    h = this.attnblock(h, 'mid.attn_1');
    h = this.resblock(h, tembAct, 'mid.block_2');
    return { skips: hs, middle: h };
  }

  /** The decoder half from the middle's output and the skips, each plus its control residual where given. */
  decode(middle: Tensor, skips: Tensor[], temb: Tensor, control?: UNetControl): Tensor {
    const cfg = this.cfg;
    if (this.options.encoderOnly) throw new Error('U-Net: an encoder-only copy has no decoder');
    if (control && control.skips.length !== skips.length) throw new Error(`U-Net: ${control.skips.length} control residuals for ${skips.length} skip connections`);
    const hs = control ? skips.map((s, k) => add(s, control.skips[k])) : [...skips];
    let h = control ? add(middle, control.middle) : middle;
    const tembAct = silu(temb);
    for (let i = cfg.chMult.length - 1; i >= 0; i--) {
      for (let j = 0; j <= cfg.numResBlocks; j++) {
        h = this.resblock(concat([h, hs.pop()!], 1), tembAct, `up.${i}.block.${j}`);
        if (this.has(`up.${i}.attn.${j}.q.weight`)) h = this.attnblock(h, `up.${i}.attn.${j}`);
      }
      if (i !== 0) h = this.conv(upsampleNearest(h, 2), `up.${i}.upsample.conv`, { padding: 1 });
    }
    return this.conv(this.norm(h, 'norm_out', true), 'conv_out', { padding: 1 });
  }

  dispose(): void {
    this.params.dispose();
  }
}
