// Batched C[b] = A[b] · B[b], row-major, K and N multiples of 4, tiled through workgroup memory: a 16×16
// workgroup stages a 64×16 tile of A and a 16×64 tile of B per step (one vec4 load per invocation each),
// and each invocation computes a 4×4 block of C — one vec4 column group in four rows — from the staged
// tiles. The layout discrete GPUs want (tfjs-webgpu and ORT-web tile alike); on CPU adapters the barriers
// cost more than the shared loads save, and the autotuner measures which wins per adapter and shape.
// With TRANS_A A[b] is stored [K, M], with TRANS_B B[b] is stored [N, K]: staged from scalar loads
// (At, Bt: the same buffers), the tiles and the products as before.
#include "lib/matmul_vec4_io"

override TRANS_A: bool = false;
override TRANS_B: bool = false;
@group(0) @binding(4) var<storage, read> At: array<f32>;
@group(0) @binding(5) var<storage, read> Bt: array<f32>;

const TM: u32 = 64u;  // rows of A and C per workgroup
const TN4: u32 = 16u; // vec4 columns of B and C per workgroup (64 floats)
const TK: u32 = 16u;  // the shared K step (4 vec4)

var<workgroup> As: array<array<f32, 16>, 64>;        // [TM][TK]
var<workgroup> Bs: array<array<vec4<f32>, 16>, 16>;  // [TK][TN4]

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let N4 = p.N / 4u;
  let K4 = p.K / 4u;
  let row0 = wid.y * TM;
  let col0 = wid.x * TN4;
  let aBase = wid.z * (p.strideA / 4u);
  let bBase = wid.z * (p.strideB / 4u);
  let cBase = wid.z * (p.strideC / 4u);
  let tid = lid.y * 16u + lid.x;
  // which vec4 each invocation stages: A row tid/4, K quarter tid%4; B row tid/16, column tid%16
  let aRow = row0 + tid / 4u;
  let aQuarter = tid % 4u;
  let bRow = tid / 16u;
  let bCol = col0 + tid % 16u;
  var acc: array<vec4<f32>, 4>;
  // the loop bound is uniform, so every invocation reaches every barrier
  for (var k4 = 0u; k4 < K4; k4 += TK / 4u) {
    var a = vec4<f32>(0.0);
    if (aRow < p.M && k4 + aQuarter < K4) {
      if (TRANS_A) {
        let at = wid.z * p.strideA + 4u * (k4 + aQuarter) * p.M + aRow;
        a = vec4<f32>(At[at], At[at + p.M], At[at + 2u * p.M], At[at + 3u * p.M]);
      } else {
        a = A[aBase + aRow * K4 + k4 + aQuarter];
      }
    }
    let r = tid / 4u;
    As[r][aQuarter * 4u] = a.x;
    As[r][aQuarter * 4u + 1u] = a.y;
    As[r][aQuarter * 4u + 2u] = a.z;
    As[r][aQuarter * 4u + 3u] = a.w;
    var b = vec4<f32>(0.0);
    if (k4 * 4u + bRow < p.K && bCol < N4) {
      if (TRANS_B) {
        let at = wid.z * p.strideB + 4u * bCol * p.K + k4 * 4u + bRow;
        b = vec4<f32>(Bt[at], Bt[at + p.K], Bt[at + 2u * p.K], Bt[at + 3u * p.K]);
      } else {
        b = B[bBase + (k4 * 4u + bRow) * N4 + bCol];
      }
    }
    Bs[bRow][tid % 16u] = b;
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let bv = Bs[kk][lid.x];
      acc[0] += As[lid.y * 4u][kk] * bv;
      acc[1] += As[lid.y * 4u + 1u][kk] * bv;
      acc[2] += As[lid.y * 4u + 2u][kk] * bv;
      acc[3] += As[lid.y * 4u + 3u][kk] * bv;
    }
    workgroupBarrier();
  }
  let col = col0 + lid.x;
  if (col >= N4) { return; }
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + lid.y * 4u + i;
    if (row < p.M) { C[cBase + row * N4 + col] = acc[i]; }
  }
}
