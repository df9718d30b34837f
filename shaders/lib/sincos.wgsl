// cos and sin of an angle given in turns (1 turn = 2π), accurate to about 1e-7 on every WebGPU
// implementation. WGSL asks its builtin sin and cos for an absolute error of 2^-11 only (about 5e-4), and
// SwiftShader is that loose; the channel and random kernels need float32 accuracy. Turns make the range
// reduction exact: t − round(t) in [−½, ½], a quarter turn q = round(4t), the rest r = t − q/4 in [−⅛, ⅛]
// (|2πr| ≤ π/4), where Taylor polynomials to x⁹ and x¹⁰ are within 2e-9 of sin and cos.
fn sincos_turns(t: f32) -> vec2<f32> {
  let u = t - round(t);
  let q = round(4.0 * u);
  let x = 6.283185307179586 * (u - 0.25 * q);
  let x2 = x * x;
  let s = x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (-1.0 / 5040.0 + x2 * (1.0 / 362880.0)))));
  let c = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0 + x2 * (-1.0 / 3628800.0)))));
  // (cos, sin) of q quarter turns plus x
  let k = i32(q) & 3;
  if (k == 0) { return vec2<f32>(c, s); }
  if (k == 1) { return vec2<f32>(-s, c); }
  if (k == 2) { return vec2<f32>(-c, -s); }
  return vec2<f32>(s, -c);
}
