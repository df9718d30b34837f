// Fused Adam / AdamW update of one parameter tensor, in place.
// AdamW (decoupled = 1): p -= lr*wd*p; Adam (decoupled = 0): g += wd*p.
struct Params {
  n: u32, decoupled: u32, _pad0: u32, _pad1: u32,
  lr: f32, beta1: f32, beta2: f32, eps: f32,
  weightDecay: f32, biasCorr1: f32, biasCorr2: f32, _pad2: f32,
}
@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) { return; }
  var w = param[i];
  var g = grad[i];
  if (p.decoupled == 1u) { w -= p.lr * p.weightDecay * w; } else { g += p.weightDecay * w; }
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let mHat = mi / p.biasCorr1;
  let vHat = vi / p.biasCorr2;
  param[i] = w - p.lr * mHat / (sqrt(vHat) + p.eps);
}
