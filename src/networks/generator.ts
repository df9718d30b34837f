// A DCGAN-style face generator: z [N, latent] → linear → [N, c0, 4, 4] → transposed convolutions (4×4,
// stride 2) that double the side per stage → [N, 3, S, S] in [0, 1] (sigmoid, as every image in the
// project). GroupNorm + ReLU after every hidden stage: GroupNorm works per image, so a batch of N gives the
// same images as N single ones (BatchNorm would not; the inversion relies on it).
// The net is a list of blocks; intermediate(z, k) is the activation after k blocks (k = 0: z itself) and
// forwardFrom(k, h) runs the rest, so an inversion can optimise an intermediate activation (ILO).
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { convTranspose2d } from '../kernels/conv2d/index.js';
import { groupNorm } from '../kernels/group_norm.js';
import { add, relu, sigmoid } from '../kernels/elementwise.js';
import { matmul } from '../kernels/matmul.js';
import { Params } from './params.js';

export interface GeneratorConfig {
  /** Length of z. */
  latent: number;
  /** Channels of the 4×4 map and of each hidden upsampling stage; the image side is 4·2^channels.length. */
  channels: number[];
  /** GroupNorm groups per hidden stage (fewer where a stage has fewer channels). */
  groups: number;
}

/** 64×64 faces: z of 128 → 4×4×256 → 8×8×128 → 16×16×64 → 32×32×32 → 64×64×3. */
export const DEFAULT_GENERATOR: GeneratorConfig = { latent: 128, channels: [256, 128, 64, 32], groups: 8 };

export const generatorSize = (cfg: GeneratorConfig) => 4 * 2 ** cfg.channels.length;

/** The largest divisor of c not above `groups`. */
const groupsFor = (c: number, groups: number) => {
  let g = Math.min(groups, c);
  while (c % g !== 0) g--;
  return g;
};

export function checkGeneratorConfig(cfg: GeneratorConfig): void {
  const ints = [cfg.latent, cfg.groups, ...cfg.channels];
  if (cfg.channels.length < 1 || ints.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`generator: latent, groups and at least one channel count must be positive integers, got ${JSON.stringify(cfg)}`);
  }
}

interface Norm { w: Tensor; b: Tensor; groups: number }

export class Generator {
  readonly params: Params;
  readonly size: number;
  private fc: { w: Tensor; b: Tensor };
  private norms: Norm[] = [];
  private convs: { w: Tensor; b: Tensor }[] = [];

  constructor(
    readonly engine: Engine,
    readonly cfg: GeneratorConfig = DEFAULT_GENERATOR,
    seed = 0,
  ) {
    checkGeneratorConfig(cfg);
    this.params = new Params(engine, seed);
    this.size = generatorSize(cfg);
    const ch = cfg.channels;
    const fc = this.params.linear('fc', cfg.latent, ch[0] * 16);
    this.fc = { w: fc.w, b: fc.b! };
    const outs = [...ch.slice(1), 3];
    ch.forEach((c, i) => {
      this.norms.push({ ...this.normParams(`norm${i}`, c), groups: groupsFor(c, cfg.groups) });
      const { w, b } = this.params.conv(`up${i}`, [c, outs[i], 4, 4], { transposed: true });
      this.convs.push({ w, b: b! });
    });
  }

  private normParams(name: string, c: number): { w: Tensor; b: Tensor } {
    return { w: this.params.constant(`${name}.weight`, [c], 1), b: this.params.constant(`${name}.bias`, [c], 0) };
  }

  /** Blocks: 0 the linear map (+ norm, ReLU), 1 … L the upsampling stages; the last ends in the sigmoid. */
  get blocks(): number {
    return this.cfg.channels.length + 1;
  }

  /** The shape [C, H, W] (or [latent] for k = 0) of the activation after k blocks. */
  activationShape(k: number): number[] {
    this.checkLayer(k, this.blocks);
    if (k === 0) return [this.cfg.latent];
    if (k === this.blocks) return [3, this.size, this.size];
    return [this.cfg.channels[k - 1], 4 * 2 ** (k - 1), 4 * 2 ** (k - 1)];
  }

  private checkLayer(k: number, max: number): void {
    if (!Number.isInteger(k) || k < 0 || k > max) throw new Error(`generator: layer must be an integer in [0, ${max}], got ${k}`);
  }

  private block(k: number, h: Tensor): Tensor {
    if (k === 0) {
      const N = h.shape[0];
      const c0 = this.cfg.channels[0];
      const x = add(matmul(h, this.fc.w), this.fc.b).reshape([N, c0, 4, 4]);
      return this.normRelu(x, 0);
    }
    const c = this.convs[k - 1];
    const y = convTranspose2d(h, c.w, c.b, { stride: 2, padding: 1 });
    return k === this.blocks - 1 ? sigmoid(y) : this.normRelu(y, k);
  }

  private normRelu(x: Tensor, i: number): Tensor {
    const n = this.norms[i];
    return relu(groupNorm(x, n.groups, n.w, n.b));
  }

  /** Runs blocks from..to−1 on h (the activation after `from` blocks). */
  forwardFrom(from: number, h: Tensor, to = this.blocks): Tensor {
    this.checkLayer(from, this.blocks);
    this.checkLayer(to, this.blocks);
    let x = h;
    for (let k = from; k < to; k++) x = this.block(k, x);
    return x;
  }

  /** The activation after k blocks: [N, C, H, W] (k = 0: z itself). */
  intermediate(z: Tensor, k: number): Tensor {
    return this.forwardFrom(0, z, k);
  }

  /** z [N, latent] → images [N, 3, S, S] in [0, 1]. */
  forward(z: Tensor): Tensor {
    if (z.rank !== 2 || z.shape[1] !== this.cfg.latent) throw new Error(`generator: z must be [N, ${this.cfg.latent}], got [${z.shape.join(', ')}]`);
    return this.forwardFrom(0, z);
  }

  dispose(): void {
    this.params.dispose();
  }
}
