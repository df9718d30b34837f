// conv2d and conv_transpose2d (NCHW) with gradients, on three kernels: shaders/conv2d.wgsl (forward),
// shaders/conv2d_input_grad.wgsl (input gradient = transposed convolution) and
// shaders/conv2d_weight_grad.wgsl (weight gradient, split over the batch·pixel reduction).
import { record, isGradEnabled } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import type { Engine } from '../engine/engine.js';
import { copyStrided } from './copy.js';
import { fill } from './create.js';
import { add, binary, prelu as preluOp, relu as reluOp, silu as siluOp, sub, unary } from './elementwise.js';
import { matmul } from './matmul.js';
import { randUniform } from './random.js';
import { sum } from './reduce.js';
import { empty, sameEngine, sameShape, shapeStr } from './util.js';

export type Activation = 'none' | 'relu' | 'prelu' | 'silu';
type Pair = number | readonly [number, number];
/** number, [h, w], or [top, bottom, left, right] (asymmetric, e.g. [0, 1, 0, 1] for DDPM's downsample). */
export type Padding = number | readonly [number, number] | readonly [number, number, number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
  /** Fused after the bias. */
  activation?: Activation;
  /** PReLU slopes, one per output channel (shape [Cout]), for activation 'prelu'. */
  slope?: Tensor;
  /** Fused residual: y = residual + residualSign·act(conv(x) + bias), residual shaped like y. */
  residual?: Tensor;
  residualSign?: 1 | -1;
}

export interface ConvGeometry {
  N: number; Cin: number; H: number; W: number;
  Cout: number; OH: number; OW: number; groups: number;
  KH: number; KW: number; strideH: number; strideW: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number; dilH: number; dilW: number;
  cinG: number; coutG: number;
}

const pair = (v: Pair | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);

function pads(p: Padding | undefined): [number, number, number, number] {
  if (p === undefined) return [0, 0, 0, 0];
  if (typeof p === 'number') return [p, p, p, p];
  if (p.length === 2) return [p[0], p[0], p[1], p[1]];
  return [p[0], p[1], p[2], p[3]];
}

function checkPositiveInts(what: string, vals: Record<string, number>, min = 1): void {
  for (const [k, v] of Object.entries(vals)) {
    if (!Number.isInteger(v) || v < min) throw new Error(`${what}: ${k} must be an integer >= ${min}, got ${v}`);
  }
}

/** Geometry of a convolution from input [N, Cin, H, W] with weight [Cout, Cin/groups, KH, KW]. */
export function convGeometry(xShape: readonly number[], wShape: readonly number[], o: Conv2dOptions, what = 'conv2d'): ConvGeometry {
  if (xShape.length !== 4) throw new Error(`${what}: input must be NCHW (rank 4), got ${shapeStr(xShape)}`);
  if (wShape.length !== 4) throw new Error(`${what}: weight must be [Cout, Cin/groups, KH, KW], got ${shapeStr(wShape)}`);
  const [N, Cin, H, W] = xShape;
  const [Cout, cinG, KH, KW] = wShape;
  const groups = o.groups ?? 1;
  const [strideH, strideW] = pair(o.stride, 1);
  const [dilH, dilW] = pair(o.dilation, 1);
  const [padTop, padBottom, padLeft, padRight] = pads(o.padding);
  checkPositiveInts(what, { groups, strideH, strideW, dilH, dilW });
  checkPositiveInts(what, { padTop, padBottom, padLeft, padRight }, 0);
  if (Cin % groups !== 0 || Cout % groups !== 0) {
    throw new Error(`${what}: channels in (${Cin}) and out (${Cout}) must be divisible by groups (${groups})`);
  }
  if (cinG !== Cin / groups) {
    throw new Error(`${what}: weight ${shapeStr(wShape)} expects ${cinG * groups} input channels, input ${shapeStr(xShape)} has ${Cin}`);
  }
  const OH = Math.floor((H + padTop + padBottom - dilH * (KH - 1) - 1) / strideH) + 1;
  const OW = Math.floor((W + padLeft + padRight - dilW * (KW - 1) - 1) / strideW) + 1;
  if (OH <= 0 || OW <= 0) throw new Error(`${what}: kernel ${KH}×${KW} does not fit input ${H}×${W} with this padding`);
  return { N, Cin, H, W, Cout, OH, OW, groups, KH, KW, strideH, strideW, padTop, padLeft, padBottom, padRight, dilH, dilW, cinG, coutG: Cout / groups };
}

function geomUniforms(g: ConvGeometry) {
  const { N, Cin, H, W, Cout, OH, OW, groups, KH, KW, strideH, strideW, padTop, padLeft, dilH, dilW, cinG, coutG } = g;
  return { N, Cin, H, W, Cout, OH, OW, groups, KH, KW, strideH, strideW, padTop, padLeft, dilH, dilW, cinG, coutG };
}

const up4 = (v: number) => Math.ceil(v / 4) * 4;
const label = (g: ConvGeometry) => `x[${g.N},${g.Cin},${g.H},${g.W}] w[${g.Cout},${g.cinG},${g.KH},${g.KW}] s${g.strideH} g${g.groups}`;

/** Output channels per invocation of the forward kernel: 8 where there are enough, else 4. */
const coBlock = (coutG: number) => (coutG >= 8 ? 8 : 4);
const coPad = (coutG: number) => Math.ceil(coutG / coBlock(coutG)) * coBlock(coutG);

/** wt[group][k][coPad] from w[Cout][cinG][KH][KW], zero-padded over co. */
function weightForForward(w: Tensor, g: ConvGeometry): Tensor {
  const K = g.cinG * g.KH * g.KW;
  const c4 = coPad(g.coutG);
  const wt = fill(w.engine, [g.groups, K, c4], 0);
  copyStrided(w, wt, [g.groups, g.coutG, K], [g.coutG * K, K, 1], [K * c4, 1, c4], 0, 0, 'conv weight layout');
  return wt;
}

/** wt[group][co][kh·KW + kw][ci4] from w[Cout][cinG][KH][KW], zero-padded over ci. */
function weightForInputGrad(w: Tensor, g: ConvGeometry): Tensor {
  const KHW = g.KH * g.KW;
  const c4 = up4(g.cinG);
  const wt = fill(w.engine, [g.Cout, KHW, c4], 0);
  copyStrided(w, wt, [g.Cout, g.cinG, KHW], [g.cinG * KHW, KHW, 1], [KHW * c4, 1, c4], 0, 0, 'conv weight layout');
  return wt;
}

// a placeholder for unused bias/slope bindings; lives as long as its engine, outside any tidy() scope
const dummies = new WeakMap<Engine, Tensor>();
function dummy(e: Engine): Tensor {
  let d = dummies.get(e);
  if (!d || d.disposed) {
    d = keep(fill(e, [4], 0));
    dummies.set(e, d);
  }
  return d;
}

const ACT_CODE: Record<Activation, number> = { none: 0, relu: 1, prelu: 2, silu: 3 };

/** The forward kernel alone (no autograd). */
export function conv2dRaw(
  x: Tensor, w: Tensor, bias: Tensor | null, g: ConvGeometry, act: Activation = 'none', slope: Tensor | null = null,
  residual: Tensor | null = null, residualSign: 1 | -1 = 1, variant?: ConvForwardVariant,
): Tensor {
  const wt = weightForForward(w, g);
  const y = conv2dLaidOut(x, wt, bias, g, act, slope, residual, residualSign, variant);
  wt.dispose();
  return y;
}

/**
 * Forward kernel variants: 'general' (conv2d.wgsl), 'k3rows' (conv2d_k3_rows.wgsl: KW = 3), 'rows'
 * (conv2d_rows.wgsl: KW = 3 or 5), the last two for stride and dilation 1 along W, and 'k3rows_sg'
 * (conv2d_k3_rows_sg.wgsl: k3rows with the weights shared through subgroups of 8+ invocations).
 */
export type ConvForwardVariant = 'general' | 'k3rows' | 'rows' | 'k3rows_sg';

/** The variants for g on engine e, the untuned default first. */
export function convForwardVariants(g: ConvGeometry, e?: Engine): ConvForwardVariant[] {
  const alongW1 = g.strideW === 1 && g.dilW === 1;
  const sg = !!e && e.features.subgroups && e.features.subgroupMinSize >= 8;
  if (alongW1 && g.KW === 3) return sg ? ['k3rows_sg', 'k3rows', 'rows', 'general'] : ['k3rows', 'rows', 'general'];
  if (alongW1 && g.KW === 5) return ['rows', 'general'];
  return ['general'];
}

const FORWARD_KERNEL: Record<ConvForwardVariant, string> = {
  general: 'conv2d', k3rows: 'conv2d_k3_rows', rows: 'conv2d_rows', k3rows_sg: 'conv2d_k3_rows_sg',
};

/** Launches a forward kernel with weights already in the [group][k][co4] layout. */
function conv2dLaidOut(
  x: Tensor, wt: Tensor, bias: Tensor | null, g: ConvGeometry, act: Activation, slope: Tensor | null,
  residual: Tensor | null = null, residualSign: 1 | -1 = 1, variant?: ConvForwardVariant,
): Tensor {
  const e = sameEngine(x, wt);
  const y = empty(e, [g.N, g.Cout, g.OH, g.OW]);
  const z = g.N * g.groups;
  if (z > e.limits.maxComputeWorkgroupsPerDimension) throw new Error(`conv2d: batch × groups = ${z} is too large`);
  const variants = convForwardVariants(g, e);
  if (variant && !variants.includes(variant)) throw new Error(`conv2d: variant '${variant}' does not apply to ${label(g)} on this device`);
  const v = variant ?? e.autotuner.pick('conv2d', label(g), variants, () => {
    const sx = randUniform(e, [g.N, g.Cin, g.H, g.W], { seed: 1 });
    const swt = randUniform(e, wt.shape, { seed: 2 });
    const run = (id: ConvForwardVariant) => () => conv2dLaidOut(sx, swt, null, g, 'none', null, null, 1, id).dispose();
    return { candidates: Object.fromEntries(variants.map((id) => [id, run(id)])), dispose: () => [sx, swt].forEach((t) => t.dispose()) };
  });
  const cols = v === 'general' ? 4 : 8; // output columns per invocation
  const coBlk = v === 'general' ? coBlock(g.coutG) : 4; // output channels per invocation
  const owBlocks = Math.ceil(g.OW / cols);
  // k3rows_sg: one row of invocations per workgroup, so a workgroup (and each subgroup) shares its channels
  // (as wide as the output row blocks, 8 to 64 invocations, so small outputs do not idle half of them)
  const [WG_X, WG_Y] = v === 'k3rows_sg' ? [Math.min(64, Math.max(8, 2 ** Math.ceil(Math.log2(g.OH * owBlocks)))), 1] : [16, 4];
  const buffers = [x.buffer, wt.buffer, (bias ?? dummy(e)).buffer, (slope ?? dummy(e)).buffer, (residual ?? dummy(e)).buffer, y.buffer];
  e.launch(FORWARD_KERNEL[v], {
    // k3rows_sg reads the weights through its scalar binding only (the unused vec4 one is not bound)
    buffers: v === 'k3rows_sg' ? [...buffers.filter((_, i) => i !== 1), wt.buffer] : buffers,
    overrides: {
      ACT: ACT_CODE[act], HAS_BIAS: bias !== null, WG_X,
      RESIDUAL: residual ? (residualSign === 1 ? 1 : 2) : 0,
      ...(v === 'k3rows_sg' ? {} : { WG_Y }),
      ...(v === 'general' ? { CO_VECS: coBlk / 4 } : {}),
      ...(v === 'rows' ? { TAPS: g.KW } : {}),
    },
    uniforms: { ...geomUniforms(g), coutG4: coPad(g.coutG), owBlocks },
    workgroups: [Math.ceil((g.OH * owBlocks) / WG_X), Math.ceil(coPad(g.coutG) / coBlk / WG_Y), z],
    label: label(g),
  });
  return y;
}

/**
 * For stride 1 the input gradient is a convolution of dy with the spatially flipped, channel-swapped
 * weights and padding dil·(K−1) − pad: the forward kernel serves, which is faster than the gather kernel.
 */
function inputGradAsConv(dy: Tensor, w: Tensor, g: ConvGeometry): Tensor | null {
  const kh = g.dilH * (g.KH - 1);
  const kw = g.dilW * (g.KW - 1);
  if (g.strideH !== 1 || g.strideW !== 1 || g.padTop > kh || g.padBottom > kh || g.padLeft > kw || g.padRight > kw) return null;
  const KHW = g.KH * g.KW;
  // wt[group][(co·KH + kh)·KW + kw][ciPad] = w[group·coutG + co][ci][KH−1−kh][KW−1−kw] (negative strides wrap in u32)
  const c4 = coPad(g.cinG);
  const wt = fill(w.engine, [g.groups, g.coutG * KHW, c4], 0);
  copyStrided(
    w, wt, [g.groups, g.coutG, g.KH, g.KW, g.cinG],
    [g.coutG * g.cinG * KHW, g.cinG * KHW, -g.KW, -1, KHW],
    [g.coutG * KHW * c4, KHW * c4, g.KW * c4, c4, 1],
    KHW - 1, 0, 'conv weight flip',
  );
  const back: ConvGeometry = {
    N: g.N, Cin: g.Cout, H: g.OH, W: g.OW, Cout: g.Cin, OH: g.H, OW: g.W, groups: g.groups,
    KH: g.KH, KW: g.KW, strideH: 1, strideW: 1, dilH: g.dilH, dilW: g.dilW,
    padTop: kh - g.padTop, padBottom: kh - g.padBottom, padLeft: kw - g.padLeft, padRight: kw - g.padRight,
    cinG: g.coutG, coutG: g.cinG,
  };
  const dx = conv2dLaidOut(dy, wt, null, back, 'none', null);
  wt.dispose();
  return dx;
}

/**
 * For strides above 1 (dilation 1) the input gradient splits by output phase: the rows ih ≡ rh and
 * columns iw ≡ rw (mod stride) of dx are a stride-1 convolution of dy with the sub-kernel of taps
 * kh ≡ (rh + padTop) (mod stride), flipped. Each phase runs on the forward kernels (and their fast
 * variants) and is written into its strided positions of dx; the gather kernel needs many more loads.
 */
function inputGradByPhases(dy: Tensor, w: Tensor, g: ConvGeometry): Tensor | null {
  if (g.dilH !== 1 || g.dilW !== 1 || (g.strideH === 1 && g.strideW === 1)) return null;
  const e = sameEngine(dy, w);
  const [sH, sW] = [g.strideH, g.strideW];
  const taps = (r: number, pad: number, K: number, s: number) => {
    const k0 = (r + pad) % s;
    return { k0, q: Math.floor((r + pad) / s), J: k0 < K ? Math.ceil((K - k0) / s) : 0 };
  };
  const phases: { rh: number; rw: number; A: number; B: number; th: ReturnType<typeof taps>; tw: ReturnType<typeof taps> }[] = [];
  for (let rh = 0; rh < Math.min(sH, g.H); rh++) {
    for (let rw = 0; rw < Math.min(sW, g.W); rw++) {
      phases.push({ rh, rw, A: Math.ceil((g.H - rh) / sH), B: Math.ceil((g.W - rw) / sW), th: taps(rh, g.padTop, g.KH, sH), tw: taps(rw, g.padLeft, g.KW, sW) });
    }
  }
  // a phase without taps stays zero
  const dx = phases.some((q) => q.th.J === 0 || q.tw.J === 0) ? fill(e, [g.N, g.Cin, g.H, g.W], 0) : empty(e, [g.N, g.Cin, g.H, g.W]);
  const KHW = g.KH * g.KW;
  const c4 = coPad(g.cinG);
  for (const { rh, rw, A, B, th, tw } of phases) {
    if (th.J === 0 || tw.J === 0) continue;
    // wt[group][(co·Jh + t)·Jw + u][ci] = w[group·coutG + co][ci][k0h + sH·(Jh−1−t)][k0w + sW·(Jw−1−u)]
    const wt = fill(e, [g.groups, g.coutG * th.J * tw.J, c4], 0);
    copyStrided(
      w, wt, [g.groups, g.coutG, th.J, tw.J, g.cinG],
      [g.coutG * g.cinG * KHW, g.cinG * KHW, -sH * g.KW, -sW, KHW],
      [g.coutG * th.J * tw.J * c4, th.J * tw.J * c4, tw.J * c4, c4, 1],
      (th.k0 + sH * (th.J - 1)) * g.KW + tw.k0 + sW * (tw.J - 1), 0, 'conv weight phase',
    );
    const phase: ConvGeometry = {
      N: g.N, Cin: g.Cout, H: g.OH, W: g.OW, Cout: g.Cin, OH: A, OW: B, groups: g.groups,
      KH: th.J, KW: tw.J, strideH: 1, strideW: 1, dilH: 1, dilW: 1,
      padTop: th.J - 1 - th.q, padLeft: tw.J - 1 - tw.q, padBottom: 0, padRight: 0,
      cinG: g.coutG, coutG: g.cinG,
    };
    const y = conv2dLaidOut(dy, wt, null, phase, 'none', null);
    copyStrided(y, dx, [g.N, g.Cin, A, B], [g.Cin * A * B, A * B, B, 1], [g.Cin * g.H * g.W, g.H * g.W, sH * g.W, sW], 0, rh * g.W + rw, 'conv phase scatter');
    y.dispose();
    wt.dispose();
  }
  return dx;
}

/** dx of the convolution g given dy (also: conv_transpose2d forward). */
export function conv2dInputGradRaw(dy: Tensor, w: Tensor, g: ConvGeometry, method: 'auto' | 'gather' = 'auto'): Tensor {
  if (method === 'auto') {
    const asConv = inputGradAsConv(dy, w, g) ?? inputGradByPhases(dy, w, g);
    if (asConv) return asConv;
  }
  const e = sameEngine(dy, w);
  const dx = empty(e, [g.N, g.Cin, g.H, g.W]);
  const wt = weightForInputGrad(w, g);
  // columns grouped by phase (iw mod stride), 4 per invocation
  const qBlocks = Math.ceil(Math.ceil(g.W / g.strideW) / 4);
  const WG_X = 16, WG_Y = 4;
  e.launch('conv2d_input_grad', {
    buffers: [dy.buffer, wt.buffer, dx.buffer],
    overrides: { WG_X, WG_Y },
    uniforms: { ...geomUniforms(g), cinG4: up4(g.cinG), qBlocks },
    workgroups: [Math.ceil((g.H * g.strideW * qBlocks) / WG_X), Math.ceil(up4(g.cinG) / 4 / WG_Y), g.N * g.groups],
    label: label(g),
  });
  wt.dispose();
  return dx;
}

/** dW [Cout, cinG, KH, KW] of the convolution g given its input x and dy. */
/**
 * Weight-gradient variants: 'general', 'k3' (KW = 3), 'k3slide' (KW = 3, stride and dilation 1 along W)
 * and 'k3slide_sg' (k3slide with dy shared through subgroups of 4+ invocations).
 */
export type ConvWeightGradVariant = 'general' | 'k3' | 'k3slide' | 'k3slide_sg';

export function convWeightGradVariants(g: ConvGeometry, e?: Engine): ConvWeightGradVariant[] {
  if (g.KW !== 3) return ['general'];
  if (g.strideW !== 1 || g.dilW !== 1) return ['k3', 'general'];
  // k3slide_sg wins on some shapes only (0.7–1.2× of k3slide in the lab): the autotuner decides
  return e && e.features.subgroups && e.features.subgroupMinSize >= 4 ? ['k3slide', 'k3slide_sg', 'k3', 'general'] : ['k3slide', 'k3', 'general'];
}

// k3slide is conv2d_weight_grad_k3.wgsl with its SLIDE override
const WEIGHT_GRAD_KERNEL: Record<ConvWeightGradVariant, string> = {
  general: 'conv2d_weight_grad', k3: 'conv2d_weight_grad_k3', k3slide: 'conv2d_weight_grad_k3', k3slide_sg: 'conv2d_weight_grad_k3_slide_sg',
};

export function conv2dWeightGradRaw(x: Tensor, dy: Tensor, g: ConvGeometry, variant?: ConvWeightGradVariant): Tensor {
  const e = sameEngine(x, dy);
  const variants = convWeightGradVariants(g, e);
  if (variant && !variants.includes(variant)) throw new Error(`conv2d weight gradient: variant '${variant}' does not apply to ${label(g)} on this device`);
  const v = variant ?? e.autotuner.pick('conv2d_weight_grad', label(g), variants, () => {
    const sx = randUniform(e, x.shape, { seed: 1 });
    const sdy = randUniform(e, dy.shape, { seed: 2 });
    const run = (id: ConvWeightGradVariant) => () => conv2dWeightGradRaw(sx, sdy, g, id).dispose();
    return { candidates: Object.fromEntries(variants.map((id) => [id, run(id)])), dispose: () => [sx, sdy].forEach((t) => t.dispose()) };
  });
  const KHW = g.KH * g.KW;
  // k3slide_sg: one row of invocations per workgroup, so a workgroup (and each subgroup) shares its channels
  const [WG_X, WG_Y] = v === 'k3slide_sg' ? [32, 1] : [16, 4];
  // the KW = 3 kernels: one invocation covers a kernel row (three taps), so each dy load serves three products
  const k3 = v !== 'general';
  const gx = Math.ceil(g.cinG / 4) * (k3 ? g.KH : KHW);
  const gy = Math.ceil(g.coutG / 4);
  const rows = g.N * g.OH;
  // enough independent partial sums to fill the device; each must still have real work
  const outputs = gx * gy * g.groups;
  const target = e.isSoftwareAdapter ? 1024 : 16384;
  const splits = Math.max(1, Math.min(rows, Math.ceil(target / outputs), Math.floor(65535 / g.groups)));
  const rowsPerSplit = Math.ceil(rows / splits);
  const used = Math.ceil(rows / rowsPerSplit);
  const part = empty(e, [used, g.Cout, g.cinG, g.KH, g.KW]);
  e.launch(WEIGHT_GRAD_KERNEL[v], {
    buffers: [x.buffer, dy.buffer, part.buffer],
    overrides: v === 'k3slide_sg' ? { WG_X } : v === 'general' ? { WG_X, WG_Y } : { WG_X, WG_Y, SLIDE: v === 'k3slide' },
    uniforms: { ...geomUniforms(g), splits: used, rowsPerSplit },
    workgroups: [Math.ceil(gx / WG_X), Math.ceil(gy / WG_Y), used * g.groups],
    label: label(g),
  });
  if (used === 1) {
    const dw = part.reshape([g.Cout, g.cinG, g.KH, g.KW]);
    part.dispose();
    return dw;
  }
  const dw = sum(part, [0]);
  part.dispose();
  return dw;
}

const needs = (t: Tensor | null | undefined): t is Tensor => !!t && (t.requiresGrad || t.node !== null);

/**
 * 2-D convolution: x [N, Cin, H, W], w [Cout, Cin/groups, KH, KW], optional bias [Cout], then the fused
 * activation. Differentiable in x, w, bias (and the PReLU slope).
 */
export function conv2d(x: Tensor, w: Tensor, bias: Tensor | null = null, o: Conv2dOptions = {}): Tensor {
  const g = convGeometry(x.shape, w.shape, o);
  const act = o.activation ?? 'none';
  if (bias && (bias.rank !== 1 || bias.shape[0] !== g.Cout)) throw new Error(`conv2d: bias must be [${g.Cout}], got ${shapeStr(bias.shape)}`);
  if (act === 'prelu' && (!o.slope || o.slope.size !== g.Cout)) throw new Error(`conv2d: activation 'prelu' needs slope of ${g.Cout} values`);
  const res = o.residual ?? null;
  const sign = o.residualSign ?? 1;
  if (res && !sameShape(res.shape, [g.N, g.Cout, g.OH, g.OW])) {
    throw new Error(`conv2d: residual ${shapeStr(res.shape)} must match the output [${g.N},${g.Cout},${g.OH},${g.OW}]`);
  }
  // a 1×1 convolution is a matrix product: W [Cout, Cin] · x [N, Cin, H·W], with the matmul kernel
  if (g.KH === 1 && g.KW === 1 && g.strideH === 1 && g.strideW === 1 && g.groups === 1 && g.dilH === 1 && g.dilW === 1 &&
      g.padTop + g.padBottom + g.padLeft + g.padRight === 0 && g.Cin % 4 === 0 && (g.H * g.W) % 4 === 0) {
    return conv1x1(x, w, bias, g, act, o.slope ?? null, res, sign);
  }
  const recording = isGradEnabled() && [x, w, bias, o.slope, res].some(needs);
  // silu and prelu backward need the pre-activation: when recording, apply them as separate ops
  if (recording && (act === 'silu' || act === 'prelu')) {
    const pre = conv2d(x, w, bias, { ...o, activation: 'none', residual: undefined });
    const post = act === 'silu' ? siluOp(pre) : preluOp(pre, o.slope!.reshape([g.Cout, 1, 1]));
    return res ? (sign === 1 ? add(res, post) : sub(res, post)) : post;
  }
  const y = conv2dRaw(x, w, bias, g, act, o.slope ?? null, res, sign);
  const inputs = [x, w, ...(bias ? [bias] : []), ...(res ? [res] : [])];
  return record(y, `conv2d(${act})`, inputs, (gy) =>
    tidy(() => {
      // relu: y > 0 exactly where the pre-activation is; with a residual, recover act(conv) = ±(y − r)
      let gPre = gy;
      if (act === 'relu') {
        const actOut = res ? (sign === 1 ? binary('sub', y, res) : binary('sub', res, y)) : y;
        gPre = binary('reluGrad', actOut, gy);
      }
      if (sign === -1) gPre = unary('neg', gPre);
      return [
        needs(x) ? conv2dInputGradRaw(gPre, w, g) : null,
        needs(w) ? conv2dWeightGradRaw(x, gPre, g) : null,
        ...(bias ? [needs(bias) ? sum(gPre, [0, 2, 3]) : null] : []),
        ...(res ? [gy] : []),
      ];
    }),
  );
}

/** 1×1 convolution as matmul + bias + activation (+ residual), each a differentiable op. */
function conv1x1(x: Tensor, w: Tensor, bias: Tensor | null, g: ConvGeometry, act: Activation, slope: Tensor | null, res: Tensor | null, sign: 1 | -1): Tensor {
  let y = matmul(w.reshape([g.Cout, g.Cin]), x.reshape([g.N, g.Cin, g.H * g.W])).reshape([g.N, g.Cout, g.H, g.W]);
  if (bias) y = add(y, bias.reshape([g.Cout, 1, 1]));
  if (act === 'relu') y = reluOp(y);
  else if (act === 'silu') y = siluOp(y);
  else if (act === 'prelu') y = preluOp(y, slope!.reshape([g.Cout, 1, 1]));
  if (res) y = sign === 1 ? add(res, y) : sub(res, y);
  return y;
}

export interface ConvTranspose2dOptions {
  stride?: Pair;
  padding?: Padding;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/**
 * Transposed convolution (PyTorch's ConvTranspose2d): x [N, Cin, H, W], w [Cin, Cout/groups, KH, KW],
 * output [N, Cout, (H-1)·s − padTop − padBottom + dil·(K−1) + outputPadding + 1, …]. Differentiable.
 */
export function convTranspose2d(x: Tensor, w: Tensor, bias: Tensor | null = null, o: ConvTranspose2dOptions = {}): Tensor {
  if (x.rank !== 4 || w.rank !== 4) throw new Error(`conv_transpose2d: need NCHW input and 4-D weight, got ${shapeStr(x.shape, w.shape)}`);
  const groups = o.groups ?? 1;
  const [N, Cin, H, W] = x.shape;
  const [wCin, coutG, KH, KW] = w.shape;
  if (wCin !== Cin) throw new Error(`conv_transpose2d: weight ${shapeStr(w.shape)} expects ${wCin} input channels, input has ${Cin}`);
  const [sH, sW] = pair(o.stride, 1);
  const [dH, dW] = pair(o.dilation, 1);
  const [opH, opW] = pair(o.outputPadding, 0);
  const [pt, pb, pl, pr] = pads(o.padding);
  if (opH >= Math.max(sH, dH) || opW >= Math.max(sW, dW)) throw new Error('conv_transpose2d: output padding must be smaller than stride or dilation');
  const OH = (H - 1) * sH - pt - pb + dH * (KH - 1) + opH + 1;
  const OW = (W - 1) * sW - pl - pr + dW * (KW - 1) + opW + 1;
  // the convolution this one transposes: from y [N, Cout, OH, OW] to x, weight w read as [Cin, coutG, KH, KW]
  const g = convGeometry([N, coutG * groups, OH, OW], w.shape, { stride: [sH, sW], dilation: [dH, dW], groups, padding: [pt, pb, pl, pr] }, 'conv_transpose2d');
  if (g.OH !== H || g.OW !== W) throw new Error(`conv_transpose2d: inconsistent geometry for input ${shapeStr(x.shape)}`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== coutG * groups)) throw new Error(`conv_transpose2d: bias must be [${coutG * groups}], got ${shapeStr(bias.shape)}`);
  const y0 = conv2dInputGradRaw(x, w, g);
  const yb = record(y0, 'conv_transpose2d', [x, w], (gy) =>
    tidy(() => [needs(x) ? conv2dRaw(gy, w, null, g) : null, needs(w) ? conv2dWeightGradRaw(gy, x, g) : null]),
  );
  return bias ? add(yb, bias.reshape([coutG * groups, 1, 1])) : yb;
}
