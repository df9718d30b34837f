// Rayleigh fading with receiver equalisation. Each sample's 2k reals are k complex symbols as consecutive
// (re, im) pairs. x = √k·z/‖z‖ (average power 1), y = h·x + w with w the AWGN channel's own noise draw
// (σ² = 10^(−SNR/10)) and h ~ CN(0, 1) once per image (FAST: once per symbol); the receiver knows h and
// equalises (zero-forcing 1/h or MMSE conj(h)/(|h|²+σ²)). Writes the equalised symbols, the effective
// per-symbol gain c·h (for the backward), and per image the mean |h|² and the effective SNR in dB.
// One invocation per sample.
override WG: u32 = 64u;
override NOISE: bool = true;
override FADING: bool = true; // false: h = 1, the AWGN channel through the same receiver
override FAST: bool = false;
override MMSE: bool = true;

struct Params { samples: u32, len: u32, seedLo: u32, seedHi: u32, offset: u32, firstImage: u32, _pad1: u32, _pad2: u32 }
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> snrDb: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> scale: array<f32>; // √k/‖z‖ per sample
@group(0) @binding(4) var<storage, read_write> effGain: array<f32>; // c·h per symbol (re, im)
@group(0) @binding(5) var<storage, read_write> channelGain: array<f32>; // mean |h|² per sample
@group(0) @binding(6) var<storage, read_write> effSnrDb: array<f32>;
@group(0) @binding(7) var<uniform> p: Params;

#include "lib/philox"
#include "lib/channel_draws"

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.x;
  if (s >= p.samples) { return; }
  let base = s * p.len;
  let k = p.len / 2u;
  var ss = 0.0;
  for (var i = 0u; i < p.len; i++) { ss += z[base + i] * z[base + i]; }
  let a = sqrt(f32(k) / max(ss, 1e-30));
  scale[s] = a;
  let sigma2 = noise_var(snrDb[s]);
  let key = vec2<u32>(p.seedLo, p.seedHi);
  let image = p.firstImage + s;
  var hBlock = vec2<f32>(1.0, 0.0);
  if (FADING) { hBlock = cn_draw(0u, p.offset, image, COEFF_STREAM, key); }
  var g2 = 0.0;
  for (var j = 0u; j < k; j++) {
    var h = hBlock;
    if (FADING && FAST) { h = cn_draw(j, p.offset, image, COEFF_STREAM, key); }
    g2 += dot(h, h);
    let x = a * vec2<f32>(z[base + 2u * j], z[base + 2u * j + 1u]);
    var w = vec2<f32>(0.0);
    if (NOISE) { w = sqrt(sigma2) * cn_draw(j, p.offset, image, NOISE_STREAM, key); }
    let c = equaliser(h, sigma2, MMSE);
    let out = cmul(c, cmul(h, x) + w);
    let g = cmul(c, h);
    y[base + 2u * j] = out.x;
    y[base + 2u * j + 1u] = out.y;
    effGain[base + 2u * j] = g.x;
    effGain[base + 2u * j + 1u] = g.y;
  }
  var gain = dot(hBlock, hBlock);
  if (FAST) { gain = g2 / f32(max(k, 1u)); }
  channelGain[s] = gain;
  effSnrDb[s] = snrDb[s] + 4.342944819032518 * log(max(gain, 1e-30)); // 10·log10
}
