// Creating tensors: from host data, or filled with a constant on the GPU (shaders/fill.wgsl).
import type { Engine } from '../engine/engine.js';
import { sizeOf, type Shape, type Tensor } from '../engine/tensor.js';
import { empty, grid1d } from './util.js';

export function fill(engine: Engine, shape: Shape, value: number): Tensor {
  const y = empty(engine, shape);
  if (y.size > 0) {
    engine.launch('fill', {
      buffers: [y.buffer],
      uniforms: { n: y.size, value },
      workgroups: grid1d(engine, y.size, 256),
      label: `[${shape.join(',')}]`,
    });
  }
  return y;
}

export const zeros = (engine: Engine, shape: Shape) => fill(engine, shape, 0);
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
