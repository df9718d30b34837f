// Geometry of a max-pooling window, shared by the forward and backward kernels.
struct Params {
  planes: u32, H: u32, W: u32, OH: u32,
  OW: u32, KH: u32, KW: u32, strideH: u32,
  strideW: u32, padTop: i32, padLeft: i32, _pad0: u32,
}
