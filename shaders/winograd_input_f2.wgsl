// Winograd F(2×2, 3×3) input transform V = Bᵀ d B: one invocation per (channel, 4×4 input tile), reading
// the tile straight from x (zero outside it: the padding) and writing its 16 values to
// V[ξ][tile][c] (ξ = row·4 + column), zero-padded to Cp channels: the A operand of the batched matmul.
// Tiles step by 2 (the output tile), so neighbouring tiles overlap by two columns.
override WG_X: u32 = 64u;

#include "lib/winograd_input_io"

/** Four columns from iw0 of input row ih of the plane at xPlane, zero outside the input. */
fn row4(xPlane: u32, ih: i32, iw0: i32) -> vec4<f32> {
  let rs = rowStart(xPlane, ih);
  let ok = rs.y == 1u;
  return vec4<f32>(at(rs.x, iw0, ok), at(rs.x, iw0 + 1, ok), at(rs.x, iw0 + 2, ok), at(rs.x, iw0 + 3, ok));
}

/** Bᵀ·t for a 4-vector t (Bᵀ rows: [1 0 −1 0], [0 1 1 0], [0 −1 1 0], [0 1 0 −1]). */
fn bt(t: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(t.x - t.z, t.y + t.z, t.z - t.y, t.y - t.w);
}

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // lanes along channels, so a workgroup's stores to V are contiguous; tiles over y and z (past 65535)
  let c = gid.x;
  let tile = wid.y + wid.z * nwg.y;
  if (tile >= p.tiles || c >= p.Cp) { return; }
  let t = inputTile(c, tile, 2);
  let d0 = row4(t.xPlane, t.ih0, t.iw0);
  let d1 = row4(t.xPlane, t.ih0 + 1, t.iw0);
  let d2 = row4(t.xPlane, t.ih0 + 2, t.iw0);
  let d3 = row4(t.xPlane, t.ih0 + 3, t.iw0);
  // Bᵀ d by rows, then each row times B
  let v0 = bt(d0 - d2);
  let v1 = bt(d1 + d2);
  let v2 = bt(d2 - d1);
  let v3 = bt(d1 - d3);
  let stride = p.tiles * p.Cp;
  let o = tile * p.Cp + c;
  v[o] = v0.x; v[o + stride] = v0.y; v[o + 2u * stride] = v0.z; v[o + 3u * stride] = v0.w;
  v[o + 4u * stride] = v1.x; v[o + 5u * stride] = v1.y; v[o + 6u * stride] = v1.z; v[o + 7u * stride] = v1.w;
  v[o + 8u * stride] = v2.x; v[o + 9u * stride] = v2.y; v[o + 10u * stride] = v2.z; v[o + 11u * stride] = v2.w;
  v[o + 12u * stride] = v3.x; v[o + 13u * stride] = v3.y; v[o + 14u * stride] = v3.z; v[o + 15u * stride] = v3.w;
}
