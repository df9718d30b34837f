// GroupNorm backward, given the gradient g of y and the saved (mean, rstd) per (sample, group).
// One invocation per (sample, group): first pass sums over the group
//   A = Σ w·g,  B = Σ w·g·x̂  and per channel  Σ g, Σ g·x̂ (for the weight and bias gradients),
// second pass writes dx = rstd·(w·g − (A + x̂·B)/M).
// With SILU (y = silu(z), z = w·x̂ + b) g is first taken through SiLU's derivative at z, recomputed here,
// so neither z nor a separate SiLU gradient pass is needed.
override SILU: bool = false;
override WG: u32 = 64u;

struct Params { groups4: u32, cPerGroup: u32, HW: u32, C: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;
// [2][C][N]: Σ g·x̂, then Σ g, per (c, n), so the sums over n run along the last axis and each parameter's
// gradient is a contiguous half of them
@group(0) @binding(6) var<storage, read_write> dparams: array<f32>;
@group(0) @binding(7) var<uniform> p: Params;

// the gradient reaching the affine output z: g itself, or g·silu'(z) = g·s·(1 + z·(1 − s)), s = σ(z)
fn gradZ(gi: f32, xh: f32, w: f32, b: f32) -> f32 {
  if (!SILU) { return gi; }
  let z = xh * w + b;
  let s = 1.0 / (1.0 + exp(-z));
  return gi * s * (1.0 + z * (1.0 - s));
}

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
    var sg = 0.0;
    var sgx = 0.0;
    for (var i = 0u; i < p.HW; i++) {
      let xh = (x[row * p.HW + i] - st.x) * st.y;
      let gi = gradZ(g[row * p.HW + i], xh, w, b);
      sg += gi;
      sgx += gi * xh;
    }
    let at = (row % p.C) * N + row / p.C;
    dparams[at] = sgx;
    dparams[p.C * N + at] = sg;
    A += w * sg;
    B += w * sgx;
  }
  let M = f32(p.cPerGroup * p.HW);
  for (var cc = 0u; cc < p.cPerGroup; cc++) {
    let row = c0 + cc;
    let w = weight[row % p.C];
    let b = bias[row % p.C];
    for (var i = 0u; i < p.HW; i++) {
      let xh = (x[row * p.HW + i] - st.x) * st.y;
      dx[row * p.HW + i] = st.y * (w * gradZ(g[row * p.HW + i], xh, w, b) - (A + xh * B) / M);
    }
  }
}
