// Attention backward for dq: dq_i = scale·Σ_j p_ij (dO_i·v_j − D_i) k_j, with p_ij recomputed from the
// saved log-sum-exp and D_i = dO_i·o_i.
override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> k: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> v: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> dout: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> lse: array<f32>;
@group(0) @binding(5) var<storage, read> dsum: array<f32>;
@group(0) @binding(6) var<storage, read_write> dq: array<vec4<f32>>;
@group(0) @binding(7) var<uniform> p: Params;

#include "lib/attention_common"

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= p.T) { return; }
  let bh = gid.y / p.chunks;
  let c0 = (gid.y % p.chunks) * CHUNK;
  let n = min(CHUNK, p.d4 - c0);
  let base = bh * p.T * p.d4;
  let qi = base + i * p.d4;
  let Li = lse[bh * p.T + i];
  let Di = dsum[bh * p.T + i];
  var acc: array<vec4<f32>, CHUNK>;
  for (var j = 0u; j < p.T; j++) {
    let kj = base + j * p.d4;
    let pij = exp(row_dot(&q, qi, &k, kj, p.d4) * p.scale - Li);
    let ds = pij * (row_dot(&dout, qi, &v, kj, p.d4) - Di);
    for (var t = 0u; t < n; t++) { acc[t] += ds * k[kj + c0 + t]; }
  }
  for (var t = 0u; t < n; t++) { dq[qi + c0 + t] = acc[t] * p.scale; }
}
