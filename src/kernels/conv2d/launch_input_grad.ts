// Input-gradient launchers of the conv2d family (no autograd; also conv_transpose2d's forward): stride 1
// as a convolution on the forward kernels, 3×3 stride 2 as one on zero-inserted dy, larger strides split
// by output phase onto them, else the gather kernel shaders/conv2d_input_grad.wgsl.
import type { Tensor } from '../../engine/tensor.js';
import { copyStrided } from '../copy.js';
import { fill } from '../create.js';
import { empty, sameEngine } from '../util.js';
import { convLabel, geomUniforms, up4, type ConvGeometry } from './geometry.js';
import { conv2dLaidOut } from './launch_forward.js';
import type { ConvForwardVariant } from './variants.js';
import { cachedLayout, weightFlipped, weightForInputGrad, weightPhase, type PhaseTaps } from './weight_layouts.js';

/**
 * For stride 1 the input gradient is a convolution of dy with the spatially flipped, channel-swapped
 * weights and padding dil·(K−1) − pad: the forward kernel serves, which is faster than the gather kernel.
 */
function inputGradAsConv(dy: Tensor, w: Tensor, g: ConvGeometry, variant?: ConvForwardVariant): Tensor | null {
  const kh = g.dilH * (g.KH - 1);
  const kw = g.dilW * (g.KW - 1);
  if (g.strideH !== 1 || g.strideW !== 1 || g.padTop > kh || g.padBottom > kh || g.padLeft > kw || g.padRight > kw) return null;
  const wt = cachedLayout(w, g, 'flipped', () => weightFlipped(w, g));
  const back: ConvGeometry = {
    N: g.N, Cin: g.Cout, H: g.OH, W: g.OW, Cout: g.Cin, OH: g.H, OW: g.W, groups: g.groups,
    KH: g.KH, KW: g.KW, strideH: 1, strideW: 1, dilH: g.dilH, dilW: g.dilW,
    padTop: kh - g.padTop, padBottom: kh - g.padBottom, padLeft: kw - g.padLeft, padRight: kw - g.padRight,
    cinG: g.coutG, coutG: g.cinG,
  };
  // the variant is autotuned per shape class like any forward (Winograd among them for 3×3, 32+ channels;
  // F(2×2) the untuned default from 64)
  const dx = conv2dLaidOut(dy, wt, null, back, 'none', null, null, 1, variant);
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
  const taps = (r: number, pad: number, K: number, s: number): PhaseTaps => {
    const k0 = (r + pad) % s;
    return { k0, q: Math.floor((r + pad) / s), J: k0 < K ? Math.ceil((K - k0) / s) : 0 };
  };
  const phases: { rh: number; rw: number; A: number; B: number; th: PhaseTaps; tw: PhaseTaps }[] = [];
  for (let rh = 0; rh < Math.min(sH, g.H); rh++) {
    for (let rw = 0; rw < Math.min(sW, g.W); rw++) {
      phases.push({ rh, rw, A: Math.ceil((g.H - rh) / sH), B: Math.ceil((g.W - rw) / sW), th: taps(rh, g.padTop, g.KH, sH), tw: taps(rw, g.padLeft, g.KW, sW) });
    }
  }
  // a phase without taps stays zero
  const dx = phases.some((q) => q.th.J === 0 || q.tw.J === 0) ? fill(e, [g.N, g.Cin, g.H, g.W], 0) : empty(e, [g.N, g.Cin, g.H, g.W]);
  for (const { rh, rw, A, B, th, tw } of phases) {
    if (th.J === 0 || tw.J === 0) continue;
    const wt = cachedLayout(w, g, `phase ${th.k0},${th.J} ${tw.k0},${tw.J}`, () => weightPhase(w, g, th, tw));
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

/**
 * For a 3×3 stride-2 convolution (the downsampling convs) the input gradient is that of the stride-1
 * convolution with the same padding, given dy spread onto the even positions of its output with zeros
 * between: one convolution on the fast 3×3 kernels (Winograd from 32 channels) instead of four phases on
 * the general kernel, though it multiplies 4× as many zeros in.
 */
export function inputGradByZeroInsertion(dy: Tensor, w: Tensor, g: ConvGeometry, variant?: ConvForwardVariant): Tensor | null {
  if (g.KH !== 3 || g.KW !== 3 || g.strideH !== 2 || g.strideW !== 2 || g.dilH !== 1 || g.dilW !== 1) return null;
  const g1: ConvGeometry = { ...g, strideH: 1, strideW: 1, OH: g.H + g.padTop + g.padBottom - 2, OW: g.W + g.padLeft + g.padRight - 2 };
  if (g1.padTop > 2 || g1.padBottom > 2 || g1.padLeft > 2 || g1.padRight > 2) return null;
  const spread = fill(sameEngine(dy, w), [g.N, g.Cout, g1.OH, g1.OW], 0);
  copyStrided(dy, spread, [g.N, g.Cout, g.OH, g.OW], [g.Cout * g.OH * g.OW, g.OH * g.OW, g.OW, 1], [g.Cout * g1.OH * g1.OW, g1.OH * g1.OW, 2 * g1.OW, 2], 0, 0, 'conv zero insertion');
  const dx = inputGradAsConv(spread, w, g1, variant);
  spread.dispose();
  return dx;
}

/**
 * dx of the convolution g given dy (also: conv_transpose2d forward). `variant` forces the forward variant
 * of a stride-1 input gradient (run as a convolution); by default the autotuner picks it.
 */
export function conv2dInputGradRaw(dy: Tensor, w: Tensor, g: ConvGeometry, method: 'auto' | 'gather' = 'auto', variant?: ConvForwardVariant): Tensor {
  if (method === 'auto') {
    const asConv = inputGradAsConv(dy, w, g, variant) ?? inputGradByZeroInsertion(dy, w, g, variant) ?? inputGradByPhases(dy, w, g);
    if (asConv) return asConv;
  }
  const e = sameEngine(dy, w);
  const dx = empty(e, [g.N, g.Cin, g.H, g.W]);
  const wt = cachedLayout(w, g, 'input-grad', () => weightForInputGrad(w, g));
  // columns grouped by phase (iw mod stride), 4 per invocation
  const qBlocks = Math.ceil(Math.ceil(g.W / g.strideW) / 4);
  const WG_X = 16, WG_Y = 4;
  e.launch('conv2d_input_grad', { // shaders/conv2d_input_grad.wgsl
    buffers: [dy.buffer, wt.buffer, dx.buffer],
    overrides: { WG_X, WG_Y },
    uniforms: { ...geomUniforms(g), cinG4: up4(g.cinG), qBlocks },
    workgroups: [Math.ceil((g.H * g.strideW * qBlocks) / WG_X), Math.ceil(up4(g.cinG) / 4 / WG_Y), g.N * g.groups],
    label: convLabel(g),
  });
  wt.dispose();
  return dx;
}
