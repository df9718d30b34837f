// Winograd convolution F(m×m, 3×3) for 3×3, stride-1, dilation-1, ungrouped convolutions (any padding):
// the output in m×m tiles (m = 2: 4×4 input tiles; m = 4: 6×6), each tile's (m+2)² transformed inputs
// multiplied channel by channel with the transformed weights. Four launches:
//   weights   U[ξ][ci][co] = (G g Gᵀ)[ξ]          shaders/winograd_weight.wgsl
//   input     V[ξ][tile][ci] = (Bᵀ d B)[ξ]         shaders/winograd_input_f{2,4}.wgsl
//   products  M[ξ] = V[ξ] · U[ξ]  ((m+2)² batched matmuls on the matmul kernels)
//   output    y = Aᵀ M A + bias, activation, residual   shaders/winograd_output_f{2,4}.wgsl
// A direct 3×3 kernel does 9 multiply-adds per output and input channel, F(2×2) 16/4 = 4, F(4×4) 36/16 =
// 2.25, and the products run on the matmul kernels, the fastest on a CPU adapter. The price: the transforms
// (memory-bound) and, for F(4×4), larger rounding error (its transform entries reach 8 and 1/24).
import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { matmulRaw } from '../matmul.js';
import { empty, grid1d, sameEngine } from '../util.js';
import { coPad, convLabel, geomUniforms, up4, type ConvGeometry } from './geometry.js';

export type WinogradVariant = 'winograd2' | 'winograd4';
export const WINOGRAD_VARIANTS: readonly WinogradVariant[] = ['winograd2', 'winograd4'];

/** Output tile size m of F(m×m, 3×3) for each variant. */
export const WINOGRAD_TILE: Record<WinogradVariant, 2 | 4> = { winograd2: 2, winograd4: 4 };

export const isWinogradVariant = (v: string): v is WinogradVariant => (WINOGRAD_VARIANTS as readonly string[]).includes(v);

/** Whether the Winograd path computes the convolution g (3×3, stride 1, dilation 1, one group). */
export function isWinogradConv(g: ConvGeometry): boolean {
  return g.KH === 3 && g.KW === 3 && g.strideH === 1 && g.strideW === 1 && g.dilH === 1 && g.dilW === 1 && g.groups === 1;
}

/** Tiles of the output and the padded operand sizes of F(m×m, 3×3) on g. */
export function winogradShape(g: ConvGeometry, m: 2 | 4) {
  const tilesH = Math.ceil(g.OH / m);
  const tilesW = Math.ceil(g.OW / m);
  const alpha = m + 2;
  // the matmul's vec4 kernels want its inner (Cp) and column (Kp) counts in multiples of 4
  return { tilesH, tilesW, P: g.N * tilesH * tilesW, xi: alpha * alpha, Cp: up4(g.Cin), Kp: up4(g.Cout) };
}

/**
 * Whether F(m×m)'s operands on g fit e's largest storage binding: V and the products hold (m+2)²/m² times
 * the input's or output's floats (4× for F(2×2), 2.25× for F(4×4)), where a direct kernel needs nothing
 * beyond x and y (the 256×256 U-Net's 256-channel convs at 128 MiB bindings).
 */
export function winogradFits(g: ConvGeometry, m: 2 | 4, e: Engine): boolean {
  const s = winogradShape(g, m);
  // the tiles rounded up to 4: the weight gradient's operands
  const floats = s.xi * Math.max(up4(s.P) * Math.max(s.Cp, s.Kp), s.Cp * s.Kp);
  return floats * 4 <= e.limits.maxStorageBufferBindingSize;
}

/** U [ξ][Cp][Kp] from the forward kernels' weight layout wt [1][Cin·9][coPad] (weight_layouts.ts). */
export function winogradWeights(wt: Tensor, g: ConvGeometry, m: 2 | 4): Tensor {
  const e = wt.engine;
  const s = winogradShape(g, m);
  const u = empty(e, [s.xi, s.Cp, s.Kp]);
  e.launch('winograd_weight', {
    buffers: [wt.buffer, u.buffer],
    overrides: { TILE: m, WG_X: 64 },
    uniforms: { Cin: g.Cin, Cout: g.Cout, Cp: s.Cp, Kp: s.Kp, wtCols: coPad(g.coutG) },
    workgroups: [Math.ceil(s.Kp / 64), s.Cp, 1],
    label: convLabel(g),
  });
  return u;
}

/** Lanes per workgroup along channels: 8 to 64, as few as cover c (each width is its own pipeline). */
export const lanesFor = (c: number) => Math.min(64, Math.max(8, 2 ** Math.ceil(Math.log2(c))));

/** Workgroups of a transform: channels along x, the P tiles over y, continued over z past the device limit. */
function transformGrid(e: Engine, lanes: number, channels: number, P: number): [number, number, number] {
  const [y, z] = grid1d(e, P, 1);
  return [Math.ceil(channels / lanes), y, z];
}

/** V [ξ][tiles][Cp]: the transformed input tiles, zero rows past P (tiles ≥ P: the weight gradient pads to 4). */
export function winogradInput(x: Tensor, g: ConvGeometry, m: 2 | 4, tiles = winogradShape(g, m).P): Tensor {
  const e = x.engine;
  const s = winogradShape(g, m);
  const v = empty(e, [s.xi, tiles, s.Cp]);
  const lanes = lanesFor(s.Cp);
  e.launch(`winograd_input_f${m}`, {
    buffers: [x.buffer, v.buffer],
    overrides: { WG_X: lanes },
    uniforms: { C: g.Cin, H: g.H, W: g.W, Cp: s.Cp, tilesW: s.tilesW, tilesHW: s.tilesH * s.tilesW, P: s.P, tiles, padTop: g.padTop, padLeft: g.padLeft },
    workgroups: transformGrid(e, lanes, s.Cp, tiles),
    label: convLabel(g),
  });
  return v;
}

/**
 * The derived-cache key of V for the weight gradient: the forward of a convolution whose weight gradient
 * will be needed keeps V (padded to P4 tiles) there, and the weight gradient takes it instead of
 * transforming x again.
 */
export const keptInputKey = (g: ConvGeometry, m: 2 | 4) => `winograd V F${m} ${convLabel(g)}`;

/** M [ξ][P][Kp] = V[ξ] · U[ξ] (V may hold padding tiles past P): one batched launch of the matmul kernels. */
export function winogradProducts(v: Tensor, u: Tensor, g: ConvGeometry, m: 2 | 4): Tensor {
  const e = sameEngine(v, u);
  const s = winogradShape(g, m);
  const prod = empty(e, [s.xi, s.P, s.Kp]);
  matmulRaw(v, u, prod, s.P, s.Kp, s.Cp, s.xi, v.shape[1] * s.Cp, s.Cp * s.Kp);
  return prod;
}

/** The fused epilogue of the output transform: the forward kernels' overrides and their bias, slope, residual buffers. */
export interface WinogradEpilogue {
  overrides: { ACT: number; HAS_BIAS: boolean; RESIDUAL: number };
  buffers: [GPUBuffer, GPUBuffer, GPUBuffer];
}

/** y [N, Cout, OH, OW] from the products, with bias, activation and residual. */
export function winogradOutput(prod: Tensor, g: ConvGeometry, m: 2 | 4, epi: WinogradEpilogue): Tensor {
  const e = prod.engine;
  const s = winogradShape(g, m);
  const y = empty(e, [g.N, g.Cout, g.OH, g.OW]);
  const lanes = lanesFor(g.Cout);
  e.launch(`winograd_output_f${m}`, {
    buffers: [prod.buffer, ...epi.buffers, y.buffer],
    overrides: { ...epi.overrides, WG_X: lanes },
    // owBlocks: tiles per output row; coutG4: the products' row length
    uniforms: { ...geomUniforms(g), coutG4: s.Kp, owBlocks: s.tilesW },
    workgroups: transformGrid(e, lanes, g.Cout, s.P),
    label: convLabel(g),
  });
  return y;
}

/**
 * The whole convolution from the forward weight layout; the caller checks isWinogradConv(g). The
 * transformed weights are kept while wt is unchanged (the engine's derived cache); with `keepInput` so is
 * V, for the weight gradient (winograd_weight_grad.ts), while x is unchanged and the cache's budget allows.
 */
export function conv2dWinograd(x: Tensor, wt: Tensor, g: ConvGeometry, m: 2 | 4, epi: WinogradEpilogue, keepInput = false): Tensor {
  const e = wt.engine;
  const u = e.derived.get(wt, `winograd F${m} ${g.Cin}→${g.Cout}`, () => winogradWeights(wt, g, m));
  const v = keepInput ? e.derived.get(x, keptInputKey(g, m), () => winogradInput(x, g, m, up4(winogradShape(g, m).P))) : winogradInput(x, g, m);
  const prod = winogradProducts(v, u, g, m);
  u.dispose();
  v.dispose();
  const y = winogradOutput(prod, g, m, epi);
  prod.dispose();
  return y;
}
