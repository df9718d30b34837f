// The weight gradient of a 3×3 stride-1 convolution by Winograd F(m×m, 3×3), the adjoint of winograd.ts's
// forward (y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A summed over input channels). Four launches:
//   input     V[ξ][tile][ci] = (Bᵀ d B)[ξ], tiles padded to P4      shaders/winograd_input_f{2,4}.wgsl
//   dy        dMᵀ[ξ][co][tile] = (A dY Aᵀ)[ξ]                       shaders/winograd_output_grad.wgsl
//   products  dUᵀ[ξ] = dMᵀ[ξ] · V[ξ]  ((m+2)² batched matmuls over the tiles)
//   weights   dW[co][ci] = Gᵀ dU G                                  shaders/winograd_weight_grad.wgsl
// The direct kernels do 9 multiply-adds per output pixel and channel pair; this 16/4 = 4 (F(2×2)) or
// 36/16 = 2.25 (F(4×4)), on the matmul kernels.
import type { Tensor } from '../../engine/tensor.js';
import { matmulRaw } from '../matmul.js';
import { empty, grid1d, sameEngine } from '../util.js';
import { convLabel, up4, type ConvGeometry } from './geometry.js';
import { keptInputKey, lanesFor, winogradInput, winogradShape } from './winograd.js';

/** dW [Cout, Cin, 3, 3] of the convolution g (isWinogradConv) given its input x and dy. */
export function conv2dWeightGradWinograd(x: Tensor, dy: Tensor, g: ConvGeometry, m: 2 | 4): Tensor {
  const e = sameEngine(x, dy);
  const s = winogradShape(g, m);
  const label = convLabel(g);
  // the products' inner dimension is the tiles: padded to 4 for the vec4 matmul, the extra rows zero
  const P4 = up4(s.P);
  // V as the forward kept it, else transformed here
  const v = e.derived.take(x, keptInputKey(g, m)) ?? winogradInput(x, g, m, P4);
  const dmT = empty(e, [s.xi, s.Kp, P4]);
  const [tileBlocks, tileRows] = grid1d(e, P4, 64);
  e.launch('winograd_output_grad', {
    buffers: [dy.buffer, dmT.buffer],
    overrides: { TILE: m, WG_X: 64 },
    uniforms: { Cout: g.Cout, OH: g.OH, OW: g.OW, tilesW: s.tilesW, tilesHW: s.tilesH * s.tilesW, P: s.P, P4, Kp: s.Kp },
    workgroups: [tileBlocks, s.Kp, tileRows], // tiles along x, continued over z past the device limit
    label,
  });
  const duT = empty(e, [s.xi, s.Kp, s.Cp]);
  matmulRaw(dmT, v, duT, s.Kp, s.Cp, P4, s.xi, s.Kp * P4, P4 * s.Cp);
  v.dispose();
  dmT.dispose();
  const dw = empty(e, [g.Cout, g.Cin, 3, 3]);
  const lanes = lanesFor(g.Cin);
  e.launch('winograd_weight_grad', {
    buffers: [duT.buffer, dw.buffer],
    overrides: { TILE: m, WG_X: lanes },
    uniforms: { Cin: g.Cin, Cout: g.Cout, Cp: s.Cp, Kp: s.Kp },
    workgroups: [Math.ceil(g.Cin / lanes), g.Cout, 1],
    label,
  });
  duT.dispose();
  return dw;
}
