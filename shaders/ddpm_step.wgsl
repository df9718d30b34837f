// One fused diffusion update: y = cx·x + ce·ε + σ·z with z ~ N(0, 1) drawn on the GPU (Philox, seeded).
// The ancestral DDPM step, the DDIM step and the x̂0 estimate are all of this form; the wrapper computes
// the coefficients from the schedule. 4 elements per invocation.
override WG: u32 = 64u;

struct Params { n: u32, seedLo: u32, seedHi: u32, offset: u32, cx: f32, ce: f32, sigma: f32, startQuad: u32 }
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> eps: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> p: Params;

#include "lib/philox"

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n4 = (p.n + 3u) / 4u;
  for (var t = gid.x; t < n4; t += nwg.x * WG) {
    var v = p.cx * x[t] + p.ce * eps[t];
    if (p.sigma != 0.0) {
      v += p.sigma * normal4(vec4<u32>(p.startQuad + t, p.offset, 0u, 0u), vec2<u32>(p.seedLo, p.seedHi));
    }
    y[t] = v;
  }
}
