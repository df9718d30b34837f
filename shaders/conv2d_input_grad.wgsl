// The input gradient of conv2d, which is also the forward of conv_transpose2d: for each input pixel,
// gather dy over the output positions whose window covers it (oh = (ih + pad - kh·dil) / stride where
// that divides). Each invocation keeps 4 (input channels) × 4 input columns of one phase (iw mod stride)
// in registers: columns of one phase use the same kernel taps, so a tap that does not divide is skipped
// for all four at once. Weights arrive as wt[group][co][kh·KW + kw][ci4] (ci zero-padded to 4).
override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;

struct Params {
  N: u32, Cin: u32, H: u32, W: u32,
  Cout: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padTop: i32, padLeft: i32, dilH: u32, dilW: u32,
  cinG: u32, coutG: u32, cinG4: u32, qBlocks: u32,
}
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> wt: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let perRow = p.strideW * p.qBlocks;
  let ih = gid.x / perRow;
  let r = (gid.x % perRow) / p.qBlocks;   // column phase
  let q0 = (gid.x % p.qBlocks) * 4u;      // first column index within the phase
  let ci0 = gid.y * 4u;
  if (ih >= p.H || ci0 >= p.cinG || r + q0 * p.strideW >= p.W) { return; }
  let n = gid.z / p.groups;
  let g = gid.z % p.groups;
  let KHW = p.KH * p.KW;
  let c4 = p.cinG4 / 4u;
  let sH = i32(p.strideH);
  let sW = i32(p.strideW);
  var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);
  for (var co = 0u; co < p.coutG; co++) {
    let dyPlane = (n * p.Cout + g * p.coutG + co) * p.OH * p.OW;
    let wCo = (g * p.coutG + co) * KHW;
    for (var kh = 0u; kh < p.KH; kh++) {
      let t = i32(ih) + p.padTop - i32(kh * p.dilH);
      if (t < 0 || t % sH != 0) { continue; }
      let oh = t / sH;
      if (oh >= i32(p.OH)) { continue; }
      let dyRow = dyPlane + u32(oh) * p.OW;
      for (var kw = 0u; kw < p.KW; kw++) {
        let t = i32(r) + p.padLeft - i32(kw * p.dilW);
        if (((t % sW) + sW) % sW != 0) { continue; }
        let wv = wt[(wCo + kh * p.KW + kw) * c4 + ci0 / 4u];
        let ow0 = t / sW + i32(q0);
        var d: array<f32, 4>;
        for (var j = 0u; j < 4u; j++) {
          let ow = ow0 + i32(j);
          let ok = ow >= 0 && ow < i32(p.OW);
          d[j] = select(0.0, dy[dyRow + u32(max(ow, 0))], ok);
        }
        acc0 += wv * d[0]; acc1 += wv * d[1]; acc2 += wv * d[2]; acc3 += wv * d[3];
      }
    }
  }
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let ci = ci0 + i;
    if (ci >= p.cinG) { break; }
    let row = ((n * p.Cin + g * p.cinG + ci) * p.H + ih) * p.W;
    for (var j = 0u; j < 4u; j++) {
      let iw = r + (q0 + j) * p.strideW;
      if (iw < p.W) { dx[row + iw] = accs[j][i]; }
    }
  }
}
