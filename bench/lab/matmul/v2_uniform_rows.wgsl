// v2: lanes span columns (one vec4 of C each); the R rows of a workgroup come from workgroup_id, so the
// A loads are the same for every lane of a subgroup (uniform: one scalar load + broadcast on CPU adapters)
// and only B is loaded per lane.
#include "lib/matmul_vec4_io"

override WG: u32 = 64u;
const R = 8u;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let N4 = p.N / 4u;
  let K4 = p.K / 4u;
  let c = gid.x;
  let r0 = wid.y * R;
  let aBase = wid.z * (p.strideA / 4u);
  let bBase = wid.z * (p.strideB / 4u) + min(c, N4 - 1u);
  var acc: array<vec4<f32>, 8>;
  var rowA: array<u32, 8>;
  for (var i = 0u; i < R; i++) { rowA[i] = aBase + min(r0 + i, p.M - 1u) * K4; acc[i] = vec4<f32>(0.0); }
  for (var k = 0u; k < K4; k++) {
    let kb = bBase + k * 4u * N4;
    let b0 = B[kb]; let b1 = B[kb + N4]; let b2 = B[kb + 2u * N4]; let b3 = B[kb + 3u * N4];
    for (var i = 0u; i < R; i++) {
      let a = A[rowA[i] + k];
      acc[i] += a.x * b0 + a.y * b1 + a.z * b2 + a.w * b3;
    }
  }
  if (c >= N4) { return; }
  let cBase = wid.z * (p.strideC / 4u) + c;
  for (var i = 0u; i < R; i++) {
    if (r0 + i < p.M) { C[cBase + (r0 + i) * N4] = acc[i]; }
  }
}
