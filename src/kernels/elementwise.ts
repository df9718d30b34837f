// Elementwise unary and broadcasting binary ops (shaders/unary.wgsl, shaders/binary.wgsl), with gradients.
import { record } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import { fill } from './create.js';
import { sumToShape } from './reduce_launch.js';
import { checkRank, empty, gridStride, sameEngine, shapeStr } from './util.js';

const UNARY = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, abs: 5, relu: 6, silu: 7, sigmoid: 8, tanh: 9,
  clamp: 10, powScalar: 11, affine: 12, sign: 13, square: 14, reciprocal: 15, inRange: 16, softplus: 17,
} as const;
export type UnaryOp = keyof typeof UNARY;

/** OP override codes of shaders/lib/binary_ops.wgsl (add's also in src/engine/raw_ops.ts). */
export const BINARY = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, max: 5, min: 6, prelu: 7, eq: 8, gt: 9,
  reluGrad: 10, siluGrad: 11, sigmoidGradFromOut: 12, tanhGradFromOut: 13, preluSlope: 14, powExpGrad: 15,
} as const;
export type BinaryOp = keyof typeof BINARY;

/** Launches the unary kernel (no autograd). */
export function unary(op: UnaryOp, x: Tensor, alpha = 0, beta = 0): Tensor {
  const e = x.engine;
  const y = empty(e, x.shape);
  if (y.size > 0) {
    const n4 = Math.ceil(x.size / 4);
    e.launch('unary', {
      buffers: [x.buffer, y.buffer],
      overrides: { OP: UNARY[op] },
      uniforms: { n4, alpha, beta },
      workgroups: gridStride(e, n4, 256),
      label: `${op} ${shapeStr(x.shape)}`,
    });
  }
  return y;
}

/** The shape two shapes broadcast to (numpy rules, aligned at the last axis); throws when they do not fit. */
export function broadcastShapes(a: readonly number[], b: readonly number[], what = 'broadcast'): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${what}: shapes [${a.join(', ')}] and [${b.join(', ')}] cannot be broadcast together`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element strides of `shape` read as if broadcast to `out` (0 on broadcast dims). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const s = new Array<number>(out.length).fill(0);
  let acc = 1;
  for (let i = out.length - 1; i >= 0; i--) {
    const j = shape.length - out.length + i;
    const d = j >= 0 ? shape[j] : 1;
    s[i] = d === 1 ? 0 : acc;
    acc *= d;
  }
  return s;
}

/**
 * Drops size-1 dims and merges neighbours that both operands step through alike (both contiguous
 * across the pair, or both broadcast), so most broadcasts become rank 1–3.
 */
export function mergeDims(shape: readonly number[], sa: number[], sb: number[]): { shape: number[]; sa: number[]; sb: number[] } {
  const m = { shape: [] as number[], sa: [] as number[], sb: [] as number[] };
  shape.forEach((d, i) => {
    if (d === 1) return;
    const k = m.shape.length - 1;
    const fits = (prev: number, cur: number) => (prev === 0 && cur === 0) || (prev !== 0 && prev === cur * d);
    if (k >= 0 && fits(m.sa[k], sa[i]) && fits(m.sb[k], sb[i])) {
      m.shape[k] *= d;
      m.sa[k] = sa[i];
      m.sb[k] = sb[i];
    } else {
      m.shape.push(d);
      m.sa.push(sa[i]);
      m.sb.push(sb[i]);
    }
  });
  if (m.shape.length === 0) return { shape: [1], sa: [0], sb: [0] };
  return m;
}

const pad8 = (a: number[], v: number) => [...a, ...new Array(8 - a.length).fill(v)];

/** Launches the binary kernel with broadcasting (no autograd). */
export function binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const e = sameEngine(a, b);
  const out = broadcastShapes(a.shape, b.shape, op);
  checkRank(out, op);
  const y = empty(e, out);
  if (y.size === 0) return y;
  const m = mergeDims(out, broadcastStrides(a.shape, out), broadcastStrides(b.shape, out));
  const label = `${op} ${shapeStr(a.shape, b.shape)}`;
  const inner = m.shape[m.shape.length - 1];
  // how each operand is read: its own layout = the output's (0), inner-contiguous (1), inner-broadcast (2),
  // one value (3); modes 1 and 2 need the inner dim to be a multiple of 4 so a vec4 never crosses a row
  const mode = (t: Tensor, s: number[]) => (t.size === 1 ? 3 : t.size === y.size ? 0 : s[s.length - 1] === 0 ? 2 : 1);
  const modeA = mode(a, m.sa);
  const modeB = mode(b, m.sb);
  const plain = (modeA === 0 || modeA === 3) && (modeB === 0 || modeB === 3);
  if (plain || inner % 4 === 0) {
    // plain: the whole tensor is one row; else rows are the merged outer dims
    const rows = plain ? 1 : y.size / inner;
    const inner4 = plain ? Math.ceil(y.size / 4) : inner / 4;
    const rank = plain ? 1 : m.shape.length;
    e.launch('binary', {
      buffers: [a.buffer, b.buffer, y.buffer],
      overrides: { OP: BINARY[op], MODE_A: modeA, MODE_B: modeB },
      uniforms: { rows, inner4, rank, shape: pad8(m.shape, 1), sa: pad8(m.sa, 0), sb: pad8(m.sb, 0) },
      workgroups: gridStride(e, rows * Math.ceil(inner4 / 64), 256),
      label,
    });
  } else {
    e.launch('binary_strided', {
      buffers: [a.buffer, b.buffer, y.buffer],
      overrides: { OP: BINARY[op], RANK: m.shape.length },
      uniforms: { n: y.size, rank: m.shape.length, shape: pad8(m.shape, 1), sa: pad8(m.sa, 0), sb: pad8(m.sb, 0) },
      workgroups: gridStride(e, y.size, 256),
      label,
    });
  }
  return y;
}

export const scaleBy = (x: Tensor, s: number) => unary('affine', x, s, 0);
const scalar = (like: Tensor, v: number) => fill(like.engine, [1], v);

// ---- differentiable unary ops ----

function unaryOp(op: UnaryOp, x: Tensor, grad: (g: Tensor, y: Tensor) => Tensor, alpha = 0, beta = 0): Tensor {
  const y = unary(op, x, alpha, beta);
  return record(y, op, [x], (g) => tidy(() => [grad(g, y)]));
}

/** Elementwise −x. */
export const neg = (x: Tensor) => unaryOp('neg', x, (g) => unary('neg', g));
/** Elementwise e^x. */
export const exp = (x: Tensor) => unaryOp('exp', x, (g, y) => binary('mul', g, y));
/** Elementwise natural logarithm. */
export const log = (x: Tensor) => unaryOp('log', x, (g) => binary('div', g, x));
/** Elementwise √x. */
export const sqrt = (x: Tensor) => unaryOp('sqrt', x, (g, y) => scaleBy(binary('div', g, y), 0.5));
/** Elementwise 1/√x. */
export const rsqrt = (x: Tensor) =>
  unaryOp('rsqrt', x, (g, y) => scaleBy(binary('mul', g, unary('powScalar', y, 3)), -0.5));
/** Elementwise |x|; the gradient is sign(x) (0 at 0). */
export const abs = (x: Tensor) => unaryOp('abs', x, (g) => binary('mul', g, unary('sign', x)));
/** Elementwise max(x, 0). */
export const relu = (x: Tensor) => unaryOp('relu', x, (g) => binary('reluGrad', x, g));
/** Elementwise x·sigmoid(x) (SiLU, swish). */
export const silu = (x: Tensor) => unaryOp('silu', x, (g) => binary('siluGrad', x, g));
/** Elementwise 1 / (1 + e^−x). */
export const sigmoid = (x: Tensor) => unaryOp('sigmoid', x, (g, y) => binary('sigmoidGradFromOut', y, g));
/** Elementwise hyperbolic tangent. */
export const tanh = (x: Tensor) => unaryOp('tanh', x, (g, y) => binary('tanhGradFromOut', y, g));
/** log(1 + eˣ), stable for large |x|. */
export const softplus = (x: Tensor) => unaryOp('softplus', x, (g) => binary('mul', g, unary('sigmoid', x)));
/** Elementwise x². */
export const square = (x: Tensor) => unaryOp('square', x, (g) => scaleBy(binary('mul', g, x), 2));
/** Elementwise 1/x. */
export const reciprocal = (x: Tensor) =>
  unaryOp('reciprocal', x, (g, y) => unary('neg', binary('mul', g, unary('square', y))));
/** x·scale + shift */
export const affine = (x: Tensor, scale: number, shift = 0) =>
  unaryOp('affine', x, (g) => scaleBy(g, scale), scale, shift);
/** Clamps x to [lo, hi]; the gradient passes where lo ≤ x ≤ hi, 0 elsewhere. */
export const clamp = (x: Tensor, lo: number, hi: number) =>
  unaryOp('clamp', x, (g) => binary('mul', g, unary('inRange', x, lo, hi)), lo, hi);
/** x^p for a constant exponent p. */
export const powScalar = (x: Tensor, p: number) =>
  unaryOp('powScalar', x, (g) => scaleBy(binary('mul', g, unary('powScalar', x, p - 1)), p), p);

// ---- differentiable binary ops ----

function binaryOp(op: BinaryOp, a: Tensor, b: Tensor, grad: (g: Tensor, y: Tensor) => [Tensor, Tensor]): Tensor {
  const y = binary(op, a, b);
  return record(y, op, [a, b], (g) =>
    tidy(() => {
      const [ga, gb] = grad(g, y);
      return [
        a.requiresGrad || a.node ? sumToShape(ga, a.shape) : null,
        b.requiresGrad || b.node ? sumToShape(gb, b.shape) : null,
      ];
    }),
  );
}

/** a + b elementwise, with broadcasting. */
export const add = (a: Tensor, b: Tensor) => binaryOp('add', a, b, (g) => [g, g]);
/** a − b elementwise, with broadcasting. */
export const sub = (a: Tensor, b: Tensor) => binaryOp('sub', a, b, (g) => [g, unary('neg', g)]);
/** a · b elementwise, with broadcasting. */
export const mul = (a: Tensor, b: Tensor) => binaryOp('mul', a, b, (g) => [binary('mul', g, b), binary('mul', g, a)]);
/** a / b elementwise, with broadcasting. */
export const div = (a: Tensor, b: Tensor) =>
  binaryOp('div', a, b, (g, y) => {
    const ga = binary('div', g, b);
    return [ga, unary('neg', binary('mul', ga, y))];
  });
/** a^b elementwise (negative bases only with integer exponents, as in numpy). */
export const pow = (a: Tensor, b: Tensor) =>
  binaryOp('pow', a, b, (g) => {
    const ga = binary('mul', g, binary('mul', b, binary('pow', a, binary('sub', b, scalar(b, 1)))));
    return [ga, binary('mul', g, binary('powExpGrad', a, b))];
  });
/** Elementwise maximum; on ties the gradient goes to b. */
export const maximum = (a: Tensor, b: Tensor) =>
  binaryOp('max', a, b, (g) => {
    const ga = binary('mul', g, binary('gt', a, b));
    return [ga, binary('sub', g, ga)];
  });
/** Elementwise minimum; on ties the gradient goes to b. */
export const minimum = (a: Tensor, b: Tensor) =>
  binaryOp('min', a, b, (g) => {
    const ga = binary('mul', g, binary('gt', b, a));
    return [ga, binary('sub', g, ga)];
  });
/** PReLU: x for x > 0, slope·x otherwise; slope broadcasts (e.g. shape [C, 1, 1] for NCHW). */
export const prelu = (x: Tensor, slope: Tensor) =>
  binaryOp('prelu', x, slope, (g) => [
    binary('mul', g, binary('preluSlope', x, slope)),
    binary('mul', g, binary('min', x, scalar(x, 0))),
  ]);
