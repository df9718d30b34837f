// The AWGN channel with per-sample power normalisation, fused. Each sample's 2k reals are k complex
// symbols; z is scaled to average symbol power 1 (z ← √k·z/‖z‖) and complex Gaussian noise of variance
// σ² = 10^(−SNR/10) is added (σ²/2 per real part). SNR is per sample (a buffer), noise is seeded and
// keyed by the sample's index in the whole run (firstImage + s), so a batch equals its samples sent one by one.
// One invocation per sample (a sample's symbols are few: k = n·BCR).
override WG: u32 = 64u;
override NOISE: bool = true;

struct Params { samples: u32, len: u32, seedLo: u32, seedHi: u32, offset: u32, firstImage: u32, _pad1: u32, _pad2: u32 }
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> snrDb: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> scale: array<f32>; // √k/‖z‖ per sample, for the backward
@group(0) @binding(4) var<uniform> p: Params;

#include "lib/philox"

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.x;
  if (s >= p.samples) { return; }
  let base = s * p.len;
  var ss = 0.0;
  for (var i = 0u; i < p.len; i++) { ss += z[base + i] * z[base + i]; }
  let k = f32(p.len) * 0.5;
  let a = sqrt(k / max(ss, 1e-30));
  scale[s] = a;
  let noiseStd = sqrt(pow(10.0, -snrDb[s] / 10.0) * 0.5);
  let key = vec2<u32>(p.seedLo, p.seedHi);
  for (var i = 0u; i < p.len; i += 4u) {
    var nz = vec4<f32>(0.0);
    if (NOISE) { nz = noiseStd * normal4(vec4<u32>(i / 4u, p.offset, p.firstImage + s, 1u), key); }
    for (var j = 0u; j < 4u; j++) {
      if (i + j < p.len) { y[base + i + j] = a * z[base + i + j] + nz[j]; }
    }
  }
}
