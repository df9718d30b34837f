// The photo inside a batch padded to the encoder's stride: its top-left height × width. Reconstructions are
// cropped to it before they are scored or shown; a transmitter-side baseline codes it alone and pads its
// output back by repeating the edge, as the transmitter padded the photo.
import type { Tensor } from '../engine/tensor.js';
import { concat, expandTo, slice } from '../kernels/copy.js';
import { padEdges, type RgbImage } from '../data/image.js';
import type { DeepJSCC } from '../networks/deepjscc.js';

export interface Region {
  height: number;
  width: number;
}

/** t[:, :, :height, :width] */
export function cropRegion(t: Tensor, r: Region): Tensor {
  return slice(slice(t, 2, 0, r.height), 3, 0, r.width);
}

/** t [N, C, h, w] grown to H × W by repeating its last row and column. */
export function padRegion(t: Tensor, H: number, W: number): Tensor {
  const [N, C, h, w] = t.shape;
  const wide = w < W ? concat([t, expandTo(slice(t, 3, w - 1, 1), [N, C, h, W - w])], 3) : t;
  const out = h < H ? concat([wide, expandTo(slice(wide, 2, h - 1, 1), [N, C, H - h, W])], 2) : wide;
  if (wide !== t && wide !== out) wide.dispose();
  return out === t ? concat([t], 3) : out;
}

/** A photo padded (edges repeated) to what the DeepJSCC takes: rows a multiple of stride·r (r: 1 row in r sent), columns of the stride. */
export function padForJscc(img: RgbImage, jscc: Pick<DeepJSCC, 'stride' | 'keepEvery'>): RgbImage {
  const up = (v: number, m: number) => Math.ceil(v / m) * m;
  return padEdges(img, up(img.width, jscc.stride), up(img.height, jscc.stride * jscc.keepEvery));
}
