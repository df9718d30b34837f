// x^e per component, defined for negative x with integer e (as numpy), NaN otherwise.
fn pow_real(x: vec4<f32>, e: vec4<f32>) -> vec4<f32> {
  let m = pow(abs(x), e);
  let odd = (vec4<i32>(e) & vec4<i32>(1)) == vec4<i32>(1);
  var nanBits = vec4<u32>(0x7fc00000u); // a var: a NaN constant is rejected at shader creation
  let negative = select(bitcast<vec4<f32>>(nanBits), select(m, -m, odd), e == round(e));
  return select(negative, m, x >= vec4<f32>(0.0));
}
