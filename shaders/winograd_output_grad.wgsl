// Adjoint of the Winograd output transform, for the weight gradient: dM = A dY Aᵀ of each output tile of
// dy, F(2×2, 3×3) (TILE 2: 2×2 dY, 4×4 dM) or F(4×4, 3×3) (TILE 4: 4×4 dY, 6×6 dM), dY zero past the
// output's edge. Writes dMᵀ[ξ][co][tile] (ξ = row·α + column), tiles zero-padded to P4 and channels to
// Kp: the A operand of the batched matmul dUᵀ[ξ] = dMᵀ[ξ]·V[ξ]. One invocation per (tile, channel),
// lanes along tiles (contiguous stores); straight-line code (private arrays indexed in loops are per-lane
// memory on CPU adapters).
override TILE: u32 = 2u;
override WG_X: u32 = 64u;

struct Params { Cout: u32, OH: u32, OW: u32, tilesW: u32, tilesHW: u32, P: u32, P4: u32, Kp: u32 }
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> dm: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

/** dy at (oh, ow) of the plane, zero outside the output or when the invocation has no tile. */
fn dyAt(plane: u32, oh: u32, ow: u32, ok: bool) -> f32 {
  let inside = ok && oh < p.OH && ow < p.OW;
  return select(0.0, dy[plane + min(oh, p.OH - 1u) * p.OW + min(ow, p.OW - 1u)], inside);
}

/** A·t for F(2×2): A rows [1 0], [1 1], [1 −1], [0 −1] (Aᵀ of the output transform, transposed). */
fn a2(t: vec2<f32>) -> vec4<f32> {
  return vec4<f32>(t.x, t.x + t.y, t.x - t.y, -t.y);
}

/** A·t for F(4×4): A rows [1 0 0 0], [1 1 1 1], [1 −1 1 −1], [1 2 4 8], [1 −2 4 −8], [0 0 0 1]. */
fn a4(t: vec4<f32>) -> array<f32, 6> {
  let s = t.x + t.z;
  let d = t.y + t.w;
  let s2 = t.x + 4.0 * t.z;
  let d2 = 2.0 * t.y + 8.0 * t.w;
  return array<f32, 6>(t.x, s + d, s - d, s2 + d2, s2 - d2, t.w);
}

fn row4(plane: u32, oh: u32, ow: u32, ok: bool) -> vec4<f32> {
  return vec4<f32>(dyAt(plane, oh, ow, ok), dyAt(plane, oh, ow + 1u, ok), dyAt(plane, oh, ow + 2u, ok), dyAt(plane, oh, ow + 3u, ok));
}

/** Row i of the 6×6 dM: ξ = 6·i + j for j = 0..5. */
fn store6(o: u32, stride: u32, i: u32, r: array<f32, 6>) {
  let b = o + 6u * i * stride;
  dm[b] = r[0]; dm[b + stride] = r[1]; dm[b + 2u * stride] = r[2]; dm[b + 3u * stride] = r[3]; dm[b + 4u * stride] = r[4]; dm[b + 5u * stride] = r[5];
}

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // tiles along x, continued over z past the per-dimension workgroup limit
  let tile = gid.x + gid.z * nwg.x * WG_X;
  let co = gid.y;
  if (tile >= p.P4 || co >= p.Kp) { return; }
  let ok = tile < p.P && co < p.Cout;
  let t = min(tile, p.P - 1u);
  let rem = t % p.tilesHW;
  let oh = (rem / p.tilesW) * TILE;
  let ow = (rem % p.tilesW) * TILE;
  let plane = ((t / p.tilesHW) * p.Cout + min(co, p.Cout - 1u)) * p.OH * p.OW;
  let stride = p.Kp * p.P4;
  let o = co * p.P4 + tile;
  if (TILE == 2u) {
    let r0 = vec2<f32>(dyAt(plane, oh, ow, ok), dyAt(plane, oh, ow + 1u, ok));
    let r1 = vec2<f32>(dyAt(plane, oh + 1u, ow, ok), dyAt(plane, oh + 1u, ow + 1u, ok));
    // A dY by columns (e_j = column j of A dY), then each row of A dY times Aᵀ
    let e0 = a2(vec2<f32>(r0.x, r1.x));
    let e1 = a2(vec2<f32>(r0.y, r1.y));
    let m0 = a2(vec2<f32>(e0.x, e1.x));
    let m1 = a2(vec2<f32>(e0.y, e1.y));
    let m2 = a2(vec2<f32>(e0.z, e1.z));
    let m3 = a2(vec2<f32>(e0.w, e1.w));
    dm[o] = m0.x; dm[o + stride] = m0.y; dm[o + 2u * stride] = m0.z; dm[o + 3u * stride] = m0.w;
    dm[o + 4u * stride] = m1.x; dm[o + 5u * stride] = m1.y; dm[o + 6u * stride] = m1.z; dm[o + 7u * stride] = m1.w;
    dm[o + 8u * stride] = m2.x; dm[o + 9u * stride] = m2.y; dm[o + 10u * stride] = m2.z; dm[o + 11u * stride] = m2.w;
    dm[o + 12u * stride] = m3.x; dm[o + 13u * stride] = m3.y; dm[o + 14u * stride] = m3.z; dm[o + 15u * stride] = m3.w;
  } else {
    let r0 = row4(plane, oh, ow, ok);
    let r1 = row4(plane, oh + 1u, ow, ok);
    let r2 = row4(plane, oh + 2u, ow, ok);
    let r3 = row4(plane, oh + 3u, ow, ok);
    let e0 = a4(vec4<f32>(r0.x, r1.x, r2.x, r3.x));
    let e1 = a4(vec4<f32>(r0.y, r1.y, r2.y, r3.y));
    let e2 = a4(vec4<f32>(r0.z, r1.z, r2.z, r3.z));
    let e3 = a4(vec4<f32>(r0.w, r1.w, r2.w, r3.w));
    store6(o, stride, 0u, a4(vec4<f32>(e0[0], e1[0], e2[0], e3[0])));
    store6(o, stride, 1u, a4(vec4<f32>(e0[1], e1[1], e2[1], e3[1])));
    store6(o, stride, 2u, a4(vec4<f32>(e0[2], e1[2], e2[2], e3[2])));
    store6(o, stride, 3u, a4(vec4<f32>(e0[3], e1[3], e2[3], e3[3])));
    store6(o, stride, 4u, a4(vec4<f32>(e0[4], e1[4], e2[4], e3[4])));
    store6(o, stride, 5u, a4(vec4<f32>(e0[5], e1[5], e2[5], e3[5])));
  }
}
