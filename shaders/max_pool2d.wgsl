// Max pooling over KH×KW windows (stride, padding, ceil mode decided by the wrapper through OH/OW).
// Writes the position of the maximum inside its window (kh·KW + kw) for the backward pass.
override WG: u32 = 64u;

#include "lib/pool_params"
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> argmax: array<u32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let total = p.planes * p.OH * p.OW;
  for (var o = gid.x; o < total; o += nwg.x * WG) {
    let ow = o % p.OW;
    let oh = (o / p.OW) % p.OH;
    let plane = o / (p.OW * p.OH);
    var best = -0x1.fffffep+127f;
    var at = 0u;
    for (var kh = 0u; kh < p.KH; kh++) {
      let ih = i32(oh * p.strideH + kh) - p.padTop;
      if (ih < 0 || ih >= i32(p.H)) { continue; }
      for (var kw = 0u; kw < p.KW; kw++) {
        let iw = i32(ow * p.strideW + kw) - p.padLeft;
        if (iw < 0 || iw >= i32(p.W)) { continue; }
        let v = x[(plane * p.H + u32(ih)) * p.W + u32(iw)];
        if (v > best) { best = v; at = kh * p.KW + kw; }
      }
    }
    y[o] = best;
    argmax[o] = at;
  }
}
