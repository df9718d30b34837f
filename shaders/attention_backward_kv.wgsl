// Attention backward for dk and dv: dk_j = scale·Σ_i p_ij (dO_i·v_j − D_i) q_i, dv_j = Σ_i p_ij dO_i.
override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> k: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> v: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> dout: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> lse: array<f32>;
@group(0) @binding(5) var<storage, read> dsum: array<f32>;
@group(0) @binding(6) var<storage, read_write> dk: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read_write> dv: array<vec4<f32>>;
@group(0) @binding(8) var<uniform> p: Params;

#include "lib/attention_common"

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= p.T) { return; }
  let bh = gid.y / p.chunks;
  let c0 = (gid.y % p.chunks) * CHUNK;
  let n = min(CHUNK, p.d4 - c0);
  let base = bh * p.T * p.d4;
  let kj = base + j * p.d4;
  var accK: array<vec4<f32>, CHUNK>;
  var accV: array<vec4<f32>, CHUNK>;
  for (var i = 0u; i < p.T; i++) {
    let qi = base + i * p.d4;
    let pij = exp(row_dot(&q, qi, &k, kj, p.d4) * p.scale - lse[bh * p.T + i]);
    let ds = pij * (row_dot(&dout, qi, &v, kj, p.d4) - dsum[bh * p.T + i]);
    for (var t = 0u; t < n; t++) {
      accK[t] += ds * q[qi + c0 + t];
      accV[t] += pij * dout[qi + c0 + t];
    }
  }
  for (var t = 0u; t < n; t++) {
    dk[kj + c0 + t] = accK[t] * p.scale;
    dv[kj + c0 + t] = accV[t];
  }
}
