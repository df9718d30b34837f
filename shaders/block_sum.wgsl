// Sum over non-overlapping k×k windows, times a scale: the gradient of nearest upsampling (scale 1) and
// average pooling (scale 1/k²). One invocation per output row; a window's k input rows are read in turn.
override WG: u32 = 64u;

struct Params { rows: u32, OW: u32, k: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let W = p.OW * p.k;
  for (var row = gid.x; row < p.rows; row += nwg.x * WG) {
    // output row plane·OH + oh sums input rows (plane·OH + oh)·k + r for r < k
    let src = row * p.k * W;
    let dst = row * p.OW;
    for (var ow = 0u; ow < p.OW; ow++) {
      var acc = 0.0;
      for (var r = 0u; r < p.k; r++) {
        let at = src + r * W + ow * p.k;
        for (var c = 0u; c < p.k; c++) { acc += x[at + c]; }
      }
      y[dst + ow] = acc * p.scale;
    }
  }
}
