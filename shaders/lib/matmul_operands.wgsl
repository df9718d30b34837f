// Operand loads of the rows kernels (matmul_rows, matmul_rows_sg), either operand optionally stored
// transposed, so that no transpose is copied out before a product: with TRANS_A, A[b] is stored [K, M]
// (read as scalars through As, the same buffer); with TRANS_B, B[b] is stored [N, K]. The bases are
// computed once per row or column, outside the k loop. Needs lib/matmul_vec4_io first.
override TRANS_A: bool = false;
override TRANS_B: bool = false;
@group(0) @binding(4) var<storage, read> As: array<f32>;

/** Where row r of A in batch z starts (a vec4 index; a scalar one with TRANS_A). */
fn rowOfA(z: u32, r: u32) -> u32 {
  if (TRANS_A) { return z * p.strideA + r; }
  return z * (p.strideA / 4u) + r * (p.K / 4u);
}

/** A[b][r][4k .. 4k + 3] from its row's base. */
fn loadA(row: u32, k: u32) -> vec4<f32> {
  if (TRANS_A) {
    let at = row + 4u * k * p.M;
    return vec4<f32>(As[at], As[at + p.M], As[at + 2u * p.M], As[at + 3u * p.M]);
  }
  return A[row + k];
}

/** Where columns 4c .. 4c + 3 of B in batch z start (vec4 indices). */
fn colOfB(z: u32, c: u32) -> u32 {
  if (TRANS_B) { return z * (p.strideB / 4u) + 4u * c * (p.K / 4u); }
  return z * (p.strideB / 4u) + c;
}

/** Rows 4k .. 4k + 3 of B[b] at the columns of `col` (with TRANS_B a 4×4 block of the stored [N, K], transposed). */
fn loadB(col: u32, k: u32) -> array<vec4<f32>, 4> {
  if (TRANS_B) {
    let K4 = p.K / 4u;
    let at = col + k;
    let r0 = B[at]; let r1 = B[at + K4]; let r2 = B[at + 2u * K4]; let r3 = B[at + 3u * K4];
    return array<vec4<f32>, 4>(vec4<f32>(r0.x, r1.x, r2.x, r3.x), vec4<f32>(r0.y, r1.y, r2.y, r3.y), vec4<f32>(r0.z, r1.z, r2.z, r3.z), vec4<f32>(r0.w, r1.w, r2.w, r3.w));
  }
  let N4 = p.N / 4u;
  let at = col + k * 4u * N4;
  return array<vec4<f32>, 4>(B[at], B[at + N4], B[at + 2u * N4], B[at + 3u * N4]);
}
