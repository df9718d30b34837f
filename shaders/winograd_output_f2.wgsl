// Winograd F(2×2, 3×3) output transform Y = Aᵀ m A with the forward kernels' fused epilogue (bias,
// activation, residual): one invocation per (output channel, tile) reads the 16 products
// m[ξ][tile][co] of the batched matmul and writes its 2×2 outputs. The products come in through the x
// binding of lib/conv_forward_io; p.owBlocks is the tiles per output row, p.coutG4 the products' row
// length (Cout padded to a multiple of 4).
override ACT: u32 = 0u;      // 0 none, 1 relu, 2 prelu (per output channel slope), 3 silu
override HAS_BIAS: bool = false;
override RESIDUAL: u32 = 0u;  // 0 none, 1 y = residual + act(conv), 2 y = residual − act(conv)
override WG_X: u32 = 64u;

#include "lib/conv_forward_io"

/** Aᵀ·t for a 4-vector t (Aᵀ rows: [1 1 1 0], [0 1 −1 −1]). */
fn at(t: vec4<f32>) -> vec2<f32> {
  return vec2<f32>(t.x + t.y + t.z, t.y - t.z - t.w);
}

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let tilesW = p.owBlocks;
  let tilesHW = ((p.OH + 1u) / 2u) * tilesW;
  let P = p.N * tilesHW;
  // lanes along channels, so a workgroup's loads of the products are contiguous; tiles over y and z
  let co = gid.x;
  let tile = wid.y + wid.z * nwg.y;
  if (tile >= P || co >= p.Cout) { return; }
  let stride = P * p.coutG4;
  let o = tile * p.coutG4 + co;
  let m0 = vec4<f32>(x[o], x[o + stride], x[o + 2u * stride], x[o + 3u * stride]);
  let m1 = vec4<f32>(x[o + 4u * stride], x[o + 5u * stride], x[o + 6u * stride], x[o + 7u * stride]);
  let m2 = vec4<f32>(x[o + 8u * stride], x[o + 9u * stride], x[o + 10u * stride], x[o + 11u * stride]);
  let m3 = vec4<f32>(x[o + 12u * stride], x[o + 13u * stride], x[o + 14u * stride], x[o + 15u * stride]);
  // Aᵀ m by rows, then each row times A
  let y0 = at(m0 + m1 + m2);
  let y1 = at(m1 - m2 - m3);
  let b = select(0.0, bias[co], HAS_BIAS);
  let n = tile / tilesHW;
  let rem = tile % tilesHW;
  let oh = (rem / tilesW) * 2u;
  let ow = (rem % tilesW) * 2u;
  let base = ((n * p.Cout + co) * p.OH + oh) * p.OW + ow;
  let right = ow + 1u < p.OW;
  store(base, y0.x + b, co);
  if (right) { store(base + 1u, y0.y + b, co); }
  if (oh + 1u < p.OH) {
    store(base + p.OW, y1.x + b, co);
    if (right) { store(base + p.OW + 1u, y1.y + b, co); }
  }
}
