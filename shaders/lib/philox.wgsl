// Philox4x32-10 counter-based generator and conversions (shared by every kernel that draws noise).
#include "lib/sincos"

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

// Two standard normals from two uniforms (Box-Muller).
fn box_muller(u1: f32, u2: f32) -> vec2<f32> {
  let r = sqrt(-2.0 * log(u1));
  return r * sincos_turns(u2);
}

// Four standard normals for counter ctr under key.
fn normal4(ctr: vec4<u32>, key: vec2<u32>) -> vec4<f32> {
  let r = philox(ctr, key);
  let a = box_muller(unit(r.x), unit(r.y));
  let b = box_muller(unit(r.z), unit(r.w));
  return vec4<f32>(a, b);
}
