// Batched C[b] = A[b] · B[b], row-major, K and N multiples of 4 (the variant 'rows8x4' of
// src/kernels/matmul.ts). Each invocation computes 8 rows × 4 columns of C: per 4 values of k it loads
// 4 vec4s of B and 8 vec4s of A for 128 multiply-adds.
#include "lib/matmul_vec4_io"
#include "lib/matmul_operands"

override WG_X: u32 = 16u;

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let N4 = p.N / 4u;
  let K4 = p.K / 4u;
  let col = min(gid.x, N4 - 1u);
  let r0 = gid.y * 8u;
  let bCol = colOfB(gid.z, col);
  let a0Row = rowOfA(gid.z, min(r0 + 0u, p.M - 1u));
  let a1Row = rowOfA(gid.z, min(r0 + 1u, p.M - 1u));
  let a2Row = rowOfA(gid.z, min(r0 + 2u, p.M - 1u));
  let a3Row = rowOfA(gid.z, min(r0 + 3u, p.M - 1u));
  let a4Row = rowOfA(gid.z, min(r0 + 4u, p.M - 1u));
  let a5Row = rowOfA(gid.z, min(r0 + 5u, p.M - 1u));
  let a6Row = rowOfA(gid.z, min(r0 + 6u, p.M - 1u));
  let a7Row = rowOfA(gid.z, min(r0 + 7u, p.M - 1u));
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
    let a0 = loadA(a0Row, k); s0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
    let a1 = loadA(a1Row, k); s1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
    let a2 = loadA(a2Row, k); s2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
    let a3 = loadA(a3Row, k); s3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
    let a4 = loadA(a4Row, k); s4 += a4.x * b0 + a4.y * b1 + a4.z * b2 + a4.w * b3;
    let a5 = loadA(a5Row, k); s5 += a5.x * b0 + a5.y * b1 + a5.z * b2 + a5.w * b3;
    let a6 = loadA(a6Row, k); s6 += a6.x * b0 + a6.y * b1 + a6.z * b2 + a6.w * b3;
    let a7 = loadA(a7Row, k); s7 += a7.x * b0 + a7.y * b1 + a7.z * b2 + a7.w * b3;
  }
  if (gid.x >= N4) { return; }
  let cCol = gid.z * (p.strideC / 4u) + gid.x;
  if (r0 + 0u < p.M) { C[cCol + (r0 + 0u) * N4] = s0; }
  if (r0 + 1u < p.M) { C[cCol + (r0 + 1u) * N4] = s1; }
  if (r0 + 2u < p.M) { C[cCol + (r0 + 2u) * N4] = s2; }
  if (r0 + 3u < p.M) { C[cCol + (r0 + 3u) * N4] = s3; }
  if (r0 + 4u < p.M) { C[cCol + (r0 + 4u) * N4] = s4; }
  if (r0 + 5u < p.M) { C[cCol + (r0 + 5u) * N4] = s5; }
  if (r0 + 6u < p.M) { C[cCol + (r0 + 6u) * N4] = s6; }
  if (r0 + 7u < p.M) { C[cCol + (r0 + 7u) * N4] = s7; }
}
