// Seeded counter-based random tensors on the GPU (shaders/random.wgsl, Philox4x32-10).
import type { Engine } from '../engine/engine.js';
import type { Shape, Tensor } from '../engine/tensor.js';
import { empty, grid1d } from './util.js';

export interface RandomOptions {
  seed: number;
  /** Counter offset: draws with the same seed and different offsets are independent streams. */
  offset?: number;
  /** Index of the first element in the stream (a multiple of 4): a slice of a larger draw, e.g. one image of a batch. */
  start?: number;
}

/** The counter's quad index for a stream start, checked: the kernels draw 4 numbers per counter. */
export function startQuad(start = 0): number {
  if (!Number.isSafeInteger(start) || start < 0 || start % 4 !== 0 || start / 4 >= 2 ** 32) {
    throw new Error(`random: start must be a non-negative multiple of 4 below 2^34, got ${start}`);
  }
  return start / 4;
}

function draw(engine: Engine, shape: Shape, dist: 0 | 1, a: number, b: number, opts: RandomOptions): Tensor {
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) {
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
      startQuad: startQuad(opts.start),
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
