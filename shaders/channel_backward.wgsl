// Backward of the power normalisation y = a·z with a = √k/‖z‖ (the noise is additive):
// dz = a·(g − z·(z·g)/‖z‖²). One invocation per sample.
override WG: u32 = 64u;

struct Params { samples: u32, len: u32, _pad0: u32, _pad1: u32 }
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read_write> dz: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.x;
  if (s >= p.samples) { return; }
  let base = s * p.len;
  var zz = 0.0;
  var zg = 0.0;
  for (var i = 0u; i < p.len; i++) {
    zz += z[base + i] * z[base + i];
    zg += z[base + i] * g[base + i];
  }
  let a = scale[s];
  let c = zg / max(zz, 1e-30);
  for (var i = 0u; i < p.len; i++) { dz[base + i] = a * (g[base + i] - z[base + i] * c); }
}
