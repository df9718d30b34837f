// dst[dstOffset + sum_d i_d*dstStride_d] = src[srcOffset + sum_d i_d*srcStride_d] over an index grid of
// rank <= 8. Serves permute, slice, concat (copy into a region), pad and broadcast-expand.
struct Params {
  n: u32, rank: u32, srcOffset: u32, dstOffset: u32,
  shape: array<vec4<u32>, 2>,
  srcStride: array<vec4<u32>, 2>,
  dstStride: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) { return; }
  var rem = i;
  var s = p.srcOffset;
  var t = p.dstOffset;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let dd = u32(d);
    let n = p.shape[dd / 4u][dd % 4u];
    let c = rem % n;
    rem = rem / n;
    s += c * p.srcStride[dd / 4u][dd % 4u];
    t += c * p.dstStride[dd / 4u][dd % 4u];
  }
  dst[t] = src[s];
}
