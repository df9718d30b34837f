// Max-pool backward as a gather: each input pixel sums the gradients of the outputs whose window covers it
// and whose maximum it was (no atomics needed for overlapping windows).
override WG: u32 = 64u;

#include "lib/pool_params"
@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> argmax: array<u32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let total = p.planes * p.H * p.W;
  for (var i = gid.x; i < total; i += nwg.x * WG) {
    let iw = i32(i % p.W);
    let ih = i32((i / p.W) % p.H);
    let plane = i / (p.W * p.H);
    var acc = 0.0;
    for (var kh = 0; kh < i32(p.KH); kh++) {
      let t = ih + p.padTop - kh;
      if (t < 0 || t % i32(p.strideH) != 0) { continue; }
      let oh = t / i32(p.strideH);
      if (oh >= i32(p.OH)) { continue; }
      for (var kw = 0; kw < i32(p.KW); kw++) {
        let u = iw + p.padLeft - kw;
        if (u < 0 || u % i32(p.strideW) != 0) { continue; }
        let ow = u / i32(p.strideW);
        if (ow >= i32(p.OW)) { continue; }
        let o = (plane * p.OH + u32(oh)) * p.OW + u32(ow);
        if (argmax[o] == u32(kh) * p.KW + u32(kw)) { acc += g[o]; }
      }
    }
    dx[i] = acc;
  }
}
