// Elementwise binary op with general broadcasting, one output per step: the fallback when the merged
// innermost dim is not a multiple of 4.
override OP: u32 = 0u;
override WG: u32 = 256u;
// the merged rank as a constant: the index loop unrolls and its shape/stride reads become constant offsets
override RANK: u32 = 8u;

struct Params {
  n: u32, rank: u32, _pad0: u32, _pad1: u32,
  shape: array<vec4<u32>, 2>,
  sa: array<vec4<u32>, 2>,
  sb: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

#include "lib/binary_ops"

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let stride = nwg.x * WG;
  for (var i = gid.x; i < p.n; i += stride) {
    var rem = i;
    var ia = 0u;
    var ib = 0u;
    for (var d = i32(RANK) - 1; d >= 0; d--) {
      let dd = u32(d);
      let s = p.shape[dd / 4u][dd % 4u];
      let c = rem % s;
      rem = rem / s;
      ia += c * p.sa[dd / 4u][dd % 4u];
      ib += c * p.sb[dd / 4u][dd % 4u];
    }
    y[i] = binary_op(vec4<f32>(a[ia]), vec4<f32>(b[ib])).x;
  }
}
