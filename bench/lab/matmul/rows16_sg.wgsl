enable subgroups;
// matmul_rows.wgsl with A shared through the subgroup: the 8 rows of a workgroup are the same for all its
// invocations, so lane i loads row i's vec4 of A and subgroupBroadcast hands it to the others — per 4
// values of k each lane loads 4 vec4s of B and one of A (20 scalars) for 128 multiply-adds, against 48
// scalars in matmul_rows.wgsl. Needs subgroups of at least 8 invocations; no early return before the loop,
// so the broadcasts stay in uniform control flow.
#include "lib/matmul_vec4_io"

override WG_X: u32 = 16u;

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let N4 = p.N / 4u;
  let K4 = p.K / 4u;
  let col = min(gid.x, N4 - 1u);
  let r0 = wid.y * 16u;
  let aBase = wid.z * (p.strideA / 4u);
  let bCol = wid.z * (p.strideB / 4u) + col;
  let myRow0 = aBase + min(r0 + min(lane, 7u), p.M - 1u) * K4;
  let myRow1 = aBase + min(r0 + 8u + min(lane, 7u), p.M - 1u) * K4;
  var s0 = vec4<f32>(0.0);
  var s1 = vec4<f32>(0.0);
  var s2 = vec4<f32>(0.0);
  var s3 = vec4<f32>(0.0);
  var s4 = vec4<f32>(0.0);
  var s5 = vec4<f32>(0.0);
  var s6 = vec4<f32>(0.0);
  var s7 = vec4<f32>(0.0);
  var s8 = vec4<f32>(0.0);
  var s9 = vec4<f32>(0.0);
  var s10 = vec4<f32>(0.0);
  var s11 = vec4<f32>(0.0);
  var s12 = vec4<f32>(0.0);
  var s13 = vec4<f32>(0.0);
  var s14 = vec4<f32>(0.0);
  var s15 = vec4<f32>(0.0);
  for (var k = 0u; k < K4; k++) {
    let kb = bCol + k * 4u * N4;
    let b0 = B[kb]; let b1 = B[kb + N4]; let b2 = B[kb + 2u * N4]; let b3 = B[kb + 3u * N4];
    let mine0 = A[myRow0 + k];
    let mine1 = A[myRow1 + k];
    let a0 = subgroupBroadcast(mine0, 0u); s0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
    let a1 = subgroupBroadcast(mine0, 1u); s1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
    let a2 = subgroupBroadcast(mine0, 2u); s2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
    let a3 = subgroupBroadcast(mine0, 3u); s3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
    let a4 = subgroupBroadcast(mine0, 4u); s4 += a4.x * b0 + a4.y * b1 + a4.z * b2 + a4.w * b3;
    let a5 = subgroupBroadcast(mine0, 5u); s5 += a5.x * b0 + a5.y * b1 + a5.z * b2 + a5.w * b3;
    let a6 = subgroupBroadcast(mine0, 6u); s6 += a6.x * b0 + a6.y * b1 + a6.z * b2 + a6.w * b3;
    let a7 = subgroupBroadcast(mine0, 7u); s7 += a7.x * b0 + a7.y * b1 + a7.z * b2 + a7.w * b3;
    let a8 = subgroupBroadcast(mine1, 0u); s8 += a8.x * b0 + a8.y * b1 + a8.z * b2 + a8.w * b3;
    let a9 = subgroupBroadcast(mine1, 1u); s9 += a9.x * b0 + a9.y * b1 + a9.z * b2 + a9.w * b3;
    let a10 = subgroupBroadcast(mine1, 2u); s10 += a10.x * b0 + a10.y * b1 + a10.z * b2 + a10.w * b3;
    let a11 = subgroupBroadcast(mine1, 3u); s11 += a11.x * b0 + a11.y * b1 + a11.z * b2 + a11.w * b3;
    let a12 = subgroupBroadcast(mine1, 4u); s12 += a12.x * b0 + a12.y * b1 + a12.z * b2 + a12.w * b3;
    let a13 = subgroupBroadcast(mine1, 5u); s13 += a13.x * b0 + a13.y * b1 + a13.z * b2 + a13.w * b3;
    let a14 = subgroupBroadcast(mine1, 6u); s14 += a14.x * b0 + a14.y * b1 + a14.z * b2 + a14.w * b3;
    let a15 = subgroupBroadcast(mine1, 7u); s15 += a15.x * b0 + a15.y * b1 + a15.z * b2 + a15.w * b3;
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
  if (r0 + 8u < p.M) { C[cCol + (r0 + 8u) * N4] = s8; }
  if (r0 + 9u < p.M) { C[cCol + (r0 + 9u) * N4] = s9; }
  if (r0 + 10u < p.M) { C[cCol + (r0 + 10u) * N4] = s10; }
  if (r0 + 11u < p.M) { C[cCol + (r0 + 11u) * N4] = s11; }
  if (r0 + 12u < p.M) { C[cCol + (r0 + 12u) * N4] = s12; }
  if (r0 + 13u < p.M) { C[cCol + (r0 + 13u) * N4] = s13; }
  if (r0 + 14u < p.M) { C[cCol + (r0 + 14u) * N4] = s14; }
  if (r0 + 15u < p.M) { C[cCol + (r0 + 15u) * N4] = s15; }
}
