// Geometry, buffers and shared pieces of the conv2d weight-gradient kernels (general, KW = 3, KW = 3 with
// subgroups).
struct Params {
  N: u32, Cin: u32, H: u32, W: u32,
  Cout: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padTop: i32, padLeft: i32, dilH: u32, dilW: u32,
  cinG: u32, coutG: u32, splits: u32, rowsPerSplit: u32,
}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;  // [splits][Cout][cinG][KH][KW]
@group(0) @binding(3) var<uniform> p: Params;

/** x at column c of an input row for the 4 input channels at ciOff (zero outside the row, or when !ok). */
fn xColumn(xRow: u32, c: i32, Wi: i32, ciOff: array<u32, 4>, ok: bool) -> vec4<f32> {
  let o = xRow + u32(clamp(c, 0, Wi - 1));
  let v = vec4<f32>(x[o + ciOff[0]], x[o + ciOff[1]], x[o + ciOff[2]], x[o + ciOff[3]]);
  return select(vec4<f32>(0.0), v, ok && c >= 0 && c < Wi);
}

/**
 * Writes the partial sums of the KW = 3 kernels: accs[tap][i] holds 4 input channels from ci0 for output
 * channel co0 + i at kernel row kh.
 */
fn storeTaps3(accs: array<array<vec4<f32>, 4>, 3>, split: u32, g: u32, co0: u32, ci0: u32, kh: u32) {
  let KHW = p.KH * 3u;
  let outBase = split * p.Cout * p.cinG * KHW;
  for (var tap = 0u; tap < 3u; tap++) {
    for (var i = 0u; i < 4u; i++) {
      let co = co0 + i;
      if (co >= p.coutG) { break; }
      for (var j = 0u; j < 4u; j++) {
        let ci = ci0 + j;
        if (ci < p.cinG) {
          dw[outBase + ((g * p.coutG + co) * p.cinG + ci) * KHW + kh * 3u + tap] = accs[tap][i][j];
        }
      }
    }
  }
}
