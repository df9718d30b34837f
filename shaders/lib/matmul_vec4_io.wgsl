// Bindings and parameters of the vec4 matmul kernels (matmul_vec4, matmul_rows, matmul_rows_sg):
// C[b] = A[b] · B[b], row-major, K and N multiples of 4; a batch stride of 0 broadcasts that operand.
struct Params { M: u32, N: u32, K: u32, batch: u32, strideA: u32, strideB: u32, strideC: u32, _pad0: u32 }
@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> p: Params;
