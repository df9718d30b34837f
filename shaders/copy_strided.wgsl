// dst[dstOffset + Σ_d i_d·dstStride_d] = src[srcOffset + Σ_d i_d·srcStride_d] over an index grid of rank
// <= 8. Serves permute, slice, concat (copy into a region), pad and broadcast-expand. A work item is one
// row of the innermost grid dim: its offsets are computed once (integer division is slow on CPU adapters)
// and the row is then streamed.
override WG: u32 = 64u;

struct Params {
  rows: u32, rank: u32, srcOffset: u32, dstOffset: u32,
  shape: array<vec4<u32>, 2>,
  srcStride: array<vec4<u32>, 2>,
  dstStride: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

fn at(a: array<vec4<u32>, 2>, d: u32) -> u32 { return a[d / 4u][d % 4u]; }

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let last = p.rank - 1u;
  let inner = at(p.shape, last);
  let ss = at(p.srcStride, last);
  let ds = at(p.dstStride, last);
  for (var row = gid.x; row < p.rows; row += nwg.x * WG) {
    var rem = row;
    var s = p.srcOffset;
    var t = p.dstOffset;
    for (var d = i32(last) - 1; d >= 0; d--) {
      let dd = u32(d);
      let n = at(p.shape, dd);
      let c = rem % n;
      rem = rem / n;
      s += c * at(p.srcStride, dd);
      t += c * at(p.dstStride, dd);
    }
    for (var i = 0u; i < inner; i++) { dst[t + i * ds] = src[s + i * ss]; }
  }
}
