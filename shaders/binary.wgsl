// Elementwise binary ops with numpy broadcasting (rank <= 8; broadcast dims have stride 0).
// 0 add 1 sub 2 mul 3 div 4 pow 5 max 6 min 7 prelu(a=x, b=slope) 8 eq 9 gt
// 10 relu'(a)*b 11 silu'(a)*b 12 sigmoid out a: a(1-a)*b 13 tanh out a: (1-a^2)*b 14 prelu slope: a>0?1:b
// 15 pow grad wrt exponent helper: a^b*ln(a)
override OP: u32 = 0u;
override BCAST: bool = true;

struct Params {
  n: u32, rank: u32, _pad0: u32, _pad1: u32,
  shape: array<vec4<u32>, 2>,
  sa: array<vec4<u32>, 2>,
  sb: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn pow_real(x: f32, e: f32) -> f32 {
  if (x >= 0.0) { return pow(x, e); }
  if (e == round(e)) {
    let m = pow(-x, e);
    return select(m, -m, (i32(e) & 1) == 1);
  }
  var nanBits = 0x7fc00000u; // a var: a NaN constant is rejected at shader creation
  return bitcast<f32>(nanBits);
}

fn apply(u: f32, v: f32) -> f32 {
  switch OP {
    case 0u: { return u + v; }
    case 1u: { return u - v; }
    case 2u: { return u * v; }
    case 3u: { return u / v; }
    case 4u: { return pow_real(u, v); }
    case 5u: { return max(u, v); }
    case 6u: { return min(u, v); }
    case 7u: { return select(u * v, u, u > 0.0); }
    case 8u: { return select(0.0, 1.0, u == v); }
    case 9u: { return select(0.0, 1.0, u > v); }
    case 10u: { return select(0.0, v, u > 0.0); }
    case 11u: { let s = 1.0 / (1.0 + exp(-u)); return v * s * (1.0 + u * (1.0 - s)); }
    case 12u: { return v * u * (1.0 - u); }
    case 13u: { return v * (1.0 - u * u); }
    case 14u: { return select(v, 1.0, u > 0.0); }
    case 15u: { return select(0.0, pow_real(u, v) * log(u), u > 0.0); }
    default: { return u; }
  }
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) { return; }
  if (!BCAST) {
    y[i] = apply(a[i], b[i]);
    return;
  }
  var rem = i;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let dd = u32(d);
    let s = p.shape[dd / 4u][dd % 4u];
    let c = rem % s;
    rem = rem / s;
    ia += c * p.sa[dd / 4u][dd % 4u];
    ib += c * p.sb[dd / 4u][dd % 4u];
  }
  y[i] = apply(a[ia], b[ib]);
}
