// Image grids: tiles of equal-size images in rows, with a small gap, as one RGB image.
import type { RgbImage } from './image.js';
import { drawText, textSize } from './text.js';

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

/** A result grid a reader can follow without the README: a title, column headers, row labels, a caption under each tile. */
export interface LabelledGrid {
  title?: string;
  /** One header per column; '\n' starts another line. */
  columns: string[];
  rows: { label?: string; tiles: RgbImage[]; captions?: string[] }[];
  /** Whole-pixel upscale of the tiles (nearest neighbour), so small tiles stay visible. */
  upscale?: number;
  /** Text scale (1: 8-pixel lines). */
  textScale?: number;
}

/** Nearest-neighbour upscale by a whole factor. */
export function upscaleNearest(img: RgbImage, f: number): RgbImage {
  if (f === 1) return img;
  const W = img.width * f, H = img.height * f;
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) data.set(img.data.subarray((Math.floor(y / f) * img.width + Math.floor(x / f)) * 3, (Math.floor(y / f) * img.width + Math.floor(x / f)) * 3 + 3), (y * W + x) * 3);
  return { width: W, height: H, data };
}

/** Renders a LabelledGrid on white: columns as wide as their widest tile, rows as tall as their tallest. */
export function labelledGrid(g: LabelledGrid): RgbImage {
  const f = g.upscale ?? 1, ts = g.textScale ?? 1, gap = 6, line = 10 * ts;
  const rows = g.rows.map((r) => ({ ...r, tiles: r.tiles.map((t) => upscaleNearest(t, f)) }));
  const cols = Math.max(g.columns.length, ...rows.map((r) => r.tiles.length));
  const labelW = Math.max(0, ...rows.map((r) => (r.label ? textSize(r.label, ts).width + gap : 0)));
  const colW = Array.from({ length: cols }, (_, c) => Math.max(textSize(g.columns[c] ?? '', ts).width, ...g.columns[c]?.split('\n').map((l) => textSize(l, ts).width) ?? [0], ...rows.map((r) => r.tiles[c]?.width ?? 0), ...rows.map((r) => (r.captions?.[c] ? textSize(r.captions[c], ts).width : 0))));
  const headerLines = Math.max(1, ...g.columns.map((c) => c.split('\n').length));
  const titleH = g.title ? line + gap : 0;
  const headerH = headerLines * line + gap;
  const captionH = rows.some((r) => r.captions?.length) ? line + 2 : 0;
  const rowH = rows.map((r) => Math.max(...r.tiles.map((t) => t.height)) + captionH);
  const W = gap + labelW + colW.reduce((a, w) => a + w + gap, 0);
  const H = gap + titleH + headerH + rowH.reduce((a, h) => a + h + gap, 0);
  const img: RgbImage = { width: W, height: H, data: new Uint8Array(W * H * 3).fill(255) };
  if (g.title) drawText(img, g.title, gap, gap, ts);
  const colX = colW.map((_, c) => gap + labelW + colW.slice(0, c).reduce((a, w) => a + w + gap, 0));
  g.columns.forEach((c, i) => c.split('\n').forEach((l, k) => drawText(img, l, colX[i], gap + titleH + k * line, ts)));
  let y = gap + titleH + headerH;
  rows.forEach((r, ri) => {
    if (r.label) drawText(img, r.label, gap, y + Math.floor((rowH[ri] - captionH) / 2) - 4 * ts, ts);
    r.tiles.forEach((t, c) => {
      for (let yy = 0; yy < t.height; yy++) img.data.set(t.data.subarray(yy * t.width * 3, (yy + 1) * t.width * 3), ((y + yy) * W + colX[c]) * 3);
      if (r.captions?.[c]) drawText(img, r.captions[c], colX[c], y + t.height + 2, ts, [40, 40, 40]);
    });
    y += rowH[ri] + gap;
  });
  return img;
}
