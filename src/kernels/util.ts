// Shared helpers for kernel wrappers: output allocation, 1-D grids, shape arithmetic.
import type { Engine } from '../engine/engine.js';
import { Storage, Tensor, checkShape, sizeOf, type Shape } from '../engine/tensor.js';

export const MAX_RANK = 8;

export function empty(engine: Engine, shape: Shape, label?: string): Tensor {
  checkShape(shape);
  const bytes = Math.max(4, sizeOf(shape) * 4);
  return new Tensor(new Storage(engine, engine.pool.acquire(bytes, label), bytes), [...shape]);
}

/** Workgroups for n invocations of a 1-D kernel with workgroup size wg, folded into 2-D past the limit. */
export function grid1d(engine: Engine, n: number, wg: number): [number, number] {
  const groups = Math.ceil(n / wg);
  const max = engine.limits.maxComputeWorkgroupsPerDimension;
  if (groups <= max) return [Math.max(groups, 0), 1];
  const y = Math.ceil(groups / max);
  return [Math.ceil(groups / y), y];
}

/**
 * Workgroups for a grid-stride kernel over n items: enough to fill a GPU, few on a CPU adapter where each
 * workgroup costs a task switch and the cores are few.
 */
export function gridStride(engine: Engine, n: number, wg: number): [number] {
  const cap = engine.isSoftwareAdapter ? 8 : 4096;
  return [Math.max(1, Math.min(Math.ceil(n / wg), cap))];
}

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
