// Geometry and buffers of the conv2d weight-gradient kernels (the general one and the KW = 3 variant).
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
