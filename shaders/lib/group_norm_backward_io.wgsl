// What GroupNorm's backward kernels share (group_norm_backward.wgsl: one invocation per group;
// group_norm_backward_wg.wgsl: a workgroup per group): parameters, bindings, and the gradient at the
// affine output, and the two passes over a channel's values (from `start` in steps of `step`: every value
// for one invocation per group, a lane's share for a workgroup per group).
override SILU: bool = false;

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

/** (Σ g, Σ g·x̂) over the values of channel row `row` this invocation visits. */
fn channelSums(row: u32, st: vec2<f32>, w: f32, b: f32, start: u32, step: u32) -> vec2<f32> {
  var sg = 0.0;
  var sgx = 0.0;
  for (var i = start; i < p.HW; i += step) {
    let xh = (x[row * p.HW + i] - st.x) * st.y;
    let gi = gradZ(g[row * p.HW + i], xh, w, b);
    sg += gi;
    sgx += gi * xh;
  }
  return vec2<f32>(sg, sgx);
}

/** Writes dx = rstd·(w·g − (A + x̂·B)/M) at the values of channel row `row` this invocation visits. */
fn writeDx(row: u32, st: vec2<f32>, w: f32, b: f32, A: f32, B: f32, M: f32, start: u32, step: u32) {
  for (var i = start; i < p.HW; i += step) {
    let xh = (x[row * p.HW + i] - st.x) * st.y;
    dx[row * p.HW + i] = st.y * (w * gradZ(g[row * p.HW + i], xh, w, b) - (A + xh * B) / M);
  }
}
