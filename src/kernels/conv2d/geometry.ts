// Convolution geometry: option types, the shape arithmetic shared by every conv2d launcher and op, the
// uniforms the conv shaders read, and the channel blocking of the forward kernels' weight layout.
import type { Tensor } from '../../engine/tensor.js';
import { shapeStr } from '../util.js';

export type Activation = 'none' | 'relu' | 'prelu' | 'silu';
export type Pair = number | readonly [number, number];
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

export const pair = (v: Pair | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** [top, bottom, left, right] from any Padding form. */
export function pads(p: Padding | undefined): [number, number, number, number] {
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

/** The geometry fields every conv shader's Params struct holds (padBottom/padRight follow from OH/OW). */
export function geomUniforms(g: ConvGeometry) {
  const { N, Cin, H, W, Cout, OH, OW, groups, KH, KW, strideH, strideW, padTop, padLeft, dilH, dilW, cinG, coutG } = g;
  return { N, Cin, H, W, Cout, OH, OW, groups, KH, KW, strideH, strideW, padTop, padLeft, dilH, dilW, cinG, coutG };
}

export const up4 = (v: number) => Math.ceil(v / 4) * 4;

/** The shape class of a convolution: launch label and autotune key. */
export const convLabel = (g: ConvGeometry) => `x[${g.N},${g.Cin},${g.H},${g.W}] w[${g.Cout},${g.cinG},${g.KH},${g.KW}] s${g.strideH} g${g.groups}`;

/** Output channels per invocation of the forward kernel: 8 where there are enough, else 4. */
export const coBlock = (coutG: number) => (coutG >= 8 ? 8 : 4);
export const coPad = (coutG: number) => Math.ceil(coutG / coBlock(coutG)) * coBlock(coutG);
