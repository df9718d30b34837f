// v3: as v2 with two vec4 columns per lane (8 columns), R = 4 rows per workgroup.
#include "lib/matmul_vec4_io"

override WG: u32 = 64u;
const R = 4u;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let N4 = p.N / 4u;
  let K4 = p.K / 4u;
  let c0 = gid.x * 2u;
  let c1 = min(c0 + 1u, N4 - 1u);
  let r0 = wid.y * R;
  let aBase = wid.z * (p.strideA / 4u);
  let bBase = wid.z * (p.strideB / 4u);
  var acc0: array<vec4<f32>, 4>;
  var acc1: array<vec4<f32>, 4>;
  var rowA: array<u32, 4>;
  for (var i = 0u; i < R; i++) { rowA[i] = aBase + min(r0 + i, p.M - 1u) * K4; acc0[i] = vec4<f32>(0.0); acc1[i] = vec4<f32>(0.0); }
  let cc0 = min(c0, N4 - 1u);
  for (var k = 0u; k < K4; k++) {
    let kb = bBase + k * 4u * N4;
    let b0 = B[kb + cc0]; let b1 = B[kb + N4 + cc0]; let b2 = B[kb + 2u * N4 + cc0]; let b3 = B[kb + 3u * N4 + cc0];
    let d0 = B[kb + c1]; let d1 = B[kb + N4 + c1]; let d2 = B[kb + 2u * N4 + c1]; let d3 = B[kb + 3u * N4 + c1];
    for (var i = 0u; i < R; i++) {
      let a = A[rowA[i] + k];
      acc0[i] += a.x * b0 + a.y * b1 + a.z * b2 + a.w * b3;
      acc1[i] += a.x * d0 + a.y * d1 + a.z * d2 + a.w * d3;
    }
  }
  if (c0 >= N4) { return; }
  let cBase = wid.z * (p.strideC / 4u);
  for (var i = 0u; i < R; i++) {
    if (r0 + i < p.M) {
      C[cBase + (r0 + i) * N4 + c0] = acc0[i];
      if (c0 + 1u < N4) { C[cBase + (r0 + i) * N4 + c0 + 1u] = acc1[i]; }
    }
  }
}
