enable subgroups;
// matmul_rows.wgsl with A shared through the subgroup: the 8 rows of a workgroup are the same for all its
// invocations, so lane i loads row i's vec4 of A and subgroupBroadcast hands it to the others — per 4
// values of k each lane loads 4 vec4s of B and one of A (20 scalars) for 128 multiply-adds, against 48
// scalars in matmul_rows.wgsl. Needs subgroups of at least 8 invocations; no early return before the loop,
// so the broadcasts stay in uniform control flow.
#include "lib/matmul_vec4_io"
#include "lib/matmul_operands"

override WG_X: u32 = 16u;

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let N4 = p.N / 4u;
  let K4 = p.K / 4u;
  let col = min(gid.x, N4 - 1u);
  let r0 = wid.y * 8u;
  let bCol = colOfB(wid.z, col);
  let myRow = rowOfA(wid.z, min(r0 + min(lane, 7u), p.M - 1u));
  var s0 = vec4<f32>(0.0);
  var s1 = vec4<f32>(0.0);
  var s2 = vec4<f32>(0.0);
  var s3 = vec4<f32>(0.0);
  var s4 = vec4<f32>(0.0);
  var s5 = vec4<f32>(0.0);
  var s6 = vec4<f32>(0.0);
  var s7 = vec4<f32>(0.0);
  for (var k = 0u; k < K4; k++) {
    let bk = loadB(bCol, k);
    let b0 = bk[0]; let b1 = bk[1]; let b2 = bk[2]; let b3 = bk[3];
    let mine = loadA(myRow, k);
    let a0 = subgroupBroadcast(mine, 0u); s0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
    let a1 = subgroupBroadcast(mine, 1u); s1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
    let a2 = subgroupBroadcast(mine, 2u); s2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
    let a3 = subgroupBroadcast(mine, 3u); s3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
    let a4 = subgroupBroadcast(mine, 4u); s4 += a4.x * b0 + a4.y * b1 + a4.z * b2 + a4.w * b3;
    let a5 = subgroupBroadcast(mine, 5u); s5 += a5.x * b0 + a5.y * b1 + a5.z * b2 + a5.w * b3;
    let a6 = subgroupBroadcast(mine, 6u); s6 += a6.x * b0 + a6.y * b1 + a6.z * b2 + a6.w * b3;
    let a7 = subgroupBroadcast(mine, 7u); s7 += a7.x * b0 + a7.y * b1 + a7.z * b2 + a7.w * b3;
  }
  if (gid.x >= N4) { return; }
  let cCol = wid.z * (p.strideC / 4u) + gid.x;
  if (r0 + 0u < p.M) { C[cCol + (r0 + 0u) * N4] = s0; }
  if (r0 + 1u < p.M) { C[cCol + (r0 + 1u) * N4] = s1; }
  if (r0 + 2u < p.M) { C[cCol + (r0 + 2u) * N4] = s2; }
  if (r0 + 3u < p.M) { C[cCol + (r0 + 3u) * N4] = s3; }
  if (r0 + 4u < p.M) { C[cCol + (r0 + 4u) * N4] = s4; }
  if (r0 + 5u < p.M) { C[cCol + (r0 + 5u) * N4] = s5; }
  if (r0 + 6u < p.M) { C[cCol + (r0 + 6u) * N4] = s6; }
  if (r0 + 7u < p.M) { C[cCol + (r0 + 7u) * N4] = s7; }
}
