// 2-D convolution for kernels TAPS wide at horizontal stride and dilation 1 (the 3×3 convs of the
// U-Net and INN, the 5×5 convs of DeepJSCC): the conv2d.wgsl bindings and weight layout, but each
// invocation computes 8 adjacent output columns × 4 output channels. Per (ci, kh) it loads 7 + TAPS
// input values (a sliding window shared by the taps) and TAPS weight vec4s for 32·TAPS multiply-adds.
// Every storage load costs a per-lane scalar load on CPU adapters, so loads per multiply-add decide the
// speed: (7 + 5·TAPS) / (32·TAPS), against (4 + 8)/32 per tap in conv2d.wgsl. The constant-bound loops
// below are unrolled by the shader compiler.
override ACT: u32 = 0u;      // 0 none, 1 relu, 2 prelu (per output channel slope), 3 silu
override HAS_BIAS: bool = false;
override RESIDUAL: u32 = 0u;  // 0 none, 1 y = residual + act(conv), 2 y = residual − act(conv)
override TAPS: u32 = 3u;      // KW: 3 or 5
override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;

const COLS = 8u;

#include "lib/conv_forward_io"

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let oh = gid.x / p.owBlocks;
  let ow0 = (gid.x % p.owBlocks) * COLS;
  let co0 = gid.y * 4u;
  if (oh >= p.OH || co0 >= p.coutG) { return; }
  let n = gid.z / p.groups;
  let g = gid.z % p.groups;
  let K = p.cinG * p.KH * TAPS;
  let cw4 = p.coutG4 / 4u;
  let wBase = g * K * cw4 + co0 / 4u;
  let c0 = i32(ow0) - p.padLeft;
  let Wi = i32(p.W);
  var acc: array<vec4<f32>, COLS>;
  for (var ci = 0u; ci < p.cinG; ci++) {
    let xPlane = (n * p.Cin + g * p.cinG + ci) * p.H * p.W;
    for (var kh = 0u; kh < p.KH; kh++) {
      let ih = i32(oh * p.strideH + kh * p.dilH) - p.padTop;
      if (ih >= 0 && ih < i32(p.H)) {
        let xRow = xPlane + u32(ih) * p.W;
        let wk = wBase + (ci * p.KH + kh) * TAPS * cw4;
        var xs: array<f32, 12>;
        for (var j = 0u; j < COLS + TAPS - 1u; j++) {
          let c = c0 + i32(j);
          xs[j] = select(0.0, x[xRow + u32(clamp(c, 0, Wi - 1))], c >= 0 && c < Wi);
        }
        for (var t = 0u; t < TAPS; t++) {
          let wv = wt[wk + t * cw4];
          for (var j = 0u; j < COLS; j++) { acc[j] += wv * xs[j + t]; }
        }
      }
    }
  }
  storeCols8(acc, n, g, co0, oh, ow0);
}
