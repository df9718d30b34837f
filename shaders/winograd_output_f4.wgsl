// Winograd F(4×4, 3×3) output transform Y = Aᵀ m A with the forward kernels' fused epilogue (bias,
// activation, residual): one invocation per (output channel, tile) reads the 36 products
// m[ξ][tile][co] of the batched matmul and writes its 4×4 outputs. The products come in through the x
// binding of lib/conv_forward_io; p.owBlocks is the tiles per output row, p.coutG4 the products' row
// length (Cout padded to a multiple of 4).
override ACT: u32 = 0u;      // 0 none, 1 relu, 2 prelu (per output channel slope), 3 silu
override HAS_BIAS: bool = false;
override RESIDUAL: u32 = 0u;  // 0 none, 1 y = residual + act(conv), 2 y = residual − act(conv)
override WG_X: u32 = 64u;

#include "lib/conv_forward_io"

/** Aᵀ·t for a 6-vector t (Aᵀ rows: [1 1 1 1 1 0], [0 1 −1 2 −2 0], [0 1 1 4 4 0], [0 1 −1 8 −8 1]). */
fn at(t: array<f32, 6>) -> vec4<f32> {
  let s = t[1] + t[2];
  let d = t[1] - t[2];
  let s2 = t[3] + t[4];
  let d2 = t[3] - t[4];
  return vec4<f32>(t[0] + s + s2, d + 2.0 * d2, s + 4.0 * s2, d + 8.0 * d2 + t[5]);
}

/** Products ξ = 6·i .. 6·i + 5 (row i of m) of the invocation's tile and channel. */
fn row(o: u32, stride: u32, i: u32) -> array<f32, 6> {
  let r = o + 6u * i * stride;
  return array<f32, 6>(x[r], x[r + stride], x[r + 2u * stride], x[r + 3u * stride], x[r + 4u * stride], x[r + 5u * stride]);
}

fn col(e: array<vec4<f32>, 6>, j: u32) -> array<f32, 6> {
  return array<f32, 6>(e[0][j], e[1][j], e[2][j], e[3][j], e[4][j], e[5][j]);
}

/** Stores output row oh (4 columns from ow, those inside the output) of channel co. */
fn storeRow(base: u32, oh: u32, ow: u32, v: vec4<f32>, co: u32) {
  if (oh >= p.OH) { return; }
  let r = base + oh * p.OW + ow;
  store(r, v.x, co);
  if (ow + 1u < p.OW) { store(r + 1u, v.y, co); }
  if (ow + 2u < p.OW) { store(r + 2u, v.z, co); }
  if (ow + 3u < p.OW) { store(r + 3u, v.w, co); }
}

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let tilesW = p.owBlocks;
  let tilesHW = ((p.OH + 3u) / 4u) * tilesW;
  let P = p.N * tilesHW;
  // lanes along channels, so a workgroup's loads of the products are contiguous; tiles over y and z
  let co = gid.x;
  let tile = wid.y + wid.z * nwg.y;
  if (tile >= P || co >= p.Cout) { return; }
  let stride = P * p.coutG4;
  let o = tile * p.coutG4 + co;
  // each row of m times A, then Aᵀ over each column
  let e = array<vec4<f32>, 6>(at(row(o, stride, 0u)), at(row(o, stride, 1u)), at(row(o, stride, 2u)), at(row(o, stride, 3u)), at(row(o, stride, 4u)), at(row(o, stride, 5u)));
  let b = vec4<f32>(select(0.0, bias[co], HAS_BIAS));
  // column j of Aᵀ (m A) holds Y[i][j] for i = 0..3
  let y0 = at(col(e, 0u)) + b;
  let y1 = at(col(e, 1u)) + b;
  let y2 = at(col(e, 2u)) + b;
  let y3 = at(col(e, 3u)) + b;
  let n = tile / tilesHW;
  let rem = tile % tilesHW;
  let oh = (rem / tilesW) * 4u;
  let ow = (rem % tilesW) * 4u;
  let base = (n * p.Cout + co) * p.OH * p.OW;
  storeRow(base, oh, ow, vec4<f32>(y0.x, y1.x, y2.x, y3.x), co);
  storeRow(base, oh + 1u, ow, vec4<f32>(y0.y, y1.y, y2.y, y3.y), co);
  storeRow(base, oh + 2u, ow, vec4<f32>(y0.z, y1.z, y2.z, y3.z), co);
  storeRow(base, oh + 3u, ow, vec4<f32>(y0.w, y1.w, y2.w, y3.w), co);
}
