// Shared by the attention kernels: q, k, v, o and their gradients are [BH][T][d] with d a multiple of 4,
// read as vec4s. Each invocation owns one token and one chunk of CHUNK vec4s of the head dimension;
// scores always use the full head dimension.
const CHUNK: u32 = 16u;

struct Params { BH: u32, T: u32, d4: u32, chunks: u32, scale: f32, _pad0: u32, _pad1: u32, _pad2: u32 }

fn row_dot(a: ptr<storage, array<vec4<f32>>, read>, ia: u32, b: ptr<storage, array<vec4<f32>>, read>, ib: u32, n4: u32) -> f32 {
  var s = vec4<f32>(0.0);
  for (var t = 0u; t < n4; t++) { s += (*a)[ia + t] * (*b)[ib + t]; }
  return s.x + s.y + s.z + s.w;
}
