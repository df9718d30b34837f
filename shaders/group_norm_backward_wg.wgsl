// group_norm_backward.wgsl with a workgroup per (sample, group): the lanes stride over each channel's
// contiguous values, and the sums Σ g and Σ g·x̂ of each channel are added up in workgroup memory, so
// that few, long groups (a batch-1 U-Net) spread over a CPU adapter's cores and a GPU's compute units.
// Same formulas, same [2][C][N] parameter sums, same SILU override.
override WG: u32 = 32u;

#include "lib/group_norm_backward_io"

var<workgroup> part: array<vec2<f32>, WG>; // (Σ g, Σ g·x̂) per lane

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // one workgroup per group; lanes of a workgroup past the last group compute nothing but still reach
  // every barrier
  let ng = wid.x + wid.y * nwg.x;
  let live = ng < p.groups4;
  let st = stats[min(ng, p.groups4 - 1u)];
  let c0 = ng * p.cPerGroup;
  let N = p.groups4 * p.cPerGroup / p.C;
  var A = 0.0;
  var B = 0.0;
  for (var cc = 0u; cc < p.cPerGroup; cc++) {
    let row = c0 + cc;
    let w = weight[row % p.C];
    let b = bias[row % p.C];
    var mine = vec2<f32>(0.0);
    if (live) { mine = channelSums(row, st, w, b, li, WG); }
    part[li] = mine;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
      if (li < s) { part[li] += part[li + s]; }
      workgroupBarrier();
    }
    let t = part[0];
    // every lane has read the total before the next channel overwrites it
    workgroupBarrier();
    if (li == 0u && live) {
      let at = (row % p.C) * N + row / p.C;
      dparams[at] = t.y;
      dparams[p.C * N + at] = t.x;
    }
    A += w * t.x;
    B += w * t.y;
  }
  if (!live) { return; }
  let M = f32(p.cPerGroup * p.HW);
  for (var cc = 0u; cc < p.cPerGroup; cc++) {
    let row = c0 + cc;
    let w = weight[row % p.C];
    let b = bias[row % p.C];
    writeDx(row, st, w, b, A, B, M, li, WG);
  }
}
