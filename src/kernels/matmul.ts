// Batched matrix product (shaders/matmul_vec4.wgsl when K and N are multiples of 4, else
// shaders/matmul_scalar.wgsl), with gradients. Batch dims broadcast when one side has batch size 1.
import { record } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import { transpose } from './copy.js';
import { broadcastShapes } from './elementwise.js';
import { sumToShape } from './reduce.js';
import { empty, sameEngine, shapeStr } from './util.js';

function prod(a: readonly number[]): number {
  return a.reduce((x, y) => x * y, 1);
}

/** The raw kernel: C[b] = A[b]·B[b] on flat buffers (no autograd, no shape logic). */
export function matmulRaw(a: Tensor, b: Tensor, c: Tensor, M: number, N: number, K: number, batch: number, strideA: number, strideB: number): void {
  const e = sameEngine(a, b, c);
  if (M === 0 || N === 0 || batch === 0) return;
  const vec4 = K % 4 === 0 && N % 4 === 0;
  const uniforms = { M, N, K, batch, strideA, strideB, strideC: M * N };
  const label = `${M}x${K}x${N} batch ${batch}`;
  if (vec4) {
    const wx = 8, wy = 8;
    e.launch('matmul_vec4', {
      buffers: [a.buffer, b.buffer, c.buffer],
      uniforms,
      overrides: { WG_X: wx, WG_Y: wy },
      workgroups: [Math.ceil(Math.ceil(N / 8) / wx), Math.ceil(Math.ceil(M / 4) / wy), batch],
      label,
    });
  } else {
    e.launch('matmul_scalar', {
      buffers: [a.buffer, b.buffer, c.buffer],
      uniforms,
      workgroups: [Math.ceil(Math.ceil(N / 4) / 8), Math.ceil(Math.ceil(M / 4) / 8), batch],
      label,
    });
  }
}

/** a [..., M, K] · b [..., K, N] → [..., M, N]. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const e = sameEngine(a, b);
  if (a.rank < 2 || b.rank < 2) throw new Error(`matmul needs rank >= 2 operands, got ${shapeStr(a.shape, b.shape)}`);
  const [M, K] = a.shape.slice(-2);
  const [K2, N] = b.shape.slice(-2);
  if (K !== K2) throw new Error(`matmul: inner dimensions differ: ${shapeStr(a.shape, b.shape)}`);
  const ba = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  const batchShape = broadcastShapes(ba, bb, 'matmul batch');
  const batch = prod(batchShape);
  const nA = prod(ba);
  const nB = prod(bb);
  if ((nA !== 1 && nA !== batch) || (nB !== 1 && nB !== batch)) {
    throw new Error(`matmul: batch dims ${shapeStr(ba, bb)} broadcast only when one side has a single batch`);
  }
  if (batch > e.limits.maxComputeWorkgroupsPerDimension) throw new Error(`matmul: batch ${batch} too large`);
  const y = empty(e, [...batchShape, M, N]);
  matmulRaw(a, b, y, M, N, K, batch, nA === 1 ? 0 : M * K, nB === 1 ? 0 : K * N);
  return record(y, 'matmul', [a, b], (g) =>
    tidy(() => [
      a.requiresGrad || a.node ? sumToShape(matmul(g, transpose(b)), a.shape) : null,
      b.requiresGrad || b.node ? sumToShape(matmul(transpose(a), g), b.shape) : null,
    ]),
  );
}
