// Batched matrix product (shaders/matmul_rows_sg.wgsl and the other vec4 variants when K and N are
// multiples of 4, else shaders/matmul_scalar.wgsl), with gradients. Batch dims broadcast when one side has
// batch size 1. Either operand may be read transposed (as tfjs's transposeA/B), so that no transposed
// copy is made, in the forward or in the gradients.
import { record } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { add, broadcastShapes } from './elementwise.js';
import { sumToShape } from './reduce_launch.js';
import { randUniform } from './random.js';
import { empty, sameEngine, shapeStr } from './util.js';

function prod(a: readonly number[]): number {
  return a.reduce((x, y) => x * y, 1);
}

/** Variants of the vec4 path (K and N multiples of 4). */
export const MATMUL_VARIANTS = ['tile4x8', 'rows8x4', 'rows8x4_sg', 'wg64'] as const;
export type MatmulVariant = (typeof MATMUL_VARIANTS)[number];

/** Operands read transposed: A[b] stored [K, M], B[b] stored [N, K]. */
export interface MatmulTranspose {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** The variants that read transposed operands (shaders/lib/matmul_operands.wgsl, matmul_wg_tiled.wgsl). */
const TRANSPOSING: readonly MatmulVariant[] = ['rows8x4_sg', 'rows8x4', 'wg64'];

/**
 * The variants this engine can run, the untuned default first: 'rows8x4_sg' (A shared through
 * subgroups of at least 8 invocations: about 2× the others on lavapipe) where the device has them;
 * 'wg64' (64×64 tiles staged in workgroup memory, for GPUs) everywhere, for the autotuner to weigh.
 * With a transposed operand all but 'tile4x8'.
 */
export function matmulVariants(e: Engine, t: MatmulTranspose = {}): MatmulVariant[] {
  const all: MatmulVariant[] = e.features.subgroups && e.features.subgroupMinSize >= 8 ? ['rows8x4_sg', 'tile4x8', 'rows8x4', 'wg64'] : ['tile4x8', 'rows8x4', 'wg64'];
  return t.transposeA || t.transposeB ? all.filter((v) => TRANSPOSING.includes(v)) : all;
}

/**
 * Invocations per workgroup of the rows kernels, one per 4 columns: 16, or 8 where 16 would leave lanes
 * computing clamped copies of the last column (N/4 ≤ 8, or not a multiple of 16) — at N = 32 half the
 * lanes did (interleaved, quiet: N = 32 1.55–1.81× faster with 8, N = 96 1.16–1.21×, N = 64 0.92×).
 */
function rowsWorkgroupWidth(n4: number): number {
  return n4 % 16 === 0 ? 16 : 8;
}

/** Encodes one launch of a vec4 variant. */
function launchVec4(v: MatmulVariant, a: Tensor, b: Tensor, c: Tensor, M: number, N: number, K: number, batch: number, strideA: number, strideB: number, t: MatmulTranspose): void {
  const e = a.engine;
  const uniforms = { M, N, K, batch, strideA, strideB, strideC: M * N };
  const label = `${M}x${K}x${N} batch ${batch}${transposeLabel(t)}`;
  const buffers = [a.buffer, b.buffer, c.buffer] as const;
  const trans = { TRANS_A: !!t.transposeA, TRANS_B: !!t.transposeB };
  if (v === 'wg64') {
    // A and B again as scalars (bindings 4, 5), read when transposed
    e.launch('matmul_wg_tiled', { buffers: [...buffers, a.buffer, b.buffer], uniforms, overrides: trans, workgroups: [Math.ceil(N / 4 / 16), Math.ceil(M / 64), batch], label });
  } else if (v === 'rows8x4' || v === 'rows8x4_sg') {
    const wx = rowsWorkgroupWidth(N / 4);
    // A again as scalars (binding 4), read when A is transposed
    e.launch(v === 'rows8x4' ? 'matmul_rows' : 'matmul_rows_sg', {
      buffers: [...buffers, a.buffer], uniforms, overrides: { WG_X: wx, ...trans },
      workgroups: [Math.ceil(N / 4 / wx), Math.ceil(M / 8), batch], label,
    });
  } else {
    const wx = 8, wy = 8;
    e.launch('matmul_vec4', { buffers, uniforms, overrides: { WG_X: wx, WG_Y: wy }, workgroups: [Math.ceil(Math.ceil(N / 8) / wx), Math.ceil(Math.ceil(M / 4) / wy), batch], label });
  }
}

const transposeLabel = (t: MatmulTranspose) => (t.transposeA ? ' Aᵀ' : '') + (t.transposeB ? ' Bᵀ' : '');

/**
 * The raw kernel: C[b] = op(A[b])·op(B[b]) on flat buffers (no autograd, no shape logic), op a transpose
 * where `t` says so (A[b] then stored [K, M], B[b] [N, K]). `variant` forces a vec4 variant; by default
 * the engine's autotuner picks one per shape.
 */
export function matmulRaw(
  a: Tensor, b: Tensor, c: Tensor, M: number, N: number, K: number, batch: number, strideA: number, strideB: number,
  variant?: MatmulVariant, t: MatmulTranspose = {},
): void {
  const e = sameEngine(a, b, c);
  if (M === 0 || N === 0 || batch === 0) return;
  if (K % 4 === 0 && N % 4 === 0) {
    const key = `${M}x${K}x${N} b${batch} sa${strideA ? 1 : 0} sb${strideB ? 1 : 0}${transposeLabel(t)}`;
    const variants = matmulVariants(e, t);
    if (variant && !variants.includes(variant)) {
      const why = (t.transposeA || t.transposeB) && !TRANSPOSING.includes(variant) ? 'does not read transposed operands' : 'needs subgroups of at least 8 invocations';
      throw new Error(`matmul: variant '${variant}' ${why}`);
    }
    const v = variant ?? e.autotuner.pick('matmul', key, variants, () => {
      const sa = randUniform(e, [strideA ? batch * M * K : M * K], { seed: 1 });
      const sb = randUniform(e, [strideB ? batch * K * N : K * N], { seed: 2 });
      const sc = empty(e, [batch * M * N]);
      const run = (id: MatmulVariant) => () => launchVec4(id, sa, sb, sc, M, N, K, batch, strideA, strideB, t);
      return { candidates: Object.fromEntries(variants.map((id) => [id, run(id)])), dispose: () => [sa, sb, sc].forEach((x) => x.dispose()) };
    });
    launchVec4(v, a, b, c, M, N, K, batch, strideA, strideB, t);
  } else {
    e.launch('matmul_scalar', {
      buffers: [a.buffer, b.buffer, c.buffer],
      uniforms: { M, N, K, batch, strideA, strideB, strideC: M * N },
      overrides: { TRANS_A: !!t.transposeA, TRANS_B: !!t.transposeB },
      workgroups: [Math.ceil(Math.ceil(N / 4) / 8), Math.ceil(Math.ceil(M / 4) / 8), batch],
      label: `${M}x${K}x${N} batch ${batch}${transposeLabel(t)}`,
    });
  }
}

/**
 * a [..., M, K] · b [..., K, N] → [..., M, N]; with transposeA a is [..., K, M] and read as its transpose,
 * with transposeB b is [..., N, K]. Differentiable; the gradients are products with transposed reads too.
 */
export function matmul(a: Tensor, b: Tensor, t: MatmulTranspose = {}): Tensor {
  const e = sameEngine(a, b);
  if (a.rank < 2 || b.rank < 2) throw new Error(`matmul needs rank >= 2 operands, got ${shapeStr(a.shape, b.shape)}`);
  const [ta, tb] = [!!t.transposeA, !!t.transposeB];
  const [M, K] = ta ? [a.shape[a.rank - 1], a.shape[a.rank - 2]] : a.shape.slice(-2);
  const [K2, N] = tb ? [b.shape[b.rank - 1], b.shape[b.rank - 2]] : b.shape.slice(-2);
  if (K !== K2) throw new Error(`matmul: inner dimensions differ: ${shapeStr(a.shape, b.shape)}${transposeLabel(t)}`);
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
  matmulRaw(a, b, y, M, N, K, batch, nA === 1 ? 0 : M * K, nB === 1 ? 0 : K * N, undefined, t);
  // C = op(A)·op(B): dA = g·op(B)ᵀ (transposed back when A was read transposed), dB = op(A)ᵀ·g (likewise)
  return record(y, 'matmul', [a, b], (g) =>
    tidy(() => [
      a.requiresGrad || a.node ? sumToShape(ta ? matmul(b, g, { transposeA: tb, transposeB: true }) : matmul(g, b, { transposeB: !tb }), a.shape) : null,
      b.requiresGrad || b.node ? sumToShape(tb ? matmul(g, a, { transposeA: true, transposeB: ta }) : matmul(a, g, { transposeA: !ta }), b.shape) : null,
    ]),
  );
}

/** A fully connected layer as PyTorch's nn.Linear stores it: x [..., in] · wᵀ (w [out, in]) + bias [out]. */
export function linear(x: Tensor, w: Tensor, bias: Tensor | null = null): Tensor {
  if (w.rank !== 2 || x.shape[x.rank - 1] !== w.shape[1]) throw new Error(`linear: input ${shapeStr(x.shape)} does not fit weight ${shapeStr(w.shape)} ([out, in])`);
  const y = matmul(x, w, { transposeB: true });
  return bias ? add(y, bias) : y;
}
