// Batched C[b] = A[b] · B[b] for any M, N, K (the fallback when K or N is not a multiple of 4).
// Each invocation computes a 4×4 block of C in registers. With TRANS_A A[b] is stored [K, M], with
// TRANS_B B[b] is stored [N, K].
override TRANS_A: bool = false;
override TRANS_B: bool = false;
struct Params { M: u32, N: u32, K: u32, batch: u32, strideA: u32, strideB: u32, strideC: u32, _pad0: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn a(aBase: u32, r: u32, k: u32) -> f32 { return A[aBase + select(r * p.K + k, k * p.M + r, TRANS_A)]; }
fn b(bBase: u32, k: u32, c: u32) -> f32 { return B[bBase + select(k * p.N + c, c * p.K + k, TRANS_B)]; }

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x * 4u;
  let row = gid.y * 4u;
  if (col >= p.N || row >= p.M) { return; }
  let aBase = gid.z * p.strideA;
  let bBase = gid.z * p.strideB;
  let cBase = gid.z * p.strideC;
  var rows: array<u32, 4>;
  var cols: array<u32, 4>;
  for (var i = 0u; i < 4u; i++) {
    rows[i] = min(row + i, p.M - 1u);
    cols[i] = min(col + i, p.N - 1u);
  }
  var acc: array<vec4<f32>, 4>;
  for (var k = 0u; k < p.K; k++) {
    let bk = vec4<f32>(b(bBase, k, cols[0]), b(bBase, k, cols[1]), b(bBase, k, cols[2]), b(bBase, k, cols[3]));
    for (var i = 0u; i < 4u; i++) {
      acc[i] += a(aBase, rows[i], k) * bk;
    }
  }
  for (var i = 0u; i < 4u; i++) {
    if (row + i < p.M) {
      for (var j = 0u; j < 4u; j++) {
        if (col + j < p.N) { C[cBase + (row + i) * p.N + col + j] = acc[i][j]; }
      }
    }
  }
}
