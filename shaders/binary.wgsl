// Elementwise binary op with broadcasting, vec4 at a time. The wrapper merges dims so the innermost one
// (inner) is a multiple of 4, or the whole tensor is one row when neither operand broadcasts. A work item
// is a chunk of CHUNK vec4s of one row: the row's offsets are computed once per item (integer division is
// slow on CPU adapters), then the chunk is streamed. Each operand is read in one of four modes:
//   0: same layout as the output   1: contiguous along the inner dim (vec4 at a computed offset)
//   2: broadcast along the inner dim (one value splatted)   3: a single value for the whole tensor
override OP: u32 = 0u;
override MODE_A: u32 = 0u;
override MODE_B: u32 = 0u;
override WG: u32 = 256u;

const CHUNK: u32 = 64u;

struct Params {
  rows: u32, inner4: u32, rank: u32, _pad0: u32,
  shape: array<vec4<u32>, 2>,
  sa: array<vec4<u32>, 2>,
  sb: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> p: Params;

#include "lib/binary_ops"

fn load_a(i4: u32, off: u32) -> vec4<f32> {
  switch MODE_A {
    case 0u: { return a[i4]; }
    case 1u: { return a[off / 4u]; }
    case 2u: { return vec4<f32>(a[off / 4u][off % 4u]); }
    default: { return vec4<f32>(a[0][0]); }
  }
}

fn load_b(i4: u32, off: u32) -> vec4<f32> {
  switch MODE_B {
    case 0u: { return b[i4]; }
    case 1u: { return b[off / 4u]; }
    case 2u: { return vec4<f32>(b[off / 4u][off % 4u]); }
    default: { return vec4<f32>(b[0][0]); }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let stride = nwg.x * WG;
  let chunks = (p.inner4 + CHUNK - 1u) / CHUNK;
  for (var item = gid.x; item < p.rows * chunks; item += stride) {
    let row = item / chunks;
    let j0 = (item % chunks) * CHUNK;
    let j1 = min(j0 + CHUNK, p.inner4);
    // offsets of the row start: the dims above the innermost one
    var rem = row;
    var ia = 0u;
    var ib = 0u;
    for (var d = i32(p.rank) - 2; d >= 0; d--) {
      let dd = u32(d);
      let s = p.shape[dd / 4u][dd % 4u];
      let c = rem % s;
      rem = rem / s;
      ia += c * p.sa[dd / 4u][dd % 4u];
      ib += c * p.sb[dd / 4u][dd % 4u];
    }
    let base = row * p.inner4;
    for (var j = j0; j < j1; j++) {
      // inner strides are 1 (modes 0, 1) or 0 (modes 2, 3)
      let oa = select(ia, ia + 4u * j, MODE_A <= 1u);
      let ob = select(ib, ib + 4u * j, MODE_B <= 1u);
      y[base + j] = binary_op(load_a(base + j, oa), load_b(base + j, ob));
    }
  }
}
