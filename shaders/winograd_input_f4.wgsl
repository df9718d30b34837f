// Winograd F(4×4, 3×3) input transform V = Bᵀ d B: one invocation per (channel, 6×6 input tile), reading
// the tile straight from x (zero outside it: the padding) and writing its 36 values to
// V[ξ][tile][c] (ξ = row·6 + column), zero-padded to Cp channels: the A operand of the batched matmul.
// Tiles step by 4 (the output tile), so neighbouring tiles overlap by two columns. Scalar code: on a CPU
// adapter every invocation is one SIMD lane, so vectors would not help.
override WG_X: u32 = 64u;

#include "lib/winograd_input_io"

/** Six columns from iw0 of input row ih of the plane at xPlane, zero outside the input. */
fn row6(xPlane: u32, ih: i32, iw0: i32) -> array<f32, 6> {
  let rs = rowStart(xPlane, ih);
  let ok = rs.y == 1u;
  return array<f32, 6>(at(rs.x, iw0, ok), at(rs.x, iw0 + 1, ok), at(rs.x, iw0 + 2, ok), at(rs.x, iw0 + 3, ok), at(rs.x, iw0 + 4, ok), at(rs.x, iw0 + 5, ok));
}

/** Bᵀ·t for a 6-vector t (Lavin & Gray's F(4, 3), interpolation points 0, ±1, ±2, ∞). */
fn bt(t: array<f32, 6>) -> array<f32, 6> {
  return array<f32, 6>(
    4.0 * t[0] - 5.0 * t[2] + t[4],
    -4.0 * (t[1] + t[2]) + t[3] + t[4],
    4.0 * (t[1] - t[2]) - t[3] + t[4],
    2.0 * (t[3] - t[1]) - t[2] + t[4],
    2.0 * (t[1] - t[3]) - t[2] + t[4],
    4.0 * t[1] - 5.0 * t[3] + t[5],
  );
}

fn col(e: array<array<f32, 6>, 6>, j: u32) -> array<f32, 6> {
  return array<f32, 6>(e[0][j], e[1][j], e[2][j], e[3][j], e[4][j], e[5][j]);
}

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // lanes along channels, so a workgroup's stores to V are contiguous; tiles over y and z (past 65535)
  let c = gid.x;
  let tile = wid.y + wid.z * nwg.y;
  if (tile >= p.tiles || c >= p.Cp) { return; }
  let t = inputTile(c, tile, 4);
  let xPlane = t.xPlane;
  let ih = t.ih0;
  let iw0 = t.iw0;
  // each row times B (d B), then Bᵀ over each column
  let e = array<array<f32, 6>, 6>(
    bt(row6(xPlane, ih, iw0)), bt(row6(xPlane, ih + 1, iw0)), bt(row6(xPlane, ih + 2, iw0)),
    bt(row6(xPlane, ih + 3, iw0)), bt(row6(xPlane, ih + 4, iw0)), bt(row6(xPlane, ih + 5, iw0)),
  );
  let stride = p.tiles * p.Cp;
  let o = tile * p.Cp + c;
  // column j of Bᵀ (d B) holds V[i][j] for i = 0..5
  let c0 = bt(col(e, 0u)); let c1 = bt(col(e, 1u)); let c2 = bt(col(e, 2u));
  let c3 = bt(col(e, 3u)); let c4 = bt(col(e, 4u)); let c5 = bt(col(e, 5u));
  v[o] = c0[0]; v[o + stride] = c1[0]; v[o + 2u * stride] = c2[0]; v[o + 3u * stride] = c3[0]; v[o + 4u * stride] = c4[0]; v[o + 5u * stride] = c5[0];
  v[o + 6u * stride] = c0[1]; v[o + 7u * stride] = c1[1]; v[o + 8u * stride] = c2[1]; v[o + 9u * stride] = c3[1]; v[o + 10u * stride] = c4[1]; v[o + 11u * stride] = c5[1];
  v[o + 12u * stride] = c0[2]; v[o + 13u * stride] = c1[2]; v[o + 14u * stride] = c2[2]; v[o + 15u * stride] = c3[2]; v[o + 16u * stride] = c4[2]; v[o + 17u * stride] = c5[2];
  v[o + 18u * stride] = c0[3]; v[o + 19u * stride] = c1[3]; v[o + 20u * stride] = c2[3]; v[o + 21u * stride] = c3[3]; v[o + 22u * stride] = c4[3]; v[o + 23u * stride] = c5[3];
  v[o + 24u * stride] = c0[4]; v[o + 25u * stride] = c1[4]; v[o + 26u * stride] = c2[4]; v[o + 27u * stride] = c3[4]; v[o + 28u * stride] = c4[4]; v[o + 29u * stride] = c5[4];
  v[o + 30u * stride] = c0[5]; v[o + 31u * stride] = c1[5]; v[o + 32u * stride] = c2[5]; v[o + 33u * stride] = c3[5]; v[o + 34u * stride] = c4[5]; v[o + 35u * stride] = c5[5];
}
