// Re-layouts of a conv weight w [Cout, cinG, KH, KW] into the orders the kernels read, each a zero-padded
// copy (shaders/copy_strided.wgsl through copyStrided). The functions below make a new tensor (the caller
// disposes it); the launchers take them through `cachedLayout`, which keeps each while w is unchanged.
import type { Tensor } from '../../engine/tensor.js';
import { copyStrided } from '../copy.js';
import { fill } from '../create.js';
import { coPad, up4, type ConvGeometry } from './geometry.js';

/**
 * A layout (or transform) of w from `make`, kept by the engine's derived cache until w is written again, so
 * frozen weights are laid out once. `what` names the layout and anything beyond w's geometry it depends on.
 * The caller disposes the result (a view on the cached tensor).
 */
export function cachedLayout(w: Tensor, g: ConvGeometry, what: string, make: () => Tensor): Tensor {
  return w.engine.derived.get(w, `${what} g${g.groups} ${g.coutG}×${g.cinG}×${g.KH}×${g.KW} s${g.strideH},${g.strideW}`, make);
}

/** wt[group][k][coPad] from w[Cout][cinG][KH][KW], zero-padded over co: the forward kernels' layout. */
export function weightForForward(w: Tensor, g: ConvGeometry): Tensor {
  const K = g.cinG * g.KH * g.KW;
  const c4 = coPad(g.coutG);
  const wt = fill(w.engine, [g.groups, K, c4], 0);
  copyStrided(w, wt, [g.groups, g.coutG, K], [g.coutG * K, K, 1], [K * c4, 1, c4], 0, 0, 'conv weight layout');
  return wt;
}

/** wt[group][co][kh·KW + kw][ci4] from w[Cout][cinG][KH][KW], zero-padded over ci: conv2d_input_grad.wgsl's layout. */
export function weightForInputGrad(w: Tensor, g: ConvGeometry): Tensor {
  const KHW = g.KH * g.KW;
  const c4 = up4(g.cinG);
  const wt = fill(w.engine, [g.Cout, KHW, c4], 0);
  copyStrided(w, wt, [g.Cout, g.cinG, KHW], [g.cinG * KHW, KHW, 1], [KHW * c4, 1, c4], 0, 0, 'conv weight layout');
  return wt;
}

/**
 * The spatially flipped, channel-swapped weights in the forward layout, for the input gradient of a
 * stride-1 convolution run as a convolution:
 * wt[group][(co·KH + kh)·KW + kw][ciPad] = w[group·coutG + co][ci][KH−1−kh][KW−1−kw] (negative strides wrap in u32).
 */
export function weightFlipped(w: Tensor, g: ConvGeometry): Tensor {
  const KHW = g.KH * g.KW;
  const c4 = coPad(g.cinG);
  const wt = fill(w.engine, [g.groups, g.coutG * KHW, c4], 0);
  copyStrided(
    w, wt, [g.groups, g.coutG, g.KH, g.KW, g.cinG],
    [g.coutG * g.cinG * KHW, g.cinG * KHW, -g.KW, -1, KHW],
    [g.coutG * KHW * c4, KHW * c4, g.KW * c4, c4, 1],
    KHW - 1, 0, 'conv weight flip',
  );
  return wt;
}

/** Taps of one output phase along one axis: first tap k0, count J, input offset q (see inputGradByPhases). */
export interface PhaseTaps { k0: number; q: number; J: number }

/**
 * The flipped sub-kernel of one output phase in the forward layout:
 * wt[group][(co·Jh + t)·Jw + u][ci] = w[group·coutG + co][ci][k0h + sH·(Jh−1−t)][k0w + sW·(Jw−1−u)].
 */
export function weightPhase(w: Tensor, g: ConvGeometry, th: PhaseTaps, tw: PhaseTaps): Tensor {
  const [sH, sW] = [g.strideH, g.strideW];
  const KHW = g.KH * g.KW;
  const c4 = coPad(g.cinG);
  const wt = fill(w.engine, [g.groups, g.coutG * th.J * tw.J, c4], 0);
  copyStrided(
    w, wt, [g.groups, g.coutG, th.J, tw.J, g.cinG],
    [g.coutG * g.cinG * KHW, g.cinG * KHW, -sH * g.KW, -sW, KHW],
    [g.coutG * th.J * tw.J * c4, th.J * tw.J * c4, tw.J * c4, c4, 1],
    (th.k0 + sH * (th.J - 1)) * g.KW + tw.k0 + sW * (tw.J - 1), 0, 'conv weight phase',
  );
  return wt;
}
