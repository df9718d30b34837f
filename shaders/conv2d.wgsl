// 2-D convolution, NCHW, as an implicit GEMM: no im2col matrix; each invocation gathers its inputs with
// the im2col addressing and keeps a (4·CO_VECS output channels) × (4 adjacent output columns) block in
// registers. Weights arrive re-laid out as wt[group][k][coPad] (k = (ci·KH + kh)·KW + kw, co zero-padded
// to a multiple of 4·CO_VECS), so 4 output channels are one vec4 load. Bias, activation and a residual add/subtract
// (the lifting updates d ± P(c) of an INN) are fused.
override ACT: u32 = 0u;      // 0 none, 1 relu, 2 prelu (per output channel slope), 3 silu
override HAS_BIAS: bool = false;
override RESIDUAL: u32 = 0u;  // 0 none, 1 y = residual + act(conv), 2 y = residual − act(conv)
override CO_VECS: u32 = 2u;   // 1 or 2 vec4s of output channels per invocation
override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;

#include "lib/conv_forward_io"

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let oh = gid.x / p.owBlocks;
  let ow0 = (gid.x % p.owBlocks) * 4u;
  let co0 = gid.y * 4u * CO_VECS;
  if (oh >= p.OH || co0 >= p.coutG) { return; }
  let n = gid.z / p.groups;
  let g = gid.z % p.groups;
  let KHW = p.KH * p.KW;
  let K = p.cinG * KHW;
  let cw4 = p.coutG4 / 4u;
  let wBase = g * K * cw4 + co0 / 4u;
  // input columns of the 4 outputs at kw = 0
  var iw0: array<i32, 4>;
  for (var j = 0u; j < 4u; j++) { iw0[j] = i32((ow0 + j) * p.strideW) - p.padLeft; }
  var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);
  var bcc0 = vec4<f32>(0.0); var bcc1 = vec4<f32>(0.0);
  var bcc2 = vec4<f32>(0.0); var bcc3 = vec4<f32>(0.0);
  for (var ci = 0u; ci < p.cinG; ci++) {
    let xPlane = (n * p.Cin + g * p.cinG + ci) * p.H * p.W;
    for (var kh = 0u; kh < p.KH; kh++) {
      let ih = i32(oh * p.strideH + kh * p.dilH) - p.padTop;
      if (ih < 0 || ih >= i32(p.H)) { continue; }
      let xRow = xPlane + u32(ih) * p.W;
      let kRow = (ci * p.KH + kh) * p.KW;
      for (var kw = 0u; kw < p.KW; kw++) {
        let wv = wt[wBase + (kRow + kw) * cw4];
        let dk = i32(kw * p.dilW);
        let c0 = iw0[0] + dk; let c1 = iw0[1] + dk; let c2 = iw0[2] + dk; let c3 = iw0[3] + dk;
        let Wi = i32(p.W);
        let x0 = select(0.0, x[xRow + u32(max(c0, 0))], c0 >= 0 && c0 < Wi);
        let x1 = select(0.0, x[xRow + u32(max(c1, 0))], c1 >= 0 && c1 < Wi);
        let x2 = select(0.0, x[xRow + u32(max(c2, 0))], c2 >= 0 && c2 < Wi);
        let x3 = select(0.0, x[xRow + u32(max(c3, 0))], c3 >= 0 && c3 < Wi);
        acc0 += wv * x0; acc1 += wv * x1; acc2 += wv * x2; acc3 += wv * x3;
        if (CO_VECS == 2u) {
          let wv2 = wt[wBase + (kRow + kw) * cw4 + 1u];
          bcc0 += wv2 * x0; bcc1 += wv2 * x1; bcc2 += wv2 * x2; bcc3 += wv2 * x3;
        }
      }
    }
  }
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  let bccs = array<vec4<f32>, 4>(bcc0, bcc1, bcc2, bcc3);
  for (var i = 0u; i < 4u * CO_VECS; i++) {
    let co = co0 + i;
    if (co >= p.coutG) { break; }
    let cAbs = g * p.coutG + co;
    let b = select(0.0, bias[cAbs], HAS_BIAS);
    let yRow = ((n * p.Cout + cAbs) * p.OH + oh) * p.OW;
    for (var j = 0u; j < 4u; j++) {
      if (ow0 + j < p.OW) {
        store(yRow + ow0 + j, select(bccs[j][i % 4u], accs[j][i % 4u], i < 4u) + b, cAbs);
      }
    }
  }
}
