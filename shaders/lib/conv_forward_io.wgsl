// Bindings, parameters and the fused epilogue (activation, residual) of the forward conv2d kernels.
// Needs the overrides ACT, HAS_BIAS and RESIDUAL of the including kernel.
struct Params {
  N: u32, Cin: u32, H: u32, W: u32,
  Cout: u32, OH: u32, OW: u32, groups: u32,
  KH: u32, KW: u32, strideH: u32, strideW: u32,
  padTop: i32, padLeft: i32, dilH: u32, dilW: u32,
  cinG: u32, coutG: u32, coutG4: u32, owBlocks: u32,
}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> wt: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> slope: array<f32>;
@group(0) @binding(4) var<storage, read> residual: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

fn activate(v: f32, co: u32) -> f32 {
  switch ACT {
    case 1u: { return max(v, 0.0); }
    case 2u: { return select(v * slope[co], v, v > 0.0); }
    case 3u: { return v / (1.0 + exp(-v)); }
    default: { return v; }
  }
}

/** Writes act(v) (plus or minus the residual) to y[at]; co is the absolute output channel. */
fn store(at: u32, v: f32, co: u32) {
  let a = activate(v, co);
  switch RESIDUAL {
    case 1u: { y[at] = residual[at] + a; }
    case 2u: { y[at] = residual[at] - a; }
    default: { y[at] = a; }
  }
}

/** Writes the block of 8 output columns from ow0 × 4 channels from co0 (channel co0 + i is component i). */
fn storeCols8(accs: array<vec4<f32>, 8>, n: u32, g: u32, co0: u32, oh: u32, ow0: u32) {
  for (var i = 0u; i < 4u; i++) {
    let co = co0 + i;
    if (co >= p.coutG) { break; }
    let cAbs = g * p.coutG + co;
    let b = select(0.0, bias[cAbs], HAS_BIAS);
    let yRow = ((n * p.Cout + cAbs) * p.OH + oh) * p.OW;
    for (var j = 0u; j < 8u; j++) {
      if (ow0 + j < p.OW) { store(yRow + ow0 + j, accs[j][i] + b, cAbs); }
    }
  }
}
