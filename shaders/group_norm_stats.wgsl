// GroupNorm statistics: one invocation per (sample, group) runs Welford's algorithm over the group's
// elements, which are contiguous in NCHW. Writes mean and 1/sqrt(var + eps) (biased variance, as PyTorch).
override WG: u32 = 64u;

struct Params { groups4: u32, M: u32, eps: f32, _pad0: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> stats: array<vec2<f32>>; // (mean, rstd) per (n, g)
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let ng = gid.x;
  if (ng >= p.groups4) { return; }
  let base = ng * p.M;
  var mean = 0.0;
  var m2 = 0.0;
  for (var i = 0u; i < p.M; i++) {
    let v = x[base + i];
    let d = v - mean;
    mean += d / f32(i + 1u);
    m2 += d * (v - mean);
  }
  stats[ng] = vec2<f32>(mean, inverseSqrt(m2 / f32(p.M) + p.eps));
}
