// The weight gradient of conv2d: dW[co][ci][kh][kw] = Σ_{n,oh,ow} dy[n,co,oh,ow]·x[n,ci,ih,iw], a GEMM
// whose reduction runs over batch × output pixels. Each invocation keeps 4 (co) × 4 (ci) for one (kh, kw)
// in registers; the reduction over the N·OH output rows is split into `splits` chunks (gid.z) whose partial
// sums a reduction adds, so small weight tensors still fill the device. This variant is for KW = 3: one
// invocation covers the three taps of a kernel row, so each dy value it loads serves three products.
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
    for (var ow = 0u; ow < p.OW; ow++) {
      let dyo = dyRow + ow;
      let d = vec4<f32>(dy[dyo + coOff[0]], dy[dyo + coOff[1]], dy[dyo + coOff[2]], dy[dyo + coOff[3]]);
      let base = i32(ow * p.strideW) - p.padLeft;
      let dl = i32(p.dilW);
      let c0 = base; let c1 = base + dl; let c2 = base + 2 * dl;
      let m0 = select(0.0, 1.0, c0 >= 0 && c0 < Wi);
      let m1 = select(0.0, 1.0, c1 >= 0 && c1 < Wi);
      let m2 = select(0.0, 1.0, c2 >= 0 && c2 < Wi);
      let x0o = xRow + u32(clamp(c0, 0, Wi - 1));
      let x1o = xRow + u32(clamp(c1, 0, Wi - 1));
      let x2o = xRow + u32(clamp(c2, 0, Wi - 1));
      let x0 = m0 * vec4<f32>(x[x0o + ciOff[0]], x[x0o + ciOff[1]], x[x0o + ciOff[2]], x[x0o + ciOff[3]]);
      let x1 = m1 * vec4<f32>(x[x1o + ciOff[0]], x[x1o + ciOff[1]], x[x1o + ciOff[2]], x[x1o + ciOff[3]]);
      let x2 = m2 * vec4<f32>(x[x2o + ciOff[0]], x[x2o + ciOff[1]], x[x2o + ciOff[2]], x[x2o + ciOff[3]]);
      a00 += d.x * x0; a01 += d.y * x0; a02 += d.z * x0; a03 += d.w * x0;
      a10 += d.x * x1; a11 += d.y * x1; a12 += d.z * x1; a13 += d.w * x1;
      a20 += d.x * x2; a21 += d.y * x2; a22 += d.z * x2; a23 += d.w * x2;
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
