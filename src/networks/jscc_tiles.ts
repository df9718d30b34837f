// DeepJSCC inference on large images, tile by tile: the encoder runs on overlapping input tiles and keeps each
// tile's central latent cells; the latent is whole again before the channel (the power normalisation and the
// symbol count are those of the untiled image), and the decoder runs on overlapping latent tiles and keeps
// each tile's central pixels. A halo of 96 pixels covers the convolutions' reach (the encoder's five 5×5
// layers see 92 pixels at stride 16 and 36 at stride 4; the decoder's reach is about 4 latent cells), so what
// differs from the untiled result is only the SNR attention's spatial mean, taken per tile instead of per
// image (measured in the tests).
import type { Tensor } from '../engine/tensor.js';
import { tidy, keep } from '../engine/scope.js';
import { concat, slice } from '../kernels/copy.js';

export interface Tiling {
  /** Inputs with more pixels than this run in tiles (inference only). */
  maxPixels: number;
  /** Side of a tile's kept part, in input pixels (rounded up to whole latent cells). */
  core: number;
  /** Input pixels of context on each side of a tile's kept part (rounded up to whole latent cells). */
  halo: number;
}

/** Above 1024×1024 pixels, tiles of 512 × 512 pixels with 96 pixels of context. */
export const DEFAULT_TILING: Tiling = { maxPixels: 1024 * 1024, core: 512, halo: 96 };

/** [start, size) spans of `cells` latent cells in cores of `core`. */
function spans(cells: number, core: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < cells; s += core) out.push([s, Math.min(core, cells - s)]);
  return out;
}

/** x[:, :, y0:y0+h, x0:x0+w] */
const crop2d = (x: Tensor, y0: number, h: number, x0: number, w: number) => slice(slice(x, 2, y0, h), 3, x0, w);

/**
 * Runs `f` over tiles of `x` [N, C, H, W], whose output has `scale` times x's spatial size (1/stride for the
 * encoder, stride for the decoder), and stitches the kept parts. `cell` is the size of a latent cell in x's
 * pixels (the stride for the encoder's input, 1 for the decoder's); `stride` the encoder's.
 */
export function tiled(x: Tensor, cell: number, scale: number, stride: number, t: Tiling, f: (tile: Tensor) => Tensor): Tensor {
  const [, , H, W] = x.shape;
  const coreCells = Math.ceil(t.core / stride), haloCells = Math.ceil(t.halo / stride);
  const rows: Tensor[] = [];
  for (const [cy, ch] of spans(H / cell, coreCells)) {
    const tiles: Tensor[] = [];
    for (const [cx, cw] of spans(W / cell, coreCells)) {
      tiles.push(keep(tidy(() => {
        // the tile with its context, clipped at the image's edges
        const y0 = Math.max(0, cy - haloCells), y1 = Math.min(H / cell, cy + ch + haloCells);
        const x0 = Math.max(0, cx - haloCells), x1 = Math.min(W / cell, cx + cw + haloCells);
        const out = f(crop2d(x, y0 * cell, (y1 - y0) * cell, x0 * cell, (x1 - x0) * cell));
        const k = cell * scale; // output pixels per latent cell
        return crop2d(out, (cy - y0) * k, ch * k, (cx - x0) * k, cw * k);
      })));
    }
    rows.push(keep(tidy(() => concat(tiles, 3))));
    tiles.forEach((p) => p.dispose());
  }
  const out = concat(rows, 2);
  rows.forEach((r) => r.dispose());
  return out;
}
