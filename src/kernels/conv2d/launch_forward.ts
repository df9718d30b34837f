// Forward launchers of the conv2d family (no autograd): variant choice (autotuned per shape class) and
// dispatch of shaders/conv2d.wgsl, conv2d_k3_rows.wgsl, conv2d_rows.wgsl and conv2d_k3_rows_sg.wgsl, or
// of the Winograd path (winograd.ts).
import { keep } from '../../engine/scope.js';
import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { fill } from '../create.js';
import { empty, sameEngine } from '../util.js';
import { tuningJobOnRandomPair } from './autotune_jobs.js';
import { coBlock, coPad, convLabel, geomUniforms, type Activation, type ConvGeometry } from './geometry.js';
import { convForwardVariants, FORWARD_KERNEL, forwardVariantApplies, type ConvForwardVariant } from './variants.js';
import { cachedLayout, weightForForward } from './weight_layouts.js';
import { conv2dWinograd, isWinogradVariant, WINOGRAD_TILE } from './winograd.js';

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

/** The ACT override of the forward shaders. */
const ACT_CODE: Record<Activation, number> = { none: 0, relu: 1, prelu: 2, silu: 3 };

/**
 * The forward kernel alone (no autograd). `forWeightGrad`: the weight gradient will follow, so the
 * Winograd path keeps its input transform for it.
 */
export function conv2dRaw(
  x: Tensor, w: Tensor, bias: Tensor | null, g: ConvGeometry, act: Activation = 'none', slope: Tensor | null = null,
  residual: Tensor | null = null, residualSign: 1 | -1 = 1, variant?: ConvForwardVariant, forWeightGrad = false,
): Tensor {
  const wt = cachedLayout(w, g, 'forward', () => weightForForward(w, g));
  const y = conv2dLaidOut(x, wt, bias, g, act, slope, residual, residualSign, variant, forWeightGrad);
  wt.dispose();
  return y;
}

/** Launches a forward kernel with weights already in the [group][k][co4] layout (weight_layouts.ts). */
export function conv2dLaidOut(
  x: Tensor, wt: Tensor, bias: Tensor | null, g: ConvGeometry, act: Activation, slope: Tensor | null,
  residual: Tensor | null = null, residualSign: 1 | -1 = 1, variant?: ConvForwardVariant, forWeightGrad = false,
): Tensor {
  const e = sameEngine(x, wt);
  const z = g.N * g.groups;
  if (z > e.limits.maxComputeWorkgroupsPerDimension) throw new Error(`conv2d: batch × groups = ${z} is too large`);
  const variants = convForwardVariants(g, e);
  if (variant && !forwardVariantApplies(g, e, variant)) throw new Error(`conv2d: variant '${variant}' does not apply to ${convLabel(g)} on this device`);
  const v = variant ?? e.autotuner.pick('conv2d', convLabel(g), variants, () =>
    tuningJobOnRandomPair(e, [g.N, g.Cin, g.H, g.W], wt.shape, variants, (sx, swt, id) =>
      conv2dLaidOut(sx, swt, null, g, 'none', null, null, 1, id).dispose()),
  );
  const overrides = { ACT: ACT_CODE[act], HAS_BIAS: bias !== null, RESIDUAL: residual ? (residualSign === 1 ? 1 : 2) : 0 };
  const epilogue: [GPUBuffer, GPUBuffer, GPUBuffer] = [(bias ?? dummy(e)).buffer, (slope ?? dummy(e)).buffer, (residual ?? dummy(e)).buffer];
  if (isWinogradVariant(v)) return conv2dWinograd(x, wt, g, WINOGRAD_TILE[v], { overrides, buffers: epilogue }, forWeightGrad);
  const y = empty(e, [g.N, g.Cout, g.OH, g.OW]);
  const cols = v === 'general' ? 4 : 8; // output columns per invocation
  const coBlk = v === 'general' ? coBlock(g.coutG) : 4; // output channels per invocation
  const owBlocks = Math.ceil(g.OW / cols);
  // k3rows_sg: one row of invocations per workgroup, so a workgroup (and each subgroup) shares its channels
  // (as wide as the output row blocks, 8 to 64 invocations, so small outputs do not idle half of them)
  const [WG_X, WG_Y] = v === 'k3rows_sg' ? [Math.min(64, Math.max(8, 2 ** Math.ceil(Math.log2(g.OH * owBlocks)))), 1] : [16, 4];
  e.launch(FORWARD_KERNEL[v], {
    // k3rows_sg reads the weights through its scalar binding only (the unused vec4 one is not bound)
    buffers: v === 'k3rows_sg' ? [x.buffer, ...epilogue, y.buffer, wt.buffer] : [x.buffer, wt.buffer, ...epilogue, y.buffer],
    overrides: {
      ...overrides, WG_X,
      ...(v === 'k3rows_sg' ? { STRIDE_W: g.strideW } : { WG_Y }),
      ...(v === 'general' ? { CO_VECS: coBlk / 4 } : {}),
      ...(v === 'rows' ? { TAPS: g.KW } : {}),
    },
    uniforms: { ...geomUniforms(g), coutG4: coPad(g.coutG), owBlocks },
    workgroups: [Math.ceil((g.OH * owBlocks) / WG_X), Math.ceil(coPad(g.coutG) / coBlk / WG_Y), z],
    label: convLabel(g),
  });
  return y;
}
