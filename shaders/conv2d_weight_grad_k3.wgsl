// The weight gradient of conv2d: dW[co][ci][kh][kw] = Σ_{n,oh,ow} dy[n,co,oh,ow]·x[n,ci,ih,iw], a GEMM
// whose reduction runs over batch × output pixels. Each invocation keeps 4 (co) × 4 (ci) for one (kh, kw)
// in registers; the reduction over the N·OH output rows is split into `splits` chunks (gid.z) whose partial
// sums a reduction adds, so small weight tensors still fill the device. This variant is for KW = 3: one
// invocation covers the three taps of a kernel row, so each dy value it loads serves three products.
// SLIDE (horizontal stride and dilation 1 only): walk a row of output columns with the three input columns
// in rotating registers, so each step loads one new input column (4 values) and one dy column (4 values)
// for 48 multiply-adds, against 16 loads per 48. Every storage load costs a per-lane scalar load on CPU
// adapters.
override SLIDE: bool = false;
override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;

#include "lib/conv_weight_grad_io"

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
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
    // SLIDE: input columns ow − padLeft + {0, 1, 2} for ow = 0
    var xa = vec4<f32>(0.0);
    var xb = vec4<f32>(0.0);
    if (SLIDE) {
      xa = xColumn(xRow, -p.padLeft, Wi, ciOff, true);
      xb = xColumn(xRow, 1 - p.padLeft, Wi, ciOff, true);
    }
    for (var ow = 0u; ow < p.OW; ow++) {
      let dyo = dyRow + ow;
      let d = vec4<f32>(dy[dyo + coOff[0]], dy[dyo + coOff[1]], dy[dyo + coOff[2]], dy[dyo + coOff[3]]);
      var x0: vec4<f32>;
      var x1: vec4<f32>;
      var x2: vec4<f32>;
      if (SLIDE) {
        x0 = xa;
        x1 = xb;
        x2 = xColumn(xRow, i32(ow) + 2 - p.padLeft, Wi, ciOff, true);
        xa = x1;
        xb = x2;
      } else {
        let base = i32(ow * p.strideW) - p.padLeft;
        let dl = i32(p.dilW);
        x0 = xColumn(xRow, base, Wi, ciOff, true);
        x1 = xColumn(xRow, base + dl, Wi, ciOff, true);
        x2 = xColumn(xRow, base + 2 * dl, Wi, ciOff, true);
      }
      a00 += d.x * x0; a01 += d.y * x0; a02 += d.z * x0; a03 += d.w * x0;
      a10 += d.x * x1; a11 += d.y * x1; a12 += d.z * x1; a13 += d.w * x1;
      a20 += d.x * x2; a21 += d.y * x2; a22 += d.z * x2; a23 += d.w * x2;
    }
  }
  storeTaps3(array<array<vec4<f32>, 4>, 3>(
    array<vec4<f32>, 4>(a00, a01, a02, a03),
    array<vec4<f32>, 4>(a10, a11, a12, a13),
    array<vec4<f32>, 4>(a20, a21, a22, a23),
  ), split, g, co0, ci0, kh);
}
