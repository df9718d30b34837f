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
  let c0 = min(gid.x * 2u, N4 - 1u);
  let c1 = min(gid.x * 2u + 1u, N4 - 1u);
  let r0 = wid.y * 8u;
  let aBase = wid.z * (p.strideA / 4u);
  let bBase = wid.z * (p.strideB / 4u);
  let myRow = aBase + min(r0 + min(lane, 7u), p.M - 1u) * K4;
  var s0_0 = vec4<f32>(0.0);
  var s0_1 = vec4<f32>(0.0);
  var s1_0 = vec4<f32>(0.0);
  var s1_1 = vec4<f32>(0.0);
  var s2_0 = vec4<f32>(0.0);
  var s2_1 = vec4<f32>(0.0);
  var s3_0 = vec4<f32>(0.0);
  var s3_1 = vec4<f32>(0.0);
  var s4_0 = vec4<f32>(0.0);
  var s4_1 = vec4<f32>(0.0);
  var s5_0 = vec4<f32>(0.0);
  var s5_1 = vec4<f32>(0.0);
  var s6_0 = vec4<f32>(0.0);
  var s6_1 = vec4<f32>(0.0);
  var s7_0 = vec4<f32>(0.0);
  var s7_1 = vec4<f32>(0.0);
  for (var k = 0u; k < K4; k++) {
    let kb = bBase + k * 4u * N4;
    let b0_0 = B[kb + 0u * N4 + c0];
    let b1_0 = B[kb + 1u * N4 + c0];
    let b2_0 = B[kb + 2u * N4 + c0];
    let b3_0 = B[kb + 3u * N4 + c0];
    let b0_1 = B[kb + 0u * N4 + c1];
    let b1_1 = B[kb + 1u * N4 + c1];
    let b2_1 = B[kb + 2u * N4 + c1];
    let b3_1 = B[kb + 3u * N4 + c1];
    let mine = A[myRow + k];
    let a0 = subgroupBroadcast(mine, 0u);
    s0_0 += a0.x * b0_0 + a0.y * b1_0 + a0.z * b2_0 + a0.w * b3_0;
    s0_1 += a0.x * b0_1 + a0.y * b1_1 + a0.z * b2_1 + a0.w * b3_1;
    let a1 = subgroupBroadcast(mine, 1u);
    s1_0 += a1.x * b0_0 + a1.y * b1_0 + a1.z * b2_0 + a1.w * b3_0;
    s1_1 += a1.x * b0_1 + a1.y * b1_1 + a1.z * b2_1 + a1.w * b3_1;
    let a2 = subgroupBroadcast(mine, 2u);
    s2_0 += a2.x * b0_0 + a2.y * b1_0 + a2.z * b2_0 + a2.w * b3_0;
    s2_1 += a2.x * b0_1 + a2.y * b1_1 + a2.z * b2_1 + a2.w * b3_1;
    let a3 = subgroupBroadcast(mine, 3u);
    s3_0 += a3.x * b0_0 + a3.y * b1_0 + a3.z * b2_0 + a3.w * b3_0;
    s3_1 += a3.x * b0_1 + a3.y * b1_1 + a3.z * b2_1 + a3.w * b3_1;
    let a4 = subgroupBroadcast(mine, 4u);
    s4_0 += a4.x * b0_0 + a4.y * b1_0 + a4.z * b2_0 + a4.w * b3_0;
    s4_1 += a4.x * b0_1 + a4.y * b1_1 + a4.z * b2_1 + a4.w * b3_1;
    let a5 = subgroupBroadcast(mine, 5u);
    s5_0 += a5.x * b0_0 + a5.y * b1_0 + a5.z * b2_0 + a5.w * b3_0;
    s5_1 += a5.x * b0_1 + a5.y * b1_1 + a5.z * b2_1 + a5.w * b3_1;
    let a6 = subgroupBroadcast(mine, 6u);
    s6_0 += a6.x * b0_0 + a6.y * b1_0 + a6.z * b2_0 + a6.w * b3_0;
    s6_1 += a6.x * b0_1 + a6.y * b1_1 + a6.z * b2_1 + a6.w * b3_1;
    let a7 = subgroupBroadcast(mine, 7u);
    s7_0 += a7.x * b0_0 + a7.y * b1_0 + a7.z * b2_0 + a7.w * b3_0;
    s7_1 += a7.x * b0_1 + a7.y * b1_1 + a7.z * b2_1 + a7.w * b3_1;
  }
  let cBase = wid.z * (p.strideC / 4u);
  if (r0 + 0u < p.M) { if (gid.x * 2u + 0u < N4) { C[cBase + (r0 + 0u) * N4 + gid.x * 2u + 0u] = s0_0; } if (gid.x * 2u + 1u < N4) { C[cBase + (r0 + 0u) * N4 + gid.x * 2u + 1u] = s0_1; } }
  if (r0 + 1u < p.M) { if (gid.x * 2u + 0u < N4) { C[cBase + (r0 + 1u) * N4 + gid.x * 2u + 0u] = s1_0; } if (gid.x * 2u + 1u < N4) { C[cBase + (r0 + 1u) * N4 + gid.x * 2u + 1u] = s1_1; } }
  if (r0 + 2u < p.M) { if (gid.x * 2u + 0u < N4) { C[cBase + (r0 + 2u) * N4 + gid.x * 2u + 0u] = s2_0; } if (gid.x * 2u + 1u < N4) { C[cBase + (r0 + 2u) * N4 + gid.x * 2u + 1u] = s2_1; } }
  if (r0 + 3u < p.M) { if (gid.x * 2u + 0u < N4) { C[cBase + (r0 + 3u) * N4 + gid.x * 2u + 0u] = s3_0; } if (gid.x * 2u + 1u < N4) { C[cBase + (r0 + 3u) * N4 + gid.x * 2u + 1u] = s3_1; } }
  if (r0 + 4u < p.M) { if (gid.x * 2u + 0u < N4) { C[cBase + (r0 + 4u) * N4 + gid.x * 2u + 0u] = s4_0; } if (gid.x * 2u + 1u < N4) { C[cBase + (r0 + 4u) * N4 + gid.x * 2u + 1u] = s4_1; } }
  if (r0 + 5u < p.M) { if (gid.x * 2u + 0u < N4) { C[cBase + (r0 + 5u) * N4 + gid.x * 2u + 0u] = s5_0; } if (gid.x * 2u + 1u < N4) { C[cBase + (r0 + 5u) * N4 + gid.x * 2u + 1u] = s5_1; } }
  if (r0 + 6u < p.M) { if (gid.x * 2u + 0u < N4) { C[cBase + (r0 + 6u) * N4 + gid.x * 2u + 0u] = s6_0; } if (gid.x * 2u + 1u < N4) { C[cBase + (r0 + 6u) * N4 + gid.x * 2u + 1u] = s6_1; } }
  if (r0 + 7u < p.M) { if (gid.x * 2u + 0u < N4) { C[cBase + (r0 + 7u) * N4 + gid.x * 2u + 0u] = s7_0; } if (gid.x * 2u + 1u < N4) { C[cBase + (r0 + 7u) * N4 + gid.x * 2u + 1u] = s7_1; } }
}
