// The lifting-scheme invertible network of CommIN (RWNN / INDIGO+ design): split an image into a coarse
// part and details, then alternate lifting steps d ← d + P(c), c ← c + U(d) with small residual conv nets
// P and U; the inverse runs the steps backwards with subtraction, so it is exact whatever P and U are.
// Repeated over J levels with the same weights at every level. Two splits:
//   decimated   — the polyphase split (coarse H/2 × W/2, three detail bands), coarse is H/2^J after J levels;
//   undecimated — both parts start as the image itself (coarse stays full size, details 3 channels).
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { conv2d } from '../kernels/conv2d/index.js';
import { affine } from '../kernels/elementwise.js';
import { polyphaseMerge, polyphaseSplit } from '../kernels/lifting.js';
import { Params } from './params.js';

export interface InnConfig {
  mode: 'decimated' | 'undecimated';
  levels: number;
  /** (P, U) pairs per level: 2 pairs = the 4 lifting steps of the reference design. */
  pairs: number;
  width: number;
  resBlocks: number;
}

// Narrow P and U (16 channels, one residual block): at 64×64 this trains at ~13 img/s on one lavapipe core,
// where 32 channels with two blocks manage ~3.
export const DEFAULT_INN: InnConfig = { mode: 'decimated', levels: 2, pairs: 2, width: 16, resBlocks: 1 };

export interface InnCode {
  coarse: Tensor;
  /** Details of each level, finest first (needed by the inverse). */
  details: Tensor[];
}

export class Inn {
  readonly params: Params;
  private readonly dc: number; // detail channels

  constructor(
    readonly engine: Engine,
    readonly cfg: InnConfig,
    seed = 0,
  ) {
    if (!Number.isInteger(cfg.levels) || cfg.levels < 1) throw new Error(`INN: levels must be a positive integer, got ${cfg.levels}`);
    this.params = new Params(engine, seed);
    this.dc = cfg.mode === 'decimated' ? 9 : 3;
    for (let k = 0; k < cfg.pairs; k++) {
      this.net(`P.${k}`, 3, this.dc);
      this.net(`U.${k}`, this.dc, 3);
    }
  }

  /** conv3×3(in→w) → resBlocks × [conv → ReLU → conv, residual] → conv3×3(w→out); the last conv starts at 0 so the INN starts as the plain split. */
  private net(name: string, cin: number, cout: number): void {
    const p = this.params;
    const w = this.cfg.width;
    p.conv(`${name}.in`, [w, cin, 3, 3], { bias: false });
    for (let b = 0; b < this.cfg.resBlocks; b++) {
      p.conv(`${name}.res.${b}.conv1`, [w, w, 3, 3]);
      p.conv(`${name}.res.${b}.conv2`, [w, w, 3, 3]);
    }
    p.constant(`${name}.out.weight`, [cout, w, 3, 3], 0);
  }

  /** base ± net(x), the final conv fused with the lifting update. */
  private apply(name: string, x: Tensor, base: Tensor, sign: 1 | -1): Tensor {
    const p = this.params.tensors;
    const w = (n: string) => p.get(`${name}.${n}`)!;
    let h = conv2d(x, w('in.weight'), null, { padding: 1 });
    for (let b = 0; b < this.cfg.resBlocks; b++) {
      const r = conv2d(h, w(`res.${b}.conv1.weight`), w(`res.${b}.conv1.bias`), { padding: 1, activation: 'relu' });
      h = conv2d(r, w(`res.${b}.conv2.weight`), w(`res.${b}.conv2.bias`), { padding: 1, residual: h });
    }
    return conv2d(h, w('out.weight'), null, { padding: 1, residual: base, residualSign: sign });
  }

  private liftForward(c: Tensor, d: Tensor): [Tensor, Tensor] {
    for (let k = 0; k < this.cfg.pairs; k++) {
      d = this.apply(`P.${k}`, c, d, 1);
      c = this.apply(`U.${k}`, d, c, 1);
    }
    return [c, d];
  }

  private liftInverse(c: Tensor, d: Tensor): [Tensor, Tensor] {
    for (let k = this.cfg.pairs - 1; k >= 0; k--) {
      c = this.apply(`U.${k}`, d, c, -1);
      d = this.apply(`P.${k}`, c, d, -1);
    }
    return [c, d];
  }

  /** x [N, 3, H, W] in [0, 1] → coarse part (in [0, 1] terms) and the details of every level. */
  forward(x: Tensor): InnCode {
    const [, C, H, W] = x.shape;
    const f = 2 ** this.cfg.levels;
    if (x.rank !== 4 || C !== 3) throw new Error(`INN: input must be [N, 3, H, W], got [${x.shape.join(', ')}]`);
    if (this.cfg.mode === 'decimated' && (H % f !== 0 || W % f !== 0)) throw new Error(`INN: ${H}×${W} is not divisible by 2^${this.cfg.levels}`);
    let c = affine(x, 1, -0.5); // centred, as the reference design
    const details: Tensor[] = [];
    for (let l = 0; l < this.cfg.levels; l++) {
      let d: Tensor;
      if (this.cfg.mode === 'decimated') ({ coarse: c, detail: d } = polyphaseSplit(c));
      else d = c;
      [c, d] = this.liftForward(c, d);
      details.push(d);
    }
    return { coarse: affine(c, 1, 0.5), details };
  }

  /** The exact inverse of forward: coarse (in [0, 1] terms) and details → image. */
  inverse(code: InnCode): Tensor {
    let c = affine(code.coarse, 1, -0.5);
    for (let l = this.cfg.levels - 1; l >= 0; l--) {
      const [c0, d0] = this.liftInverse(c, code.details[l]);
      c = this.cfg.mode === 'decimated' ? polyphaseMerge(c0, d0) : c0;
    }
    return affine(c, 1, 0.5);
  }

  dispose(): void {
    this.params.dispose();
  }
}
