// Nearest-neighbour upsampling by an integer factor, times a scale (1; 1/k² for average pooling's
// gradient): one invocation per output row.
override WG: u32 = 64u;

struct Params { rows: u32, W: u32, factor: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let OW = p.W * p.factor;
  for (var row = gid.x; row < p.rows; row += nwg.x * WG) {
    // output row (plane·H + h)·factor + r reads input row plane·H + h
    let src = (row / p.factor) * p.W;
    let dst = row * OW;
    for (var ow = 0u; ow < OW; ow++) { y[dst + ow] = x[src + ow / p.factor] * p.scale; }
  }
}
