// Data movement through one strided-copy kernel (shaders/copy_strided.wgsl): broadcast-expand, permute,
// slice and concat, with gradients.
import { record } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { stridesOf, type Tensor } from '../engine/tensor.js';
import { zeros } from './create.js';
import { sumToShape } from './reduce_launch.js';
import { checkRank, empty, gridStride, normAxes, sameEngine, shapeStr } from './util.js';

const pad8 = (a: readonly number[], fillWith: number) => {
  const o = new Array(8).fill(fillWith);
  a.forEach((v, i) => (o[i] = v));
  return o;
};

/** Transfer commands at most per copy; beyond, the kernel (one dispatch) is cheaper than many commands. */
const MAX_TRANSFER_RUNS = 16;
/** Values a run needs when there are several: a transfer command costs about what a small dispatch does. */
const MIN_RUN = 64;

/**
 * The copy as runs [srcOffset, dstOffset, length] (elements) contiguous in both tensors, or null when the
 * inner dims are not contiguous in both (a permute, a broadcast, a flip), when there are more than maxRuns
 * or several shorter than minRun: concat and slice along channels at batch 1 are one run per tensor, at
 * batch N N runs.
 */
export function contiguousRuns(
  grid: readonly number[], srcStrides: readonly number[], dstStrides: readonly number[], srcOffset: number, dstOffset: number,
  maxRuns: number, minRun = MIN_RUN,
): [number, number, number][] | null {
  // merge dims from the innermost while both sides are contiguous (a dim of size 1 never breaks a run)
  let len = 1;
  let outer = grid.length;
  while (outer > 0) {
    const d = outer - 1;
    if (grid[d] !== 1 && (srcStrides[d] !== len || dstStrides[d] !== len)) break;
    len *= grid[d];
    outer = d;
  }
  const count = grid.slice(0, outer).reduce((a, d) => a * d, 1);
  if (count > maxRuns || (count > 1 && len < minRun)) return null;
  const runs: [number, number, number][] = [];
  for (let r = 0; r < count; r++) {
    let rem = r;
    let so = srcOffset;
    let dO = dstOffset;
    for (let d = outer - 1; d >= 0; d--) {
      const i = rem % grid[d];
      rem = Math.floor(rem / grid[d]);
      so += i * srcStrides[d];
      dO += i * dstStrides[d];
    }
    runs.push([so, dO, len]);
  }
  return runs;
}

/**
 * Copies src (read with srcStrides from srcOffset) into dst (dstStrides, dstOffset) over an index grid: as
 * transfer commands (Engine.copyBytes) where it is a few contiguous runs, else shaders/copy_strided.wgsl;
 * `via: 'kernel'` forces the kernel (tests, the lab).
 */
export function copyStrided(
  src: Tensor,
  dst: Tensor,
  grid: readonly number[],
  srcStrides: readonly number[],
  dstStrides: readonly number[],
  srcOffset = 0,
  dstOffset = 0,
  what = 'copy',
  via: 'auto' | 'kernel' = 'auto',
): void {
  const e = sameEngine(src, dst);
  checkRank(grid, what);
  const n = grid.reduce((a, d) => a * d, 1);
  if (n === 0) return;
  const label = `${what} ${shapeStr(src.shape)}→${shapeStr(dst.shape)}`;
  const runs = via === 'auto' && src.buffer !== dst.buffer ? contiguousRuns(grid, srcStrides, dstStrides, srcOffset, dstOffset, MAX_TRANSFER_RUNS) : null;
  if (runs) {
    for (const [so, dO, len] of runs) e.copyBytes(src.buffer, 4 * so, dst.buffer, 4 * dO, 4 * len, label);
    return;
  }
  // a rank-0 grid is one element: give the kernel one row of length 1
  const g = grid.length ? grid : [1];
  const rows = n / g[g.length - 1];
  e.launch('copy_strided', {
    buffers: [src.buffer, dst.buffer],
    uniforms: {
      rows,
      rank: g.length,
      srcOffset,
      dstOffset,
      shape: pad8(g, 1),
      srcStride: pad8(srcStrides.map((v) => v >>> 0), 0),
      dstStride: pad8(dstStrides.map((v) => v >>> 0), 0),
    },
    workgroups: gridStride(e, rows, 64),
    label,
  });
}

/** Broadcasts x to `shape` (materialised). Differentiable. */
export function expandTo(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.rank;
  if (lead < 0) throw new Error(`expandTo: cannot expand [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
  const xs = x.strides;
  const srcStrides = shape.map((d, i) => {
    const j = i - lead;
    if (j < 0) return 0;
    if (x.shape[j] !== d && x.shape[j] !== 1) {
      throw new Error(`expandTo: cannot expand [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
    }
    return x.shape[j] === 1 ? 0 : xs[j];
  });
  const y = empty(x.engine, shape);
  copyStrided(x, y, shape, srcStrides, stridesOf(shape), 0, 0, 'expand');
  return record(y, 'expand', [x], (g) => [sumToShape(g, x.shape)]);
}

/** Reorders axes: out.shape[i] = x.shape[perm[i]]. Differentiable. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.rank || new Set(perm).size !== perm.length || perm.some((p) => p < 0 || p >= x.rank)) {
    throw new Error(`permute: [${perm.join(', ')}] is not a permutation of ${x.rank} axes`);
  }
  const xs = x.strides;
  const shape = perm.map((p) => x.shape[p]);
  const y = empty(x.engine, shape);
  copyStrided(x, y, shape, perm.map((p) => xs[p]), stridesOf(shape), 0, 0, 'permute');
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record(y, 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swaps the last two axes. */
export function transpose(x: Tensor): Tensor {
  if (x.rank < 2) throw new Error('transpose needs rank >= 2');
  const perm = [...Array(x.rank).keys()];
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return permute(x, perm);
}

/** x[..., start:start+size, ...] along one axis. Differentiable. */
export function slice(x: Tensor, axis: number, start: number, size: number): Tensor {
  const [ax] = normAxes(axis, x.rank, 'slice');
  if (!Number.isInteger(start) || !Number.isInteger(size) || start < 0 || size < 0 || start + size > x.shape[ax]) {
    throw new Error(`slice: [${start}, ${start + size}) is outside axis ${ax} of size ${x.shape[ax]}`);
  }
  const shape = x.shape.map((d, i) => (i === ax ? size : d));
  const xs = x.strides;
  const y = empty(x.engine, shape);
  copyStrided(x, y, shape, xs, stridesOf(shape), start * xs[ax], 0, 'slice');
  return record(y, 'slice', [x], (g) =>
    tidy(() => {
      const gx = zeros(x.engine, x.shape);
      copyStrided(g, gx, shape, stridesOf(shape), xs, 0, start * xs[ax], 'slice-grad');
      return [gx];
    }),
  );
}

/** Joins tensors along an axis. Differentiable. */
export function concat(xs: Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error('concat needs at least one tensor');
  const e = sameEngine(...xs);
  const [ax] = normAxes(axis, xs[0].rank, 'concat');
  for (const t of xs) {
    if (t.rank !== xs[0].rank || t.shape.some((d, i) => i !== ax && d !== xs[0].shape[i])) {
      throw new Error(`concat: shapes ${shapeStr(...xs.map((q) => q.shape))} differ outside axis ${ax}`);
    }
  }
  const shape = xs[0].shape.map((d, i) => (i === ax ? xs.reduce((a, t) => a + t.shape[ax], 0) : d));
  const ys = stridesOf(shape);
  const y = empty(e, shape);
  const offsets: number[] = [];
  let off = 0;
  for (const t of xs) {
    offsets.push(off);
    copyStrided(t, y, t.shape, t.strides, ys, 0, off * ys[ax], 'concat');
    off += t.shape[ax];
  }
  return record(y, 'concat', xs, (g) => xs.map((t, i) => slice(g, ax, offsets[i], t.shape[ax])));
}
