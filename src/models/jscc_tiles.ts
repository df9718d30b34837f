// DeepJSCC inference on large images, tile by tile: the encoder runs on overlapping input tiles and keeps each
// tile's central latent cells; the latent is whole again before the channel (the power normalisation and the
// symbol count are those of the untiled image), and the decoder runs on overlapping latent tiles and keeps
// each tile's central pixels. A halo of 6 latent cells covers the convolutions' reach (the encoder's five 5×5
// layers see 92 pixels at stride 16, the decoder's about 4 cells), so what differs from the untiled result is
// only the SNR attention's spatial mean, taken per tile instead of per image (measured in the tests).
import type { Tensor } from '../engine/tensor.js';
import { tidy, keep } from '../engine/scope.js';
import { concat, slice } from '../kernels/copy.js';

export interface Tiling {
  /** Inputs with more pixels than this run in tiles (inference only). */
  maxPixels: number;
  /** Side of a tile's kept part, in latent cells. */
  coreCells: number;
  /** Cells of context on each side of a tile's kept part. */
  haloCells: number;
}

/** Above 1024×1024 pixels, tiles of 32 × 32 latent cells (512 px at stride 16) with 6 cells of context. */
export const DEFAULT_TILING: Tiling = { maxPixels: 1024 * 1024, coreCells: 32, haloCells: 6 };

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
 * pixels (the stride for the encoder's input, 1 for the decoder's).
 */
export function tiled(x: Tensor, cell: number, scale: number, t: Tiling, f: (tile: Tensor) => Tensor): Tensor {
  const [, , H, W] = x.shape;
  const rows: Tensor[] = [];
  for (const [cy, ch] of spans(H / cell, t.coreCells)) {
    const tiles: Tensor[] = [];
    for (const [cx, cw] of spans(W / cell, t.coreCells)) {
      tiles.push(keep(tidy(() => {
        // the tile with its context, clipped at the image's edges
        const y0 = Math.max(0, cy - t.haloCells), y1 = Math.min(H / cell, cy + ch + t.haloCells);
        const x0 = Math.max(0, cx - t.haloCells), x1 = Math.min(W / cell, cx + cw + t.haloCells);
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
