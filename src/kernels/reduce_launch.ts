// The reduce launcher (shaders/reduce.wgsl, no autograd) and sumToShape on it. Apart from the
// differentiable ops in reduce.ts so that the elementwise and copy ops, whose gradients sum broadcasts
// back, do not import reduce.ts, whose gradients use them.
import type { Tensor } from '../engine/tensor.js';
import { empty, grid1d, shapeStr } from './util.js';

export type ReduceOp = 'sum' | 'max';

function pad8(a: number[]): number[] {
  const out = new Array(8).fill(1);
  a.forEach((v, i) => (out[i] = v));
  return out;
}

/** Runs the reduce kernel: result has the kept dims of x (in order), flattened to [outSize]. */
export function reduceRaw(x: Tensor, axes: number[], op: ReduceOp, scale: number): Tensor {
  const e = x.engine;
  const strides = x.strides;
  // merge runs of adjacent axes with the same kept/reduced status; drop size-1 axes
  const kept: [number, number][] = [];
  const red: [number, number][] = [];
  let prevReduced: boolean | null = null;
  x.shape.forEach((d, i) => {
    if (d === 1) return;
    const isRed = axes.includes(i);
    const list = isRed ? red : kept;
    if (prevReduced === isRed && list.length) {
      const last = list[list.length - 1];
      last[0] *= d;
      last[1] = strides[i];
    } else list.push([d, strides[i]]);
    prevReduced = isRed;
  });
  // the kernel loops over the innermost reduced dim: give it one when only size-1 axes are reduced
  if (red.length === 0) red.push([1, 1]);
  const outSize = kept.reduce((a, [d]) => a * d, 1);
  const redSize = red.reduce((a, [d]) => a * d, 1);
  // few outputs over a long reduction: split into chunks, combined by a second pass
  let numChunks = 1;
  if (outSize < 512 && redSize >= 2048) numChunks = Math.min(Math.ceil(redSize / 512), Math.ceil(8192 / outSize));
  const chunkLen = Math.ceil(redSize / numChunks);
  const y = empty(e, [outSize * numChunks]);
  e.launch('reduce', { // shaders/reduce.wgsl
    buffers: [x.buffer, y.buffer],
    overrides: { OP: op === 'max' ? 1 : 0 },
    uniforms: {
      outSize,
      redSize,
      keptRank: kept.length,
      redRank: red.length,
      chunkLen,
      numChunks,
      scale: numChunks > 1 ? 1 : scale,
      keptShape: pad8(kept.map((k) => k[0])),
      keptStride: pad8(kept.map((k) => k[1])),
      redShape: pad8(red.map((k) => k[0])),
      redStride: pad8(red.map((k) => k[1])),
    },
    workgroups: grid1d(e, outSize * numChunks, 64),
    label: `${op} ${shapeStr(x.shape)} axes=${axes.join(',')}`,
  });
  if (numChunks === 1) return y;
  const y2 = reduceRaw(y.reshape([outSize, numChunks]), [1], op, scale);
  y.dispose();
  return y2;
}

/** Sums a broadcast gradient back to `shape` (the inverse of broadcasting). Not recorded. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    const d = i < lead ? 1 : shape[i - lead];
    if (i < lead || (d === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  if (axes.length === 0) return g.reshape(shape);
  const flat = reduceRaw(g, axes, 'sum', 1);
  const out = flat.reshape(shape);
  flat.dispose();
  return out;
}
