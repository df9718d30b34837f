// The unary ops, on 4 values at once. OP is the kernel's override constant.
// 0 neg 1 exp 2 log 3 sqrt 4 rsqrt 5 abs 6 relu 7 silu 8 sigmoid 9 tanh 10 clamp[alpha,beta]
// 11 pow(x, alpha) 12 x*alpha+beta 13 sign 14 square 15 reciprocal 16 1 if alpha<=x<=beta else 0
// 17 softplus = log(1 + e^x), computed stably
#include "lib/pow_real"

fn unary_op(v: vec4<f32>, alpha: f32, beta: f32) -> vec4<f32> {
  switch OP {
    case 0u: { return -v; }
    case 1u: { return exp(v); }
    case 2u: { return log(v); }
    case 3u: { return sqrt(v); }
    case 4u: { return inverseSqrt(v); }
    case 5u: { return abs(v); }
    case 6u: { return max(v, vec4<f32>(0.0)); }
    case 7u: { return v / (1.0 + exp(-v)); }
    case 8u: { return 1.0 / (1.0 + exp(-v)); }
    case 9u: { return tanh(v); }
    case 10u: { return clamp(v, vec4<f32>(alpha), vec4<f32>(beta)); }
    case 11u: { return pow_real(v, vec4<f32>(alpha)); }
    case 12u: { return v * alpha + beta; }
    case 13u: { return sign(v); }
    case 14u: { return v * v; }
    case 15u: { return 1.0 / v; }
    case 16u: { return select(vec4<f32>(0.0), vec4<f32>(1.0), (v >= vec4<f32>(alpha)) & (v <= vec4<f32>(beta))); }
    case 17u: { return max(v, vec4<f32>(0.0)) + log(1.0 + exp(-abs(v))); }
    default: { return v; }
  }
}
