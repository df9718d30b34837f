// GroupNorm statistics with a workgroup per (sample, group): the lanes stride over the group's contiguous
// elements, each running Welford's algorithm on its share, and the partial (count, mean, M2) are merged
// pairwise in workgroup memory (Chan et al.). For few, long groups (a batch-1 U-Net: 32 groups of 4,096
// values), where one invocation per group puts the whole norm on one core of a CPU adapter and on one
// compute unit of a GPU. Writes mean and 1/sqrt(var + eps) (biased variance, as PyTorch).
override WG: u32 = 32u;

struct Params { groups4: u32, M: u32, eps: f32, _pad0: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> stats: array<vec2<f32>>; // (mean, rstd) per (n, g)
@group(0) @binding(2) var<uniform> p: Params;

var<workgroup> part: array<vec3<f32>, WG>; // (count, mean, M2) per lane

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // one workgroup per group (the grid covers groups4 exactly, past 65,535 over y), so every lane reaches
  // the barriers
  let ng = wid.x + wid.y * nwg.x;
  let live = ng < p.groups4;
  let base = ng * p.M;
  var n = 0.0;
  var mean = 0.0;
  var m2 = 0.0;
  if (live) {
    for (var i = li; i < p.M; i += WG) {
      let v = x[base + i];
      n += 1.0;
      let d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
  }
  part[li] = vec3<f32>(n, mean, m2);
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (li < s) {
      let a = part[li];
      let b = part[li + s];
      let nab = a.x + b.x;
      if (b.x > 0.0) {
        let d = b.y - a.y;
        part[li] = vec3<f32>(nab, a.y + d * (b.x / nab), a.z + b.z + d * d * (a.x * b.x / nab));
      }
    }
    workgroupBarrier();
  }
  if (li == 0u && live) {
    let t = part[0];
    stats[ng] = vec2<f32>(t.y, inverseSqrt(t.z / f32(p.M) + p.eps));
  }
}
