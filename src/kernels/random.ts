// Seeded counter-based random tensors on the GPU (shaders/random.wgsl, Philox4x32-10).
import type { Engine } from '../engine/engine.js';
import type { Shape, Tensor } from '../engine/tensor.js';
import { empty, grid1d } from './util.js';

export interface RandomOptions {
  seed: number;
  /** Counter offset: draws with the same seed and different offsets are independent streams. */
  offset?: number;
}

function draw(engine: Engine, shape: Shape, dist: 0 | 1, a: number, b: number, opts: RandomOptions): Tensor {
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > Number.MAX_SAFE_INTEGER) {
    throw new Error(`random: seed must be a non-negative integer, got ${opts.seed}`);
  }
  const y = empty(engine, shape);
  if (y.size === 0) return y;
  engine.launch('random', {
    buffers: [y.buffer],
    overrides: { DIST: dist },
    uniforms: {
      n: y.size,
      seedLo: opts.seed % 2 ** 32,
      seedHi: Math.floor(opts.seed / 2 ** 32),
      offset: opts.offset ?? 0,
      a,
      b,
    },
    workgroups: grid1d(engine, Math.ceil(y.size / 4), 64),
    label: `[${shape.join(',')}]`,
  });
  return y;
}

/** Uniform in [lo, hi). */
export const randUniform = (engine: Engine, shape: Shape, opts: RandomOptions, lo = 0, hi = 1) =>
  draw(engine, shape, 0, lo, hi, opts);

/** Normal with the given mean and standard deviation. */
export const randNormal = (engine: Engine, shape: Shape, opts: RandomOptions, mean = 0, std = 1) =>
  draw(engine, shape, 1, mean, std, opts);
