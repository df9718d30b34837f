// Scaled dot-product self-attention, two variants chosen per shape by the autotuner: 'matmul' (scores
// with the matmul kernels, softmax, then ·v; autograd through them; keeps the [T, T] probabilities) and
// 'fused' (shaders/attention_*.wgsl: no score matrix is stored in the forward; the backward recomputes
// scores from the saved log-sum-exp, FlashAttention-style). The fused kernels load every k and v row
// once per query, which costs a per-lane load per multiply-add on CPU adapters; the matmul kernels keep
// register tiles, so 'matmul' is the default where the [T, T] matrices are small.
import { record } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import { affine, binary } from './elementwise.js';
import { matmul } from './matmul.js';
import { randUniform } from './random.js';
import { softmax } from './softmax.js';
import { sum } from './reduce.js';
import { empty, sameEngine, sameShape, shapeStr } from './util.js';

const CHUNK = 16; // vec4s of the head dimension per invocation (shaders/lib/attention_common.wgsl)

/** How attention() runs: 'matmul' (matmul kernels and softmax, [T, T] scores kept) or 'fused' (no score matrix stored). */
export type AttentionVariant = 'matmul' | 'fused';

/** The variants for T tokens, the untuned default first: score matrices above 1024² tokens stay fused. */
export function attentionVariants(T: number): AttentionVariant[] {
  return T <= 1024 ? ['matmul', 'fused'] : ['fused'];
}

/**
 * softmax(scale·q·kᵀ)·v over the last two axes: q, k, v are [..., T, d] (leading axes = batch × heads),
 * d a multiple of 4. scale defaults to 1/√d. Differentiable in q, k and v;
 * variant forces one way (default: the autotuner's choice).
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, scale?: number, variant?: AttentionVariant): Tensor {
  const e = sameEngine(q, k, v);
  if (!sameShape(q.shape, k.shape) || !sameShape(q.shape, v.shape) || q.rank < 2) {
    throw new Error(`attention: q, k, v must have one shape [..., T, d], got ${shapeStr(q.shape, k.shape, v.shape)}`);
  }
  const T = q.shape[q.rank - 2];
  const d = q.shape[q.rank - 1];
  if (d % 4 !== 0) throw new Error(`attention: head dimension ${d} must be a multiple of 4`);
  const BH = q.size / (T * d);
  const s = scale ?? 1 / Math.sqrt(d);
  const variants = attentionVariants(T);
  if (variant && !variants.includes(variant)) throw new Error(`attention: variant '${variant}' does not apply to ${T} tokens`);
  const v0 = variant ?? e.autotuner.pick('attention', `${BH}x${T}x${d}`, variants, () => {
    const sq = randUniform(e, q.shape, { seed: 1 }, -1, 1);
    const run = (id: AttentionVariant) => () => attention(sq, sq, sq, s, id).dispose();
    return { candidates: Object.fromEntries(variants.map((id) => [id, run(id)])), dispose: () => sq.dispose() };
  });
  if (v0 === 'matmul') return matmul(softmax(matmul(affine(q, s, 0), k, { transposeB: true })), v);
  return attentionFused(q, k, v, T, d, BH, s);
}

function attentionFused(q: Tensor, k: Tensor, v: Tensor, T: number, d: number, BH: number, s: number): Tensor {
  const e = q.engine;
  const chunks = Math.ceil(d / 4 / CHUNK);
  const uniforms = { BH, T, d4: d / 4, chunks, scale: s };
  const grid: [number, number] = [Math.ceil(T / 64), BH * chunks];
  if (grid[1] > e.limits.maxComputeWorkgroupsPerDimension) throw new Error(`attention: batch × heads ${BH} too large`);
  const label = `[${q.shape.join(',')}]`;
  const o = empty(e, q.shape);
  const lse = empty(e, [BH, T]);
  e.launch('attention_forward', { buffers: [q.buffer, k.buffer, v.buffer, o.buffer, lse.buffer], uniforms, workgroups: grid, label });
  const out = record(o, 'attention', [q, k, v], (g) =>
    tidy(() => {
      const dsum = sum(binary('mul', g, o), [-1]);
      const dq = empty(e, q.shape);
      const dk = empty(e, q.shape);
      const dv = empty(e, q.shape);
      e.launch('attention_backward_q', { buffers: [q.buffer, k.buffer, v.buffer, g.buffer, lse.buffer, dsum.buffer, dq.buffer], uniforms, workgroups: grid, label });
      e.launch('attention_backward_kv', { buffers: [q.buffer, k.buffer, v.buffer, g.buffer, lse.buffer, dsum.buffer, dk.buffer, dv.buffer], uniforms, workgroups: grid, label });
      return [dq, dk, dv];
    }),
  );
  if (!out.node) lse.dispose();
  return out;
}
