// The two launches the autograd core needs, made straight on the engine's pipelines with no autograd
// recording, so src/engine depends on nothing in src/kernels: a constant fill (the gradient seed; zeros as
// a transfer command) and a same-shape add (gradient accumulation).
import type { Engine } from './engine.js';
import { empty, grid1d, gridStride } from './alloc.js';
import type { Shape, Tensor } from './tensor.js';

/**
 * y = value everywhere: shaders/fill.wgsl, or for zeros a clearBuffer (a memset on a CPU adapter: 4 Mi
 * zeros 7.0 → 0.9 ms there). Also the `fill` of src/kernels/create.ts.
 */
export function fillRaw(engine: Engine, shape: Shape, value: number): Tensor {
  const y = empty(engine, shape);
  if (y.size === 0) return y;
  const label = `[${shape.join(',')}]`;
  if (Object.is(value, 0)) engine.clearBytes(y.buffer, 0, 4 * y.size, label); // +0 only: a clear cannot write −0
  else engine.launch('fill', { buffers: [y.buffer], uniforms: { n: y.size, value }, workgroups: grid1d(engine, y.size, 256), label }); // shaders/fill.wgsl
  return y;
}

/** The OP override for a + b in shaders/lib/binary_ops.wgsl (BINARY.add in src/kernels/elementwise.ts). */
export const BINARY_OP_ADD = 0;

/**
 * a + b for operands of one shape: shaders/binary.wgsl as `binary('add', a, b)` in
 * src/kernels/elementwise.ts launches it for equal shapes (the whole tensor one row, read in the output's
 * layout, or one value each when the tensors hold a single element).
 */
export function addSameShapeRaw(a: Tensor, b: Tensor): Tensor {
  if (a.engine !== b.engine) throw new Error('tensors belong to different engines');
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`gradient accumulation: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] differ`);
  }
  const e = a.engine;
  const y = empty(e, a.shape);
  if (y.size === 0) return y;
  const mode = y.size === 1 ? 3 : 0;
  const inner4 = Math.ceil(y.size / 4);
  const dims = [y.size, 1, 1, 1, 1, 1, 1, 1];
  const strides = [y.size === 1 ? 0 : 1, 0, 0, 0, 0, 0, 0, 0];
  e.launch('binary', { // shaders/binary.wgsl
    buffers: [a.buffer, b.buffer, y.buffer],
    overrides: { OP: BINARY_OP_ADD, MODE_A: mode, MODE_B: mode },
    uniforms: { rows: 1, inner4, rank: 1, shape: dims, sa: strides, sb: strides },
    workgroups: gridStride(e, Math.ceil(inner4 / 64), 256),
    label: `add [${a.shape.join(',')}] [${b.shape.join(',')}]`,
  });
  return y;
}
