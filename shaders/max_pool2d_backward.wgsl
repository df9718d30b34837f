// Max-pool backward as a gather: each input pixel sums the gradients of the outputs whose window covers it
// and whose maximum it was (no atomics needed for overlapping windows). The covering windows are a range
// per axis, [ceil((i + pad − K + 1) / stride), floor((i + pad) / stride)], visited directly (a 3×3 stride-2
// pool: at most 2×2 windows per pixel instead of 9 tests with a modulo each).
override WG: u32 = 64u;

#include "lib/pool_params"
@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> argmax: array<u32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

/** The outputs along one axis whose window covers input position t = i + pad (t ≥ 0): [lo, hi]. */
fn covering(t: i32, k: u32, stride: u32, outSize: u32) -> vec2<i32> {
  let s = i32(stride);
  let lo = select(0, (t - i32(k) + s) / s, t >= i32(k));
  let hi = min(t / s, i32(outSize) - 1);
  return vec2<i32>(lo, hi);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let total = p.planes * p.H * p.W;
  for (var i = gid.x; i < total; i += nwg.x * WG) {
    let th = i32((i / p.W) % p.H) + p.padTop;
    let tw = i32(i % p.W) + p.padLeft;
    let plane = i / (p.W * p.H);
    let rh = covering(th, p.KH, p.strideH, p.OH);
    let rw = covering(tw, p.KW, p.strideW, p.OW);
    var acc = 0.0;
    for (var oh = rh.x; oh <= rh.y; oh++) {
      let kh = u32(th - oh * i32(p.strideH));
      let row = (plane * p.OH + u32(oh)) * p.OW;
      for (var ow = rw.x; ow <= rw.y; ow++) {
        let kw = u32(tw - ow * i32(p.strideW));
        let o = row + u32(ow);
        if (argmax[o] == kh * p.KW + kw) { acc += g[o]; }
      }
    }
    dx[i] = acc;
  }
}
