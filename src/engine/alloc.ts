// Output allocation and dispatch grids: the helpers every launch needs, the engine's own launches
// (raw_ops.ts) included. Kernel wrappers take them through src/kernels/util.ts.
import type { Engine } from './engine.js';
import { Storage, Tensor, checkShape, sizeOf, type Shape } from './tensor.js';

/** An uninitialised tensor from the engine's buffer pool. */
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
