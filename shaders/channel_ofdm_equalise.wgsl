// OFDM receiver back end, one workgroup per image: the true frequency response H_f = Σ_l h_l·e^(−2πi·f·l/F),
// per block the channel estimate (least squares from the block's pilot OFDM symbol, Ĥ = Y_pilot·conj(pilot),
// or PERFECT: H itself), one-tap equalisation of the block's data (zero-forcing 1/Ĥ or MMSE
// conj(Ĥ)/(|Ĥ|²+σ²)). Writes the equalised symbols (consecutive (re, im) pairs), the effective gain c·H per
// symbol (for the backward), csi[sample] = [H; Ĥ of each block] and per image the mean |Ĥ|² over
// subcarriers and blocks and the effective SNR (SNR + 10·log10 of it, dB).
override FADING: bool = true;
override PERFECT: bool = false;
override MMSE: bool = true;

@group(0) @binding(0) var<storage, read> Y: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read> snrDb: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> effGain: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read_write> csi: array<vec2<f32>>;
@group(0) @binding(5) var<storage, read_write> channelGain: array<f32>;
@group(0) @binding(6) var<storage, read_write> effSnrDb: array<f32>;
@group(0) @binding(7) var<uniform> p: Params;

#include "lib/philox"
#include "lib/channel_draws"
#include "lib/channel_ofdm_frame"

var<workgroup> taps: array<vec2<f32>, MAX_TAPS>;
var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let s = wid.x;
  let F = p.F;
  let k = p.len / 2u;
  let image = p.firstImage + s;
  if (t < p.L) { taps[t] = ofdm_tap(t, p.L, p.decayRate, p.offset, image, vec2<u32>(p.seedLo, p.seedHi), FADING); }
  workgroupBarrier();
  let sigma2 = noise_var(snrDb[s]);
  let csiBase = s * (p.blocks + 1u) * F;
  var acc = 0.0;
  for (var f = t; f < F; f += 64u) {
    var H = vec2<f32>(0.0);
    for (var l = 0u; l < p.L; l++) { H += cmul(taps[l], expi_turns(-f32((f * l) % F) / f32(F))); }
    csi[csiBase + f] = H;
    for (var b = 0u; b < p.blocks; b++) {
      let mPilot = b * (p.D + 1u);
      var est = H;
      if (!PERFECT) { est = cmul(Y[(s * p.M + mPilot) * F + f], conj(pilot(f, F))); }
      csi[csiBase + (b + 1u) * F + f] = est;
      acc += dot(est, est);
      let c = equaliser(est, sigma2, MMSE);
      let g = cmul(c, H);
      for (var r = 1u; r <= p.D; r++) {
        let j = (b * p.D + r - 1u) * F + f;
        if (j < k) {
          y[s * k + j] = cmul(c, Y[(s * p.M + mPilot + r) * F + f]);
          effGain[s * k + j] = g;
        }
      }
    }
  }
  partial[t] = acc;
  workgroupBarrier();
  for (var w = 32u; w > 0u; w /= 2u) {
    if (t < w) { partial[t] += partial[t + w]; }
    workgroupBarrier();
  }
  if (t == 0u) {
    let gain = partial[0] / f32(F * p.blocks);
    channelGain[s] = gain;
    effSnrDb[s] = snrDb[s] + 4.342944819032518 * log(max(gain, 1e-30));
  }
}
