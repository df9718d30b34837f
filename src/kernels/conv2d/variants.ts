// The kernel variants of the conv2d family: which apply to a geometry on a device, and the pipeline each
// one launches. A pipeline name is its shader file: 'conv2d_rows' is shaders/conv2d_rows.wgsl.
import type { Engine } from '../../engine/engine.js';
import type { KernelName } from '../../engine/kernel_types.js';
import type { ConvGeometry } from './geometry.js';
import { isWinogradConv, isWinogradVariant, WINOGRAD_TILE, WINOGRAD_VARIANTS, winogradFits, type WinogradVariant } from './winograd.js';

/**
 * Forward kernel variants: 'general' (conv2d.wgsl), 'k3rows' (conv2d_k3_rows.wgsl: KW = 3), 'rows'
 * (conv2d_rows.wgsl: KW = 3 or 5), the last two for stride and dilation 1 along W, and 'k3rows_sg'
 * (conv2d_k3_rows_sg.wgsl: k3rows with the weights shared through subgroups of 8+ invocations; also
 * stride 2 along W).
 */
export type DirectForwardVariant = 'general' | 'k3rows' | 'rows' | 'k3rows_sg';
/** The direct kernels, and Winograd F(2×2, 3×3) / F(4×4, 3×3) (winograd.ts: transforms + batched matmul). */
export type ConvForwardVariant = DirectForwardVariant | WinogradVariant;

/**
 * Winograd is offered to the autotuner for 3×3 stride-1 convolutions with at least this many input and
 * output channels. bench/lab/winograd.ts against k3rows_sg: at 64–256 channels F(4×4) 2.2–6× and F(2×2)
 * 1.5–2.8×; at 32 about even (batch 1) to 1.4–1.7× (F(4×4), batch 8); at 16 both lose (0.4–0.97×), the
 * transforms outweighing the products.
 */
export const WINOGRAD_MIN_CHANNELS = 32;

/**
 * From this many input and output channels F(2×2) is the untuned default on maps smaller than
 * WINOGRAD4_DEFAULT_MIN_SIZE, where its operands fit a storage binding (winogradFits), and so what the
 * autotuner keeps for shape classes too slow to tune. It is never slower than the direct kernels there and
 * at least as accurate (docs/performance.md, Winograd).
 */
export const WINOGRAD_DEFAULT_MIN_CHANNELS = 64;

/**
 * On output maps of at least this size (both sides) F(4×4) is the untuned default from 32 channels (where
 * its operands fit): bench/lab/winograd.ts measured it ahead of F(2×2) and the direct kernels on every such
 * shape (32–128 channels, batch 1 and 8; docs/performance.md). Its rounding error, ~5e-6 of the output's
 * largest value against float64, is within the f32 tolerance of 1e-4 the engine's kernels are held to.
 */
export const WINOGRAD4_DEFAULT_MIN_SIZE = 32;

/** The variants for g on engine e, the untuned default first. */
export function convForwardVariants(g: ConvGeometry, e?: Engine): ConvForwardVariant[] {
  const alongW1 = g.strideW === 1 && g.dilW === 1;
  const sg = !!e && e.features.subgroups && e.features.subgroupMinSize >= 8;
  if (alongW1 && g.KW === 3) {
    const direct: ConvForwardVariant[] = sg ? ['k3rows_sg', 'k3rows', 'rows', 'general'] : ['k3rows', 'rows', 'general'];
    const minChannels = Math.min(g.Cin, g.Cout);
    if (!isWinogradConv(g) || minChannels < WINOGRAD_MIN_CHANNELS) return direct;
    const wino = WINOGRAD_VARIANTS.filter((v) => !e || winogradFits(g, WINOGRAD_TILE[v], e));
    // F(4×4) first on maps of 32×32 and more, F(2×2) first on smaller ones from 64 channels; the other
    // Winograd tile is timed next, so that the direct kernels, mostly 2× slower or more there, are timed
    // once only (autotune.ts)
    if (wino.includes('winograd4') && g.OH >= WINOGRAD4_DEFAULT_MIN_SIZE && g.OW >= WINOGRAD4_DEFAULT_MIN_SIZE) {
      return ['winograd4', ...wino.filter((v) => v !== 'winograd4'), ...direct];
    }
    if (minChannels >= WINOGRAD_DEFAULT_MIN_CHANNELS && wino[0] === 'winograd2') return [...wino, ...direct];
    return [...direct, ...wino];
  }
  if (alongW1 && g.KW === 5) return ['rows', 'general'];
  // the downsampling 3×3 stride-2 convs: k3rows_sg reads 17 input columns per 8 outputs
  if (sg && g.KW === 3 && g.strideW === 2 && g.dilW === 1) return ['k3rows_sg', 'general'];
  return ['general'];
}

/** Whether variant v can run g: the offered ones, and Winograd on any 3×3 stride-1 convolution (forced only). */
export function forwardVariantApplies(g: ConvGeometry, e: Engine, v: ConvForwardVariant): boolean {
  return convForwardVariants(g, e).includes(v) || (isWinogradVariant(v) && isWinogradConv(g));
}

/** Pipeline (= shaders/<name>.wgsl) of each direct forward variant. */
export const FORWARD_KERNEL = {
  general: 'conv2d', k3rows: 'conv2d_k3_rows', rows: 'conv2d_rows', k3rows_sg: 'conv2d_k3_rows_sg',
} as const satisfies Record<DirectForwardVariant, KernelName>;

/**
 * Weight-gradient variants: 'general', 'k3' (KW = 3), 'k3slide' (KW = 3, stride and dilation 1 along W),
 * 'k3slide_sg' (k3slide with dy shared through subgroups of 4+ invocations), and Winograd F(2×2) / F(4×4)
 * (winograd_weight_grad.ts: transforms + batched matmul over the tiles).
 */
export type DirectWeightGradVariant = 'general' | 'k3' | 'k3slide' | 'k3slide_sg';
export type ConvWeightGradVariant = DirectWeightGradVariant | WinogradVariant;

export function convWeightGradVariants(g: ConvGeometry, e?: Engine): ConvWeightGradVariant[] {
  if (g.KW !== 3) return ['general'];
  if (g.strideW !== 1 || g.dilW !== 1) return ['k3', 'general'];
  // k3slide_sg wins on some shapes only (0.7–1.2× of k3slide in the lab): the autotuner decides
  const direct: ConvWeightGradVariant[] = e && e.features.subgroups && e.features.subgroupMinSize >= 4 ? ['k3slide', 'k3slide_sg', 'k3', 'general'] : ['k3slide', 'k3', 'general'];
  if (!isWinogradConv(g) || Math.min(g.Cin, g.Cout) < WINOGRAD_MIN_CHANNELS) return direct;
  // Winograd first, F(4×4) ahead of F(2×2): 3–6× k3slide on the U-Net's weight gradients (32–128
  // channels, 8×8 to 64×64 maps, batch 1 and 8; docs/performance.md), its error ~1e-5 of the largest
  // gradient against float64
  const wino = WINOGRAD_VARIANTS.filter((v) => !e || winogradFits(g, WINOGRAD_TILE[v], e));
  return [...wino.reverse(), ...direct];
}

/** Whether variant v can run g's weight gradient: the offered ones, and Winograd on any 3×3 stride-1 convolution (forced only). */
export function weightGradVariantApplies(g: ConvGeometry, e: Engine, v: ConvWeightGradVariant): boolean {
  return convWeightGradVariants(g, e).includes(v) || (isWinogradVariant(v) && isWinogradConv(g));
}

/** Pipeline (= shaders/<name>.wgsl) of each direct weight-gradient variant; k3slide is conv2d_weight_grad_k3.wgsl with its SLIDE override. */
export const WEIGHT_GRAD_KERNEL = {
  general: 'conv2d_weight_grad', k3: 'conv2d_weight_grad_k3', k3slide: 'conv2d_weight_grad_k3', k3slide_sg: 'conv2d_weight_grad_k3_slide_sg',
} as const satisfies Record<DirectWeightGradVariant, KernelName>;
