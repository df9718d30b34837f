// Winograd weight transform U = G g Gᵀ of a 3×3 convolution, F(2×2, 3×3) (TILE 2: 4×4 U) or F(4×4, 3×3)
// (TILE 4: 6×6 U). Reads the forward kernels' weight layout wt[(ci·3 + kh)·3 + kw][wtCols] (one group)
// and writes U[ξ][ci][co] (ξ = row·α + column of the α×α transform), zero-padded to Cp × Kp: the B
// operand of the batched matmul. One invocation per (co, ci), lanes along co (contiguous loads and
// stores); straight-line code, since private arrays indexed in loops are per-lane memory on CPU adapters.
override TILE: u32 = 2u;
override WG_X: u32 = 64u;

struct Params { Cin: u32, Cout: u32, Cp: u32, Kp: u32, wtCols: u32, _pad0: u32, _pad1: u32, _pad2: u32 }
@group(0) @binding(0) var<storage, read> wt: array<f32>;
@group(0) @binding(1) var<storage, read_write> u: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

/** G·t for F(2×2, 3×3): G rows [1 0 0], [½ ½ ½], [½ −½ ½], [0 0 1]. */
fn g2(t: vec3<f32>) -> vec4<f32> {
  return vec4<f32>(t.x, 0.5 * (t.x + t.y + t.z), 0.5 * (t.x - t.y + t.z), t.z);
}

/** G·t for F(4×4, 3×3): G rows [¼ 0 0], −⅙[1 1 1], −⅙[1 −1 1], [1/24 1/12 ⅙], [1/24 −1/12 ⅙], [0 0 1]. */
fn g4(t: vec3<f32>) -> array<f32, 6> {
  let a = t.x + t.z;
  let b = t.x / 24.0 + t.z / 6.0;
  return array<f32, 6>(t.x / 4.0, -(a + t.y) / 6.0, -(a - t.y) / 6.0, b + t.y / 12.0, b - t.y / 12.0, t.z);
}

@compute @workgroup_size(WG_X, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let co = gid.x;
  let ci = gid.y;
  if (co >= p.Kp || ci >= p.Cp) { return; }
  let ok = co < p.Cout && ci < p.Cin;
  let at = min(ci, p.Cin - 1u) * 9u * p.wtCols + min(co, p.Cout - 1u);
  let c = p.wtCols;
  // the kernel's rows kh = 0, 1, 2 (zero for the padding rows and columns of U)
  let r0 = select(vec3<f32>(0.0), vec3<f32>(wt[at], wt[at + c], wt[at + 2u * c]), ok);
  let r1 = select(vec3<f32>(0.0), vec3<f32>(wt[at + 3u * c], wt[at + 4u * c], wt[at + 5u * c]), ok);
  let r2 = select(vec3<f32>(0.0), vec3<f32>(wt[at + 6u * c], wt[at + 7u * c], wt[at + 8u * c]), ok);
  let plane = p.Cp * p.Kp;
  let o = ci * p.Kp + co;
  if (TILE == 2u) {
    // G g by columns: column j of g is (r0[j], r1[j], r2[j]); then row i of (G g) times Gᵀ
    let t0 = g2(vec3<f32>(r0.x, r1.x, r2.x));
    let t1 = g2(vec3<f32>(r0.y, r1.y, r2.y));
    let t2 = g2(vec3<f32>(r0.z, r1.z, r2.z));
    let u0 = g2(vec3<f32>(t0.x, t1.x, t2.x));
    let u1 = g2(vec3<f32>(t0.y, t1.y, t2.y));
    let u2 = g2(vec3<f32>(t0.z, t1.z, t2.z));
    let u3 = g2(vec3<f32>(t0.w, t1.w, t2.w));
    u[o] = u0.x; u[o + plane] = u0.y; u[o + 2u * plane] = u0.z; u[o + 3u * plane] = u0.w;
    u[o + 4u * plane] = u1.x; u[o + 5u * plane] = u1.y; u[o + 6u * plane] = u1.z; u[o + 7u * plane] = u1.w;
    u[o + 8u * plane] = u2.x; u[o + 9u * plane] = u2.y; u[o + 10u * plane] = u2.z; u[o + 11u * plane] = u2.w;
    u[o + 12u * plane] = u3.x; u[o + 13u * plane] = u3.y; u[o + 14u * plane] = u3.z; u[o + 15u * plane] = u3.w;
  } else {
    let t0 = g4(vec3<f32>(r0.x, r1.x, r2.x));
    let t1 = g4(vec3<f32>(r0.y, r1.y, r2.y));
    let t2 = g4(vec3<f32>(r0.z, r1.z, r2.z));
    storeRow6(o, plane, 0u, g4(vec3<f32>(t0[0], t1[0], t2[0])));
    storeRow6(o, plane, 1u, g4(vec3<f32>(t0[1], t1[1], t2[1])));
    storeRow6(o, plane, 2u, g4(vec3<f32>(t0[2], t1[2], t2[2])));
    storeRow6(o, plane, 3u, g4(vec3<f32>(t0[3], t1[3], t2[3])));
    storeRow6(o, plane, 4u, g4(vec3<f32>(t0[4], t1[4], t2[4])));
    storeRow6(o, plane, 5u, g4(vec3<f32>(t0[5], t1[5], t2[5])));
  }
}

/** Row i of the 6×6 U: ξ = 6·i + j for j = 0..5. */
fn storeRow6(o: u32, plane: u32, i: u32, r: array<f32, 6>) {
  let b = o + 6u * i * plane;
  u[b] = r[0]; u[b + plane] = r[1]; u[b + 2u * plane] = r[2]; u[b + 3u * plane] = r[3]; u[b + 4u * plane] = r[4]; u[b + 5u * plane] = r[5];
}
