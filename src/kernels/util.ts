// Shared helpers for kernel wrappers: output allocation, 1-D grids, shape arithmetic.
import type { Engine } from '../engine/engine.js';
import type { Shape, Tensor } from '../engine/tensor.js';

// allocation and grids live in the engine (its own launches use them); kernel wrappers take them from here
export { empty, grid1d, gridStride } from '../engine/alloc.js';

export const MAX_RANK = 8;

export function shapeStr(...shapes: Shape[]): string {
  return shapes.map((s) => `[${s.join(',')}]`).join(' ');
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkRank(shape: Shape, what: string): void {
  if (shape.length > MAX_RANK) throw new Error(`${what}: rank ${shape.length} exceeds the supported ${MAX_RANK}`);
}

export function sameEngine(...ts: Tensor[]): Engine {
  const e = ts[0].engine;
  for (const t of ts) if (t.engine !== e) throw new Error('tensors belong to different engines');
  return e;
}

/** Normalises possibly negative axes and checks them. */
export function normAxes(axes: number | readonly number[] | undefined, rank: number, what: string): number[] {
  if (axes === undefined) return [...Array(rank).keys()];
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => {
    const b = a < 0 ? a + rank : a;
    if (!Number.isInteger(b) || b < 0 || b >= rank) throw new Error(`${what}: axis ${a} out of range for rank ${rank}`);
    return b;
  });
  if (new Set(out).size !== out.length) throw new Error(`${what}: repeated axis in [${list.join(', ')}]`);
  return out.sort((x, y) => x - y);
}
