// 2-D convolution for 3-wide kernels at horizontal stride 1 (the 3×3 convs of the U-Net and INN): the
// conv2d.wgsl bindings and weight layout, but each invocation computes 8 adjacent output columns × 4
// output channels. Per (ci, kh) it loads 10 input values (a sliding window shared by the 3 taps) and 3
// weight vec4s for 96 multiply-adds: every storage load costs a per-lane scalar load on CPU adapters,
// so loads per multiply-add decide the speed (22/96 here, 36/96 in conv2d.wgsl).
override ACT: u32 = 0u;      // 0 none, 1 relu, 2 prelu (per output channel slope), 3 silu
override HAS_BIAS: bool = false;
override RESIDUAL: u32 = 0u;  // 0 none, 1 y = residual + act(conv), 2 y = residual − act(conv)
override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;

#include "lib/conv_forward_io"

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let oh = gid.x / p.owBlocks;
  let ow0 = (gid.x % p.owBlocks) * 8u;
  let co0 = gid.y * 4u;
  if (oh >= p.OH || co0 >= p.coutG) { return; }
  let n = gid.z / p.groups;
  let g = gid.z % p.groups;
  let K = p.cinG * p.KH * 3u;
  let cw4 = p.coutG4 / 4u;
  let wBase = g * K * cw4 + co0 / 4u;
  let c0 = i32(ow0) - p.padLeft;
  let Wi = i32(p.W);
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  var acc4 = vec4<f32>(0.0);
  var acc5 = vec4<f32>(0.0);
  var acc6 = vec4<f32>(0.0);
  var acc7 = vec4<f32>(0.0);
  for (var ci = 0u; ci < p.cinG; ci++) {
    let xPlane = (n * p.Cin + g * p.cinG + ci) * p.H * p.W;
    for (var kh = 0u; kh < p.KH; kh++) {
      let ih = i32(oh * p.strideH + kh * p.dilH) - p.padTop;
      if (ih >= 0 && ih < i32(p.H)) {
        let xRow = xPlane + u32(ih) * p.W;
        let wk = wBase + (ci * p.KH + kh) * 3u * cw4;
        let w0 = wt[wk]; let w1 = wt[wk + cw4]; let w2 = wt[wk + 2u * cw4];
        let x0 = select(0.0, x[xRow + u32(clamp(c0 + 0, 0, Wi - 1))], c0 + 0 >= 0 && c0 + 0 < Wi);
        let x1 = select(0.0, x[xRow + u32(clamp(c0 + 1, 0, Wi - 1))], c0 + 1 >= 0 && c0 + 1 < Wi);
        let x2 = select(0.0, x[xRow + u32(clamp(c0 + 2, 0, Wi - 1))], c0 + 2 >= 0 && c0 + 2 < Wi);
        let x3 = select(0.0, x[xRow + u32(clamp(c0 + 3, 0, Wi - 1))], c0 + 3 >= 0 && c0 + 3 < Wi);
        let x4 = select(0.0, x[xRow + u32(clamp(c0 + 4, 0, Wi - 1))], c0 + 4 >= 0 && c0 + 4 < Wi);
        let x5 = select(0.0, x[xRow + u32(clamp(c0 + 5, 0, Wi - 1))], c0 + 5 >= 0 && c0 + 5 < Wi);
        let x6 = select(0.0, x[xRow + u32(clamp(c0 + 6, 0, Wi - 1))], c0 + 6 >= 0 && c0 + 6 < Wi);
        let x7 = select(0.0, x[xRow + u32(clamp(c0 + 7, 0, Wi - 1))], c0 + 7 >= 0 && c0 + 7 < Wi);
        let x8 = select(0.0, x[xRow + u32(clamp(c0 + 8, 0, Wi - 1))], c0 + 8 >= 0 && c0 + 8 < Wi);
        let x9 = select(0.0, x[xRow + u32(clamp(c0 + 9, 0, Wi - 1))], c0 + 9 >= 0 && c0 + 9 < Wi);
        acc0 += w0 * x0 + w1 * x1 + w2 * x2;
        acc1 += w0 * x1 + w1 * x2 + w2 * x3;
        acc2 += w0 * x2 + w1 * x3 + w2 * x4;
        acc3 += w0 * x3 + w1 * x4 + w2 * x5;
        acc4 += w0 * x4 + w1 * x5 + w2 * x6;
        acc5 += w0 * x5 + w1 * x6 + w2 * x7;
        acc6 += w0 * x6 + w1 * x7 + w2 * x8;
        acc7 += w0 * x7 + w1 * x8 + w2 * x9;
      }
    }
  }
  let accs = array<vec4<f32>, 8>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
  storeCols8(accs, n, g, co0, oh, ow0);
}
