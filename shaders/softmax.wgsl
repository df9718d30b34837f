// Softmax along the last axis: one invocation per row (no barriers: they are costly on CPU adapters).
struct Params { rows: u32, cols: u32, _pad0: u32, _pad1: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * 64u;
  if (r >= p.rows) { return; }
  let base = r * p.cols;
  var m = -0x1.fffffep+127f;
  var s = 0.0;
  for (var j = 0u; j < p.cols; j++) {
    // online softmax: one pass for max and sum
    let v = x[base + j];
    let mNew = max(m, v);
    s = s * exp(m - mNew) + exp(v - mNew);
    m = mNew;
  }
  let inv = 1.0 / s;
  for (var j = 0u; j < p.cols; j++) {
    y[base + j] = exp(x[base + j] - m) * inv;
  }
}
