// Sum or max over a set of axes. Kept and reduced axes are given as (shape, input stride) lists, so any
// axis set works without a transpose. Large reductions with few outputs are split into chunks (numChunks)
// whose partial results a second dispatch combines. Output layout: [outSize, numChunks].
override OP: u32 = 0u; // 0 sum, 1 max

struct Params {
  outSize: u32, redSize: u32, keptRank: u32, redRank: u32,
  chunkLen: u32, numChunks: u32, scale: f32, _pad0: u32,
  keptShape: array<vec4<u32>, 2>,
  keptStride: array<vec4<u32>, 2>,
  redShape: array<vec4<u32>, 2>,
  redStride: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

fn at(arr: array<vec4<u32>, 2>, d: u32) -> u32 { return arr[d / 4u][d % 4u]; }

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * 64u;
  if (t >= p.outSize * p.numChunks) { return; }
  let o = t / p.numChunks;
  let chunk = t % p.numChunks;
  var rem = o;
  var base = 0u;
  for (var d = i32(p.keptRank) - 1; d >= 0; d--) {
    let s = at(p.keptShape, u32(d));
    base += (rem % s) * at(p.keptStride, u32(d));
    rem = rem / s;
  }
  let r0 = chunk * p.chunkLen;
  let r1 = min(r0 + p.chunkLen, p.redSize);
  var acc = select(0.0, -0x1.fffffep+127f, OP == 1u);
  // the innermost reduced dim is a plain loop; the offset of its row (the other reduced dims) is found by
  // division once per row, not per element (integer division is slow on CPU adapters)
  let last = p.redRank - 1u;
  let inner = at(p.redShape, last);
  let innerStride = at(p.redStride, last);
  var r = r0;
  while (r < r1) {
    var rr = r / inner;
    var off = base;
    for (var d = i32(last) - 1; d >= 0; d--) {
      let s = at(p.redShape, u32(d));
      off += (rr % s) * at(p.redStride, u32(d));
      rr = rr / s;
    }
    let j0 = r % inner;
    let j1 = min(inner, j0 + (r1 - r));
    for (var j = j0; j < j1; j++) {
      let v = x[off + j * innerStride];
      if (OP == 1u) { acc = max(acc, v); } else { acc += v; }
    }
    r += j1 - j0;
  }
  y[t] = select(acc * p.scale, acc, OP == 1u);
}
