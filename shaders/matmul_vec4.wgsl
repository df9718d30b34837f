// Batched C[b] = A[b] · B[b], row-major, K and N multiples of 4. Each invocation computes a 4×8 block of C
// in registers from vec4 loads; no workgroup memory (barriers are costly on CPU adapters).
#include "lib/matmul_vec4_io"

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let N4 = p.N / 4u;
  let K4 = p.K / 4u;
  let c0 = gid.x * 2u;
  let row = gid.y * 4u;
  if (c0 >= N4 || row >= p.M) { return; }
  let c1 = min(c0 + 1u, N4 - 1u);
  let aBase = gid.z * (p.strideA / 4u);
  let bBase = gid.z * (p.strideB / 4u);
  let cBase = gid.z * (p.strideC / 4u);
  let a0Row = aBase + row * K4;
  let a1Row = aBase + min(row + 1u, p.M - 1u) * K4;
  let a2Row = aBase + min(row + 2u, p.M - 1u) * K4;
  let a3Row = aBase + min(row + 3u, p.M - 1u) * K4;
  var s00 = vec4<f32>(0.0); var s01 = vec4<f32>(0.0);
  var s10 = vec4<f32>(0.0); var s11 = vec4<f32>(0.0);
  var s20 = vec4<f32>(0.0); var s21 = vec4<f32>(0.0);
  var s30 = vec4<f32>(0.0); var s31 = vec4<f32>(0.0);
  for (var k = 0u; k < K4; k++) {
    let a0 = A[a0Row + k]; let a1 = A[a1Row + k]; let a2 = A[a2Row + k]; let a3 = A[a3Row + k];
    let kb = bBase + k * 4u * N4;
    let b00 = B[kb + c0];           let b01 = B[kb + c1];
    let b10 = B[kb + N4 + c0];      let b11 = B[kb + N4 + c1];
    let b20 = B[kb + 2u * N4 + c0]; let b21 = B[kb + 2u * N4 + c1];
    let b30 = B[kb + 3u * N4 + c0]; let b31 = B[kb + 3u * N4 + c1];
    s00 += a0.x * b00 + a0.y * b10 + a0.z * b20 + a0.w * b30;
    s01 += a0.x * b01 + a0.y * b11 + a0.z * b21 + a0.w * b31;
    s10 += a1.x * b00 + a1.y * b10 + a1.z * b20 + a1.w * b30;
    s11 += a1.x * b01 + a1.y * b11 + a1.z * b21 + a1.w * b31;
    s20 += a2.x * b00 + a2.y * b10 + a2.z * b20 + a2.w * b30;
    s21 += a2.x * b01 + a2.y * b11 + a2.z * b21 + a2.w * b31;
    s30 += a3.x * b00 + a3.y * b10 + a3.z * b20 + a3.w * b30;
    s31 += a3.x * b01 + a3.y * b11 + a3.z * b21 + a3.w * b31;
  }
  let hasC1 = c0 + 1u < N4;
  C[cBase + row * N4 + c0] = s00;
  if (hasC1) { C[cBase + row * N4 + c1] = s01; }
  if (row + 1u < p.M) { C[cBase + (row + 1u) * N4 + c0] = s10; if (hasC1) { C[cBase + (row + 1u) * N4 + c1] = s11; } }
  if (row + 2u < p.M) { C[cBase + (row + 2u) * N4 + c0] = s20; if (hasC1) { C[cBase + (row + 2u) * N4 + c1] = s21; } }
  if (row + 3u < p.M) { C[cBase + (row + 3u) * N4 + c0] = s30; if (hasC1) { C[cBase + (row + 3u) * N4 + c1] = s31; } }
}
