// Per-sample power normalisation factor a = √k/‖z‖ (k = len/2 complex symbols), one workgroup per sample:
// computed once, so that kernels working on parts of a sample (an OFDM symbol each) need not reduce it again.
struct Params { samples: u32, len: u32, _pad0: u32, _pad1: u32 }
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read_write> scale: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let s = wid.x;
  let base = s * p.len;
  var acc = 0.0;
  for (var i = t; i < p.len; i += 64u) { acc += z[base + i] * z[base + i]; }
  partial[t] = acc;
  workgroupBarrier();
  for (var w = 32u; w > 0u; w /= 2u) {
    if (t < w) { partial[t] += partial[t + w]; }
    workgroupBarrier();
  }
  if (t == 0u) { scale[s] = sqrt(f32(p.len / 2u) / max(partial[0], 1e-30)); }
}
