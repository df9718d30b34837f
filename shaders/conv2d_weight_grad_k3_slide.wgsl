// The weight gradient of conv2d for KW = 3 at horizontal stride and dilation 1: as
// conv2d_weight_grad_k3.wgsl (4 co × 4 ci × the 3 taps of one kernel row per invocation, the N·OH rows
// split over gid.z), but walking a row of output columns with the three input columns in rotating
// registers: each step loads one new input column (4 values) and one dy column (4 values) for 48
// multiply-adds, against 16 loads per 48. Every storage load costs a per-lane scalar load on CPU adapters.
override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;

#include "lib/conv_weight_grad_io"

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let KHW = p.KH * 3u;
  let kh = gid.x % p.KH;
  let ci0 = (gid.x / p.KH) * 4u;
  let co0 = gid.y * 4u;
  if (ci0 >= p.cinG || co0 >= p.coutG) { return; }
  let g = gid.z % p.groups;
  let split = gid.z / p.groups;
  let rows = p.N * p.OH;
  let r0 = split * p.rowsPerSplit;
  let r1 = min(r0 + p.rowsPerSplit, rows);
  let HW = p.H * p.W;
  let OHW = p.OH * p.OW;
  var coOff: array<u32, 4>;
  var ciOff: array<u32, 4>;
  for (var i = 0u; i < 4u; i++) {
    coOff[i] = (g * p.coutG + min(co0 + i, p.coutG - 1u)) * OHW;
    ciOff[i] = (g * p.cinG + min(ci0 + i, p.cinG - 1u)) * HW;
  }
  // acc{tap}{co}: a vec4 over the 4 input channels
  var a00 = vec4<f32>(0.0); var a01 = vec4<f32>(0.0); var a02 = vec4<f32>(0.0); var a03 = vec4<f32>(0.0);
  var a10 = vec4<f32>(0.0); var a11 = vec4<f32>(0.0); var a12 = vec4<f32>(0.0); var a13 = vec4<f32>(0.0);
  var a20 = vec4<f32>(0.0); var a21 = vec4<f32>(0.0); var a22 = vec4<f32>(0.0); var a23 = vec4<f32>(0.0);
  let Wi = i32(p.W);
  for (var r = r0; r < r1; r++) {
    let n = r / p.OH;
    let oh = r % p.OH;
    let ih = i32(oh * p.strideH + kh * p.dilH) - p.padTop;
    if (ih < 0 || ih >= i32(p.H)) { continue; }
    let dyRow = n * p.Cout * OHW + oh * p.OW;
    let xRow = n * p.Cin * HW + u32(ih) * p.W;
    // input columns ow − padLeft + {0, 1, 2} for ow = 0; zero outside the row
    var xa = xColumn(xRow, -p.padLeft, Wi, ciOff);
    var xb = xColumn(xRow, 1 - p.padLeft, Wi, ciOff);
    for (var ow = 0u; ow < p.OW; ow++) {
      let xc = xColumn(xRow, i32(ow) + 2 - p.padLeft, Wi, ciOff);
      let dyo = dyRow + ow;
      let d = vec4<f32>(dy[dyo + coOff[0]], dy[dyo + coOff[1]], dy[dyo + coOff[2]], dy[dyo + coOff[3]]);
      a00 += d.x * xa; a01 += d.y * xa; a02 += d.z * xa; a03 += d.w * xa;
      a10 += d.x * xb; a11 += d.y * xb; a12 += d.z * xb; a13 += d.w * xb;
      a20 += d.x * xc; a21 += d.y * xc; a22 += d.z * xc; a23 += d.w * xc;
      xa = xb;
      xb = xc;
    }
  }
  let accs = array<array<vec4<f32>, 4>, 3>(
    array<vec4<f32>, 4>(a00, a01, a02, a03),
    array<vec4<f32>, 4>(a10, a11, a12, a13),
    array<vec4<f32>, 4>(a20, a21, a22, a23),
  );
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

/** x at column c of the row for the 4 input channels (zero outside the row). */
fn xColumn(xRow: u32, c: i32, Wi: i32, ciOff: array<u32, 4>) -> vec4<f32> {
  let o = xRow + u32(clamp(c, 0, Wi - 1));
  let v = vec4<f32>(x[o + ciOff[0]], x[o + ciOff[1]], x[o + ciOff[2]], x[o + ciOff[3]]);
  return select(vec4<f32>(0.0), v, c >= 0 && c < Wi);
}
