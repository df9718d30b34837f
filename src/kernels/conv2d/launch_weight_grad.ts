// Weight-gradient launcher of the conv2d family (no autograd): variant choice (autotuned per shape class)
// and dispatch of shaders/conv2d_weight_grad.wgsl, conv2d_weight_grad_k3.wgsl and
// conv2d_weight_grad_k3_slide_sg.wgsl, split over the batch·pixel reduction and summed, or of the
// Winograd path (winograd_weight_grad.ts).
import type { Tensor } from '../../engine/tensor.js';
import { sum } from '../reduce.js';
import { empty, sameEngine } from '../util.js';
import { tuningJobOnRandomPair } from './autotune_jobs.js';
import { convLabel, geomUniforms, type ConvGeometry } from './geometry.js';
import { convWeightGradVariants, WEIGHT_GRAD_KERNEL, weightGradVariantApplies, type ConvWeightGradVariant } from './variants.js';
import { isWinogradVariant, WINOGRAD_TILE } from './winograd.js';
import { conv2dWeightGradWinograd } from './winograd_weight_grad.js';

/** dW [Cout, cinG, KH, KW] of the convolution g given its input x and dy. */
export function conv2dWeightGradRaw(x: Tensor, dy: Tensor, g: ConvGeometry, variant?: ConvWeightGradVariant): Tensor {
  const e = sameEngine(x, dy);
  const variants = convWeightGradVariants(g, e);
  if (variant && !weightGradVariantApplies(g, e, variant)) throw new Error(`conv2d weight gradient: variant '${variant}' does not apply to ${convLabel(g)} on this device`);
  const v = variant ?? e.autotuner.pick('conv2d_weight_grad', convLabel(g), variants, () =>
    tuningJobOnRandomPair(e, x.shape, dy.shape, variants, (sx, sdy, id) => conv2dWeightGradRaw(sx, sdy, g, id).dispose()),
  );
  if (isWinogradVariant(v)) return conv2dWeightGradWinograd(x, dy, g, WINOGRAD_TILE[v]);
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
    label: convLabel(g),
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
