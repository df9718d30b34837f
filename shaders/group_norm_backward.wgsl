// GroupNorm backward, given the gradient g of y and the saved (mean, rstd) per (sample, group).
// One invocation per (sample, group): first pass sums over the group
//   A = Σ w·g,  B = Σ w·g·x̂  and per channel  Σ g, Σ g·x̂ (for the weight and bias gradients),
// second pass writes dx = rstd·(w·g − (A + x̂·B)/M).
// With SILU (y = silu(z), z = w·x̂ + b) g is first taken through SiLU's derivative at z, recomputed here,
// so neither z nor a separate SiLU gradient pass is needed.
override WG: u32 = 64u;

#include "lib/group_norm_backward_io"

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let ng = gid.x;
  if (ng >= p.groups4) { return; }
  let st = stats[ng];
  let c0 = ng * p.cPerGroup; // row (n·C + c) of the group's first channel
  let N = p.groups4 * p.cPerGroup / p.C; // samples
  var A = 0.0;
  var B = 0.0;
  for (var cc = 0u; cc < p.cPerGroup; cc++) {
    let row = c0 + cc;
    let w = weight[row % p.C];
    let b = bias[row % p.C];
    let t = channelSums(row, st, w, b, 0u, 1u);
    let at = (row % p.C) * N + row / p.C;
    dparams[at] = t.y;
    dparams[p.C * N + at] = t.x;
    A += w * t.x;
    B += w * t.y;
  }
  let M = f32(p.cPerGroup * p.HW);
  for (var cc = 0u; cc < p.cPerGroup; cc++) {
    let row = c0 + cc;
    let w = weight[row % p.C];
    let b = bias[row % p.C];
    writeDx(row, st, w, b, A, B, M, 0u, 1u);
  }
}
