// OFDM transmitter, multipath channel and receiver front end for one OFDM symbol per workgroup
// (workgroup (m, sample)); frame and taps as in lib/channel_ofdm_frame. The data symbols are power-normalised
// per image (x = a·z, a = √k/‖z‖ from channel_power_scale; consecutive (re, im) pairs); IFFT (unitary,
// radix 2), channel, AWGN of variance σ² = 10^(−SNR/10) per time sample, FFT (unitary) → Y[sample, m, f].
// The cyclic prefix (length ≥ L−1) makes the linear convolution over the kept F samples equal the circular
// convolution of the OFDM symbol with the taps, and the inter-symbol interference from the previous OFDM
// symbol falls only on the discarded prefix: so the kept samples are computed as that circular convolution,
// and noise is drawn for the kept samples only (time sample n of OFDM symbol m is noise draw m·F + n).
override NOISE: bool = true;
override FADING: bool = true;

@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> snrDb: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> scale: array<f32>; // √k/‖z‖ per sample (channel_power_scale)
@group(0) @binding(4) var<uniform> p: Params;

#include "lib/philox"
#include "lib/channel_draws"
#include "lib/channel_ofdm_frame"

var<workgroup> buf: array<vec2<f32>, MAX_F>;
var<workgroup> received: array<vec2<f32>, MAX_F>;
var<workgroup> taps: array<vec2<f32>, MAX_TAPS>;

fn bit_reverse(i: u32) -> u32 { return reverseBits(i) >> (32u - p.logF); }

// In-place radix-2 DIT FFT of buf (input in bit-reversed order), unscaled; sign +1 inverse, −1 forward.
fn fft_buf(t: u32, sign: f32) {
  for (var size = 2u; size <= p.F; size *= 2u) {
    let half = size / 2u;
    for (var b = t; b < p.F / 2u; b += 64u) {
      let pos = b % half;
      let i0 = (b / half) * size + pos;
      let i1 = i0 + half;
      let v = cmul(expi_turns(sign * f32(pos) / f32(size)), buf[i1]);
      let u = buf[i0];
      buf[i0] = u + v;
      buf[i1] = u - v;
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let m = wid.x;
  let s = wid.y;
  let base = s * p.len;
  let k = p.len / 2u;
  let F = p.F;
  let image = p.firstImage + s;
  let key = vec2<u32>(p.seedLo, p.seedHi);
  let a = scale[s];
  // the OFDM symbol in frequency, in bit-reversed order for the FFT
  let blockIdx = m / (p.D + 1u);
  let r = m % (p.D + 1u);
  for (var f = t; f < F; f += 64u) {
    var X = vec2<f32>(0.0);
    if (r == 0u) {
      X = pilot(f, F);
    } else {
      let j = (blockIdx * p.D + r - 1u) * F + f;
      if (j < k) { X = a * vec2<f32>(z[base + 2u * j], z[base + 2u * j + 1u]); }
    }
    buf[bit_reverse(f)] = X;
  }
  if (t < p.L) { taps[t] = ofdm_tap(t, p.L, p.decayRate, p.offset, image, key, FADING); }
  workgroupBarrier();
  fft_buf(t, 1.0);
  let invSqrtF = inverseSqrt(f32(F));
  let noiseStd = sqrt(noise_var(snrDb[s]));
  for (var n = t; n < F; n += 64u) {
    var rx = vec2<f32>(0.0);
    for (var l = 0u; l < p.L; l++) { rx += cmul(taps[l], buf[(n + F - l) % F]); }
    rx *= invSqrtF;
    if (NOISE) { rx += noiseStd * cn_draw(m * F + n, p.offset, image, NOISE_STREAM, key); }
    received[bit_reverse(n)] = rx;
  }
  workgroupBarrier();
  for (var n = t; n < F; n += 64u) { buf[n] = received[n]; }
  workgroupBarrier();
  fft_buf(t, -1.0);
  for (var f = t; f < F; f += 64u) { Y[(s * p.M + m) * F + f] = buf[f] * invSqrtF; }
}
