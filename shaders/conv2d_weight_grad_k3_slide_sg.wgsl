enable subgroups;
// conv2d_weight_grad_k3.wgsl with SLIDE and dy shared through the subgroup. A workgroup is one row of
// invocations (WG_Y = 1): all share the 4 output channels and walk the same output pixels, so per pixel
// lanes 0–3 each load one of the 4 dy values and subgroupBroadcast hands them out: per output column one
// dy load and one input column (4 values) per invocation for 48 multiply-adds, against 4 + 4. Rows outside
// the input are masked rather than skipped, and nothing returns early, so the broadcasts stay in uniform
// control flow. Needs subgroups of at least 4 invocations.
override WG_X: u32 = 32u;

#include "lib/conv_weight_grad_io"

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let kh = gid.x % p.KH;
  let ci0 = (gid.x / p.KH) * 4u;
  let co0 = wid.y * 4u;
  let g = wid.z % p.groups;
  let split = wid.z / p.groups;
  let rows = p.N * p.OH;
  let r0 = split * p.rowsPerSplit;
  let r1 = min(r0 + p.rowsPerSplit, rows);
  let HW = p.H * p.W;
  let OHW = p.OH * p.OW;
  var ciOff: array<u32, 4>;
  for (var i = 0u; i < 4u; i++) { ciOff[i] = (g * p.cinG + min(ci0 + i, p.cinG - 1u)) * HW; }
  // the output channel whose dy this lane loads for the subgroup
  let myCo = (g * p.coutG + min(co0 + min(lane, 3u), p.coutG - 1u)) * OHW;
  var a00 = vec4<f32>(0.0); var a01 = vec4<f32>(0.0); var a02 = vec4<f32>(0.0); var a03 = vec4<f32>(0.0);
  var a10 = vec4<f32>(0.0); var a11 = vec4<f32>(0.0); var a12 = vec4<f32>(0.0); var a13 = vec4<f32>(0.0);
  var a20 = vec4<f32>(0.0); var a21 = vec4<f32>(0.0); var a22 = vec4<f32>(0.0); var a23 = vec4<f32>(0.0);
  let Wi = i32(p.W);
  for (var r = r0; r < r1; r++) {
    let n = r / p.OH;
    let oh = r % p.OH;
    let ih = i32(oh * p.strideH + kh * p.dilH) - p.padTop;
    let rowOk = ih >= 0 && ih < i32(p.H);
    let dyRow = n * p.Cout * OHW + oh * p.OW;
    let xRow = n * p.Cin * HW + u32(clamp(ih, 0, i32(p.H) - 1)) * p.W;
    var xa = xColumn(xRow, -p.padLeft, Wi, ciOff, rowOk);
    var xb = xColumn(xRow, 1 - p.padLeft, Wi, ciOff, rowOk);
    for (var ow = 0u; ow < p.OW; ow++) {
      let xc = xColumn(xRow, i32(ow) + 2 - p.padLeft, Wi, ciOff, rowOk);
      let mine = dy[dyRow + ow + myCo];
      let d = vec4<f32>(subgroupBroadcast(mine, 0u), subgroupBroadcast(mine, 1u), subgroupBroadcast(mine, 2u), subgroupBroadcast(mine, 3u));
      a00 += d.x * xa; a01 += d.y * xa; a02 += d.z * xa; a03 += d.w * xa;
      a10 += d.x * xb; a11 += d.y * xb; a12 += d.z * xb; a13 += d.w * xb;
      a20 += d.x * xc; a21 += d.y * xc; a22 += d.z * xc; a23 += d.w * xc;
      xa = xb;
      xb = xc;
    }
  }
  if (ci0 >= p.cinG || co0 >= p.coutG) { return; }
  storeTaps3(array<array<vec4<f32>, 4>, 3>(
    array<vec4<f32>, 4>(a00, a01, a02, a03),
    array<vec4<f32>, 4>(a10, a11, a12, a13),
    array<vec4<f32>, 4>(a20, a21, a22, a23),
  ), split, g, co0, ci0, kh);
}
