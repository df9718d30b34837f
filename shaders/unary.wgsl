// Elementwise unary op (OP folded at pipeline creation), 4 elements per step from vec4 loads, grid-stride
// loop over ceil(n/4) vec4s. Storage buffers are padded to 16 bytes, so the tail vec4 stays in bounds.
override OP: u32 = 0u;
override WG: u32 = 256u;

struct Params { n4: u32, alpha: f32, beta: f32, _pad0: u32 }
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;

#include "lib/unary_ops"

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let stride = nwg.x * WG;
  for (var i = gid.x; i < p.n4; i += stride) {
    y[i] = unary_op(x[i], p.alpha, p.beta);
  }
}
