// Counter-based random numbers (Philox4x32-10): output i depends only on (seed, offset, start + i), so the
// same seed gives the same numbers whatever the batching (`start`, a multiple of 4, shifts the counter). DIST 0: uniform in [a, b); DIST 1: normal(a, b^2)
// via Box-Muller on pairs.
override DIST: u32 = 0u;

struct Params { n: u32, seedLo: u32, seedHi: u32, offset: u32, a: f32, b: f32, startQuad: u32, _pad0: u32 }
@group(0) @binding(0) var<storage, read_write> y: array<f32>;
@group(0) @binding(1) var<uniform> p: Params;

#include "lib/philox"

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * 64u;
  let i0 = t * 4u;
  if (i0 >= p.n) { return; }
  let r = philox(vec4<u32>(p.startQuad + t, p.offset, 0u, 0u), vec2<u32>(p.seedLo, p.seedHi));
  var u = vec4<f32>(unit(r.x), unit(r.y), unit(r.z), unit(r.w));
  var out: vec4<f32>;
  if (DIST == 0u) {
    out = p.a + (p.b - p.a) * u;
  } else {
    out = p.a + p.b * vec4<f32>(box_muller(u.x, u.y), box_muller(u.z, u.w));
  }
  for (var j = 0u; j < 4u; j++) {
    if (i0 + j < p.n) { y[i0 + j] = out[j]; }
  }
}
