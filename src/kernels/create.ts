// Creating tensors: from host data, or filled with a constant on the GPU (shaders/fill.wgsl, launched in
// src/engine/raw_ops.ts).
import type { Engine } from '../engine/engine.js';
import { fillRaw } from '../engine/raw_ops.js';
import { sizeOf, type Shape, type Tensor } from '../engine/tensor.js';
import { empty } from './util.js';

/** A tensor of one value (no autograd); the engine's own launcher, shared with the autograd core. */
export const fill = fillRaw;

/** A tensor of zeros (no autograd). */
export const zeros = (engine: Engine, shape: Shape) => fill(engine, shape, 0);
/** A tensor of ones (no autograd). */
export const ones = (engine: Engine, shape: Shape) => fill(engine, shape, 1);

/** A tensor holding a copy of host data (any numeric array; converted to float32). */
export function tensor(engine: Engine, data: ArrayLike<number>, shape?: Shape): Tensor {
  const s = shape ?? [data.length];
  if (sizeOf(s) !== data.length) {
    throw new Error(`tensor(): ${data.length} values do not fill shape [${s.join(', ')}] (${sizeOf(s)} elements)`);
  }
  const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
  const y = empty(engine, s);
  if (f32.length > 0) engine.write(y.buffer, f32);
  return y;
}
