enable subgroups;
// conv2d_k3_rows.wgsl with the weights shared through the subgroup. A workgroup is one row of
// invocations (WG_Y = 1) that all compute the same 4 output channels, so the 12 weights of a (ci, kh)
// step (3 taps × 4 channels) are loaded once across the subgroup — lane l loads weight l, lanes 0–3 also
// weight 8 + l — and subgroupBroadcast hands them out: per step 10 input loads + 2 weight loads per
// invocation, against 10 + 12. With STRIDE_W = 2 (the 3×3 downsampling convs) 17 input loads per step.
// Needs subgroups of at least 8 invocations; no early return, so the broadcasts stay in uniform control
// flow.
override ACT: u32 = 0u;      // 0 none, 1 relu, 2 prelu (per output channel slope), 3 silu
override HAS_BIAS: bool = false;
override RESIDUAL: u32 = 0u;  // 0 none, 1 y = residual + act(conv), 2 y = residual − act(conv)
override WG_X: u32 = 64u;
override STRIDE_W: u32 = 1u; // 1 or 2

#include "lib/conv_forward_io"
// the laid-out weights again, as scalars (the same buffer as wt)
@group(0) @binding(7) var<storage, read> wts: array<f32>;

/** Input column c of row xRow, zero outside the row or the map. */
fn xAt(xRow: u32, c: i32, rowOk: bool) -> f32 {
  let Wi = i32(p.W);
  return select(0.0, x[xRow + u32(clamp(c, 0, Wi - 1))], rowOk && c >= 0 && c < Wi);
}

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let oh = gid.x / p.owBlocks;
  let ow0 = (gid.x % p.owBlocks) * 8u;
  let co0 = wid.y * 4u;
  let n = gid.z / p.groups;
  let g = gid.z % p.groups;
  let K = p.cinG * p.KH * 3u;
  let cw4 = p.coutG4 / 4u;
  let wBase = g * K * cw4 + co0 / 4u;
  let c0 = i32(ow0 * STRIDE_W) - p.padLeft;
  // the weights this lane loads: e = lane and e = 8 + lane of the 12 (tap e / 4, channel e % 4)
  let e0 = min(lane, 11u);
  let e1 = min(8u + lane, 11u);
  let off0 = (e0 / 4u) * cw4 * 4u + e0 % 4u;
  let off1 = (e1 / 4u) * cw4 * 4u + e1 % 4u;
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
      let wk = (wBase + (ci * p.KH + kh) * 3u * cw4) * 4u;
      let v0 = wts[wk + off0];
      let v1 = wts[wk + off1];
      let w0 = vec4<f32>(subgroupBroadcast(v0, 0u), subgroupBroadcast(v0, 1u), subgroupBroadcast(v0, 2u), subgroupBroadcast(v0, 3u));
      let w1 = vec4<f32>(subgroupBroadcast(v0, 4u), subgroupBroadcast(v0, 5u), subgroupBroadcast(v0, 6u), subgroupBroadcast(v0, 7u));
      let w2 = vec4<f32>(subgroupBroadcast(v1, 0u), subgroupBroadcast(v1, 1u), subgroupBroadcast(v1, 2u), subgroupBroadcast(v1, 3u));
      let ih = i32(oh * p.strideH + kh * p.dilH) - p.padTop;
      let rowOk = ih >= 0 && ih < i32(p.H);
      let xRow = xPlane + u32(clamp(ih, 0, i32(p.H) - 1)) * p.W;
      if (STRIDE_W == 1u) {
        let x0 = xAt(xRow, c0 + 0, rowOk); let x1 = xAt(xRow, c0 + 1, rowOk); let x2 = xAt(xRow, c0 + 2, rowOk);
        let x3 = xAt(xRow, c0 + 3, rowOk); let x4 = xAt(xRow, c0 + 4, rowOk); let x5 = xAt(xRow, c0 + 5, rowOk);
        let x6 = xAt(xRow, c0 + 6, rowOk); let x7 = xAt(xRow, c0 + 7, rowOk); let x8 = xAt(xRow, c0 + 8, rowOk);
        let x9 = xAt(xRow, c0 + 9, rowOk);
        acc0 += w0 * x0 + w1 * x1 + w2 * x2;
        acc1 += w0 * x1 + w1 * x2 + w2 * x3;
        acc2 += w0 * x2 + w1 * x3 + w2 * x4;
        acc3 += w0 * x3 + w1 * x4 + w2 * x5;
        acc4 += w0 * x4 + w1 * x5 + w2 * x6;
        acc5 += w0 * x5 + w1 * x6 + w2 * x7;
        acc6 += w0 * x6 + w1 * x7 + w2 * x8;
        acc7 += w0 * x7 + w1 * x8 + w2 * x9;
      } else {
        // stride 2: output j reads input columns 2j, 2j + 1, 2j + 2 of the 17 from c0
        let x0 = xAt(xRow, c0 + 0, rowOk); let x1 = xAt(xRow, c0 + 1, rowOk); let x2 = xAt(xRow, c0 + 2, rowOk);
        let x3 = xAt(xRow, c0 + 3, rowOk); let x4 = xAt(xRow, c0 + 4, rowOk); let x5 = xAt(xRow, c0 + 5, rowOk);
        let x6 = xAt(xRow, c0 + 6, rowOk); let x7 = xAt(xRow, c0 + 7, rowOk); let x8 = xAt(xRow, c0 + 8, rowOk);
        let x9 = xAt(xRow, c0 + 9, rowOk); let x10 = xAt(xRow, c0 + 10, rowOk); let x11 = xAt(xRow, c0 + 11, rowOk);
        let x12 = xAt(xRow, c0 + 12, rowOk); let x13 = xAt(xRow, c0 + 13, rowOk); let x14 = xAt(xRow, c0 + 14, rowOk);
        let x15 = xAt(xRow, c0 + 15, rowOk); let x16 = xAt(xRow, c0 + 16, rowOk);
        acc0 += w0 * x0 + w1 * x1 + w2 * x2;
        acc1 += w0 * x2 + w1 * x3 + w2 * x4;
        acc2 += w0 * x4 + w1 * x5 + w2 * x6;
        acc3 += w0 * x6 + w1 * x7 + w2 * x8;
        acc4 += w0 * x8 + w1 * x9 + w2 * x10;
        acc5 += w0 * x10 + w1 * x11 + w2 * x12;
        acc6 += w0 * x12 + w1 * x13 + w2 * x14;
        acc7 += w0 * x14 + w1 * x15 + w2 * x16;
      }
    }
  }
  if (oh >= p.OH) { return; }
  let accs = array<vec4<f32>, 8>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
  storeCols8(accs, n, g, co0, oh, ow0);
}
