// Backward of an equalised fading channel y_j = G_j·(a·z_j) + (noise terms), z_j the complex symbol j as a
// (re, im) pair, G_j = c_j·h_j the fixed effective gain of equaliser and channel, a = √k/‖z‖:
// u_j = conj(G_j)·g_j, then the power normalisation's backward dz = a·(u − z·(z·u)/‖z‖²).
// One invocation per sample.
override WG: u32 = 64u;

struct Params { samples: u32, len: u32, _pad0: u32, _pad1: u32 }
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read> effGain: array<f32>;
@group(0) @binding(4) var<storage, read_write> dz: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

fn upstream(i: u32) -> vec2<f32> {
  let G = vec2<f32>(effGain[i], effGain[i + 1u]);
  let gg = vec2<f32>(g[i], g[i + 1u]);
  return vec2<f32>(G.x * gg.x + G.y * gg.y, G.x * gg.y - G.y * gg.x);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.x;
  if (s >= p.samples) { return; }
  let base = s * p.len;
  var zz = 0.0;
  var zu = 0.0;
  for (var i = base; i < base + p.len; i += 2u) {
    let u = upstream(i);
    zz += z[i] * z[i] + z[i + 1u] * z[i + 1u];
    zu += z[i] * u.x + z[i + 1u] * u.y;
  }
  let a = scale[s];
  let c = zu / max(zz, 1e-30);
  for (var i = base; i < base + p.len; i += 2u) {
    let u = upstream(i);
    dz[i] = a * (u.x - z[i] * c);
    dz[i + 1u] = a * (u.y - z[i + 1u] * c);
  }
}
