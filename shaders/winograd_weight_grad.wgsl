// Adjoint of the Winograd weight transform, for the weight gradient: dg = Gᵀ dU G of each (output,
// input channel) pair, F(2×2, 3×3) (TILE 2: 4×4 dU) or F(4×4, 3×3) (TILE 4: 6×6 dU). Reads
// dUᵀ[ξ][co][ci] (Kp × Cp per ξ, from the batched matmul) and writes dW [Cout][Cin][3][3]. One
// invocation per (ci, co), lanes along ci (contiguous loads); straight-line code.
override TILE: u32 = 2u;
override WG_X: u32 = 64u;

struct Params { Cin: u32, Cout: u32, Cp: u32, Kp: u32 }
@group(0) @binding(0) var<storage, read> du: array<f32>;
@group(0) @binding(1) var<storage, read_write> dw: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

/** Gᵀ·t for F(2×2): G rows [1 0 0], [½ ½ ½], [½ −½ ½], [0 0 1]. */
fn gt2(t: vec4<f32>) -> vec3<f32> {
  let s = 0.5 * (t.y + t.z);
  return vec3<f32>(t.x + s, 0.5 * (t.y - t.z), s + t.w);
}

/** Gᵀ·t for F(4×4): G rows [¼ 0 0], −⅙[1 1 1], −⅙[1 −1 1], [1/24 1/12 ⅙], [1/24 −1/12 ⅙], [0 0 1]. */
fn gt4(t: array<f32, 6>) -> vec3<f32> {
  let s = t[1] + t[2];
  let s2 = t[3] + t[4];
  return vec3<f32>(t[0] / 4.0 - s / 6.0 + s2 / 24.0, (t[2] - t[1]) / 6.0 + (t[3] - t[4]) / 12.0, (s2 - s) / 6.0 + t[5]);
}

fn row4(o: u32, plane: u32, i: u32) -> vec4<f32> {
  let b = o + 4u * i * plane;
  return vec4<f32>(du[b], du[b + plane], du[b + 2u * plane], du[b + 3u * plane]);
}

fn row6(o: u32, plane: u32, i: u32) -> array<f32, 6> {
  let b = o + 6u * i * plane;
  return array<f32, 6>(du[b], du[b + plane], du[b + 2u * plane], du[b + 3u * plane], du[b + 4u * plane], du[b + 5u * plane]);
}

fn col6(e: array<array<f32, 6>, 6>, j: u32) -> array<f32, 6> {
  return array<f32, 6>(e[0][j], e[1][j], e[2][j], e[3][j], e[4][j], e[5][j]);
}

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let ci = gid.x;
  let co = gid.y;
  if (ci >= p.Cin || co >= p.Cout) { return; }
  let plane = p.Kp * p.Cp;
  let o = co * p.Cp + ci;
  // Gᵀ dU by columns (c_j = column j of Gᵀ dU, rows kh), then each row kh times G
  var k0: vec3<f32>;
  var k1: vec3<f32>;
  var k2: vec3<f32>;
  if (TILE == 2u) {
    let u0 = row4(o, plane, 0u);
    let u1 = row4(o, plane, 1u);
    let u2 = row4(o, plane, 2u);
    let u3 = row4(o, plane, 3u);
    let c0 = gt2(vec4<f32>(u0.x, u1.x, u2.x, u3.x));
    let c1 = gt2(vec4<f32>(u0.y, u1.y, u2.y, u3.y));
    let c2 = gt2(vec4<f32>(u0.z, u1.z, u2.z, u3.z));
    let c3 = gt2(vec4<f32>(u0.w, u1.w, u2.w, u3.w));
    k0 = gt2(vec4<f32>(c0.x, c1.x, c2.x, c3.x));
    k1 = gt2(vec4<f32>(c0.y, c1.y, c2.y, c3.y));
    k2 = gt2(vec4<f32>(c0.z, c1.z, c2.z, c3.z));
  } else {
    let e = array<array<f32, 6>, 6>(row6(o, plane, 0u), row6(o, plane, 1u), row6(o, plane, 2u), row6(o, plane, 3u), row6(o, plane, 4u), row6(o, plane, 5u));
    let c0 = gt4(col6(e, 0u)); let c1 = gt4(col6(e, 1u)); let c2 = gt4(col6(e, 2u));
    let c3 = gt4(col6(e, 3u)); let c4 = gt4(col6(e, 4u)); let c5 = gt4(col6(e, 5u));
    k0 = gt4(array<f32, 6>(c0.x, c1.x, c2.x, c3.x, c4.x, c5.x));
    k1 = gt4(array<f32, 6>(c0.y, c1.y, c2.y, c3.y, c4.y, c5.y));
    k2 = gt4(array<f32, 6>(c0.z, c1.z, c2.z, c3.z, c4.z, c5.z));
  }
  let w = (co * p.Cin + ci) * 9u;
  dw[w] = k0.x; dw[w + 1u] = k0.y; dw[w + 2u] = k0.z;
  dw[w + 3u] = k1.x; dw[w + 4u] = k1.y; dw[w + 5u] = k1.z;
  dw[w + 6u] = k2.x; dw[w + 7u] = k2.y; dw[w + 8u] = k2.z;
}
