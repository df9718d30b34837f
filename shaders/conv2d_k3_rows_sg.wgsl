enable subgroups;
// conv2d_k3_rows.wgsl with the weights shared through the subgroup: all lanes of a subgroup compute the
// same 4 output channels, so instead of every lane loading the 3 weight vec4s of a (ci, kh) step, lane t
// loads tap t and subgroupBroadcast hands it to the others. Per step: 10 input loads + 1 weight vec4 load
// per lane, against 10 + 3. Needs subgroups of at least 3 lanes whose invocations share gid.y (x-major
// subgroups of a WG_X ≥ subgroup size workgroup); no early return, so the broadcasts stay in uniform control flow.
override ACT: u32 = 0u;      // 0 none, 1 relu, 2 prelu (per output channel slope), 3 silu
override HAS_BIAS: bool = false;
override RESIDUAL: u32 = 0u;  // 0 none, 1 y = residual + act(conv), 2 y = residual − act(conv)
override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;

#include "lib/conv_forward_io"

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let oh = gid.x / p.owBlocks;
  let ow0 = (gid.x % p.owBlocks) * 8u;
  let co0 = gid.y * 4u;
  let live = oh < p.OH && co0 < p.coutG;
  let n = gid.z / p.groups;
  let g = gid.z % p.groups;
  let K = p.cinG * p.KH * 3u;
  let cw4 = p.coutG4 / 4u;
  let wBase = g * K * cw4 + min(co0, p.coutG4 - 4u) / 4u;
  let c0 = i32(ow0) - p.padLeft;
  let Wi = i32(p.W);
  let tap = min(lane, 2u);
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
      let wk = wBase + (ci * p.KH + kh) * 3u * cw4;
      let mine = wt[wk + tap * cw4];
      let w0 = subgroupBroadcast(mine, 0u);
      let w1 = subgroupBroadcast(mine, 1u);
      let w2 = subgroupBroadcast(mine, 2u);
      let ih = i32(oh * p.strideH + kh * p.dilH) - p.padTop;
      let rowOk = ih >= 0 && ih < i32(p.H);
      let xRow = xPlane + u32(clamp(ih, 0, i32(p.H) - 1)) * p.W;
        let x0 = select(0.0, x[xRow + u32(clamp(c0 + 0, 0, Wi - 1))], rowOk && c0 + 0 >= 0 && c0 + 0 < Wi);
        let x1 = select(0.0, x[xRow + u32(clamp(c0 + 1, 0, Wi - 1))], rowOk && c0 + 1 >= 0 && c0 + 1 < Wi);
        let x2 = select(0.0, x[xRow + u32(clamp(c0 + 2, 0, Wi - 1))], rowOk && c0 + 2 >= 0 && c0 + 2 < Wi);
        let x3 = select(0.0, x[xRow + u32(clamp(c0 + 3, 0, Wi - 1))], rowOk && c0 + 3 >= 0 && c0 + 3 < Wi);
        let x4 = select(0.0, x[xRow + u32(clamp(c0 + 4, 0, Wi - 1))], rowOk && c0 + 4 >= 0 && c0 + 4 < Wi);
        let x5 = select(0.0, x[xRow + u32(clamp(c0 + 5, 0, Wi - 1))], rowOk && c0 + 5 >= 0 && c0 + 5 < Wi);
        let x6 = select(0.0, x[xRow + u32(clamp(c0 + 6, 0, Wi - 1))], rowOk && c0 + 6 >= 0 && c0 + 6 < Wi);
        let x7 = select(0.0, x[xRow + u32(clamp(c0 + 7, 0, Wi - 1))], rowOk && c0 + 7 >= 0 && c0 + 7 < Wi);
        let x8 = select(0.0, x[xRow + u32(clamp(c0 + 8, 0, Wi - 1))], rowOk && c0 + 8 >= 0 && c0 + 8 < Wi);
        let x9 = select(0.0, x[xRow + u32(clamp(c0 + 9, 0, Wi - 1))], rowOk && c0 + 9 >= 0 && c0 + 9 < Wi);
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
  if (!live) { return; }
  let accs = array<vec4<f32>, 8>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
  for (var i = 0u; i < 4u; i++) {
    let co = co0 + i;
    if (co >= p.coutG) { break; }
    let cAbs = g * p.coutG + co;
    let b = select(0.0, bias[cAbs], HAS_BIAS);
    let yRow = ((n * p.Cout + cAbs) * p.OH + oh) * p.OW;
    for (var j = 0u; j < 8u; j++) {
      if (ow0 + j < p.OW) { store(yRow + ow0 + j, accs[j][i] + b, cAbs); }
    }
  }
}
