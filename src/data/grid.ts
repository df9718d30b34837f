// Image grids: tiles of equal-size images in rows, with a small gap, as one RGB image.
import type { RgbImage } from './image.js';

export function imageGrid(rows: RgbImage[][], gap = 2, background = 255): RgbImage {
  const h = rows[0][0].height;
  const w = rows[0][0].width;
  const cols = Math.max(...rows.map((r) => r.length));
  const W = cols * w + (cols + 1) * gap;
  const H = rows.length * h + (rows.length + 1) * gap;
  const data = new Uint8Array(W * H * 3).fill(background);
  rows.forEach((row, r) =>
    row.forEach((img, c) => {
      if (img.width !== w || img.height !== h) throw new Error(`grid: tile ${img.width}×${img.height} differs from ${w}×${h}`);
      const x0 = gap + c * (w + gap);
      const y0 = gap + r * (h + gap);
      for (let y = 0; y < h; y++) data.set(img.data.subarray(y * w * 3, (y + 1) * w * 3), ((y0 + y) * W + x0) * 3);
    }),
  );
  return { width: W, height: H, data };
}

/** n images in a near-square grid. */
export function squareGrid(images: RgbImage[], gap = 2): RgbImage {
  const cols = Math.ceil(Math.sqrt(images.length));
  const rows: RgbImage[][] = [];
  for (let i = 0; i < images.length; i += cols) rows.push(images.slice(i, i + cols));
  return imageGrid(rows, gap);
}
