// Counter-based random numbers (Philox4x32-10): output i depends only on (seed, offset, i), so the same
// seed gives the same numbers whatever the batching. DIST 0: uniform in [a, b); DIST 1: normal(a, b^2)
// via Box-Muller on pairs.
override DIST: u32 = 0u;

struct Params { n: u32, seedLo: u32, seedHi: u32, offset: u32, a: f32, b: f32, _pad0: u32, _pad1: u32 }
@group(0) @binding(0) var<storage, read_write> y: array<f32>;
@group(0) @binding(1) var<uniform> p: Params;

fn mulhilo(a: u32, b: u32) -> vec2<u32> {
  let al = a & 0xffffu; let ah = a >> 16u;
  let bl = b & 0xffffu; let bh = b >> 16u;
  let ll = al * bl; let lh = al * bh; let hl = ah * bl; let hh = ah * bh;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  let hi = hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}

fn philox(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = ctr;
  var k = key;
  for (var r = 0u; r < 10u; r++) {
    let p0 = mulhilo(0xD2511F53u, c.x);
    let p1 = mulhilo(0xCD9E8D57u, c.z);
    c = vec4<u32>(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    k = k + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}

// 23 random bits to (0, 1), exactly representable in f32 and never 0, so log() is safe.
fn unit(v: u32) -> f32 { return (f32(v >> 9u) + 0.5) * 1.1920928955078125e-7; }

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gid.x + gid.y * nwg.x * 64u;
  let i0 = t * 4u;
  if (i0 >= p.n) { return; }
  let r = philox(vec4<u32>(t, p.offset, 0u, 0u), vec2<u32>(p.seedLo, p.seedHi));
  var u = vec4<f32>(unit(r.x), unit(r.y), unit(r.z), unit(r.w));
  var out: vec4<f32>;
  if (DIST == 0u) {
    out = p.a + (p.b - p.a) * u;
  } else {
    let two_pi = 6.283185307179586;
    let r0 = sqrt(-2.0 * log(u.x));
    let r1 = sqrt(-2.0 * log(u.z));
    out = p.a + p.b * vec4<f32>(r0 * cos(two_pi * u.y), r0 * sin(two_pi * u.y), r1 * cos(two_pi * u.w), r1 * sin(two_pi * u.w));
  }
  for (var j = 0u; j < 4u; j++) {
    if (i0 + j < p.n) { y[i0 + j] = out[j]; }
  }
}
