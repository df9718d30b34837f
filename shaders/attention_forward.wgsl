// Fused self-attention forward: o_i = Σ_j softmax_j(scale·q_i·k_j) v_j with an online softmax, so no score
// matrix is stored. Also writes the row log-sum-exp lse_i for the backward pass.
override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> k: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> v: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> o: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

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
  var acc: array<vec4<f32>, CHUNK>;
  var m = -0x1.fffffep+127f;
  var l = 0.0;
  for (var j = 0u; j < p.T; j++) {
    let kj = base + j * p.d4;
    let s = row_dot(&q, qi, &k, kj, p.d4) * p.scale;
    let mNew = max(m, s);
    let corr = exp(m - mNew);
    let pj = exp(s - mNew);
    l = l * corr + pj;
    for (var t = 0u; t < n; t++) { acc[t] = acc[t] * corr + pj * v[kj + c0 + t]; }
    m = mNew;
  }
  let inv = 1.0 / l;
  for (var t = 0u; t < n; t++) { o[qi + c0 + t] = acc[t] * inv; }
  if (c0 == 0u) { lse[bh * p.T + i] = m + log(l); }
}
