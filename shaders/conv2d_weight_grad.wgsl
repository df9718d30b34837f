// The weight gradient of conv2d: dW[co][ci][kh][kw] = Σ_{n,oh,ow} dy[n,co,oh,ow]·x[n,ci,ih,iw], a GEMM
// whose reduction runs over batch × output pixels. Each invocation keeps 4 (co) × 4 (ci) for one (kh, kw)
// in registers; the reduction over the N·OH output rows is split into `splits` chunks (gid.z) whose partial
// sums a reduction adds, so small weight tensors still fill the device.
override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;

#include "lib/conv_weight_grad_io"

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let KHW = p.KH * p.KW;
  let kk = gid.x % KHW;
  let ci0 = (gid.x / KHW) * 4u;
  let co0 = gid.y * 4u;
  if (ci0 >= p.cinG || co0 >= p.coutG) { return; }
  let g = gid.z % p.groups;
  let split = gid.z / p.groups;
  let kh = kk / p.KW;
  let kw = kk % p.KW;
  let rows = p.N * p.OH;
  let r0 = split * p.rowsPerSplit;
  let r1 = min(r0 + p.rowsPerSplit, rows);
  let HW = p.H * p.W;
  let OHW = p.OH * p.OW;
  // channel offsets, clamped inside the group; lanes past the group's end are masked at the store
  var coOff: array<u32, 4>;
  var ciOff: array<u32, 4>;
  for (var i = 0u; i < 4u; i++) {
    coOff[i] = (g * p.coutG + min(co0 + i, p.coutG - 1u)) * OHW;
    ciOff[i] = (g * p.cinG + min(ci0 + i, p.cinG - 1u)) * HW;
  }
  var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);
  for (var r = r0; r < r1; r++) {
    let n = r / p.OH;
    let oh = r % p.OH;
    let ih = i32(oh * p.strideH + kh * p.dilH) - p.padTop;
    if (ih < 0 || ih >= i32(p.H)) { continue; }
    let dyRow = n * p.Cout * OHW + oh * p.OW;
    let xRow = n * p.Cin * HW + u32(ih) * p.W;
    for (var ow = 0u; ow < p.OW; ow++) {
      let iw = i32(ow * p.strideW + kw * p.dilW) - p.padLeft;
      if (iw < 0 || iw >= i32(p.W)) { continue; }
      let xo = xRow + u32(iw);
      let xv = vec4<f32>(x[xo + ciOff[0]], x[xo + ciOff[1]], x[xo + ciOff[2]], x[xo + ciOff[3]]);
      let dyo = dyRow + ow;
      acc0 += dy[dyo + coOff[0]] * xv;
      acc1 += dy[dyo + coOff[1]] * xv;
      acc2 += dy[dyo + coOff[2]] * xv;
      acc3 += dy[dyo + coOff[3]] * xv;
    }
  }
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  let outBase = split * p.Cout * p.cinG * KHW;
  for (var i = 0u; i < 4u; i++) {
    let co = co0 + i;
    if (co >= p.coutG) { break; }
    for (var j = 0u; j < 4u; j++) {
      let ci = ci0 + j;
      if (ci < p.cinG) {
        dw[outBase + ((g * p.coutG + co) * p.cinG + ci) * KHW + kk] = accs[i][j];
      }
    }
  }
}
