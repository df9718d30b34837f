// The OFDM frame shared by the OFDM link and equaliser kernels (needs lib/philox, lib/channel_draws).
// Per image: the k data symbols fill nd = ⌈k/F⌉ OFDM symbols of F subcarriers (the last zero-padded);
// blocks of D data OFDM symbols each follow one all-pilot OFDM symbol, so OFDM symbol m is the pilot of
// block m/(D+1) when m%(D+1) = 0. Taps h_l ~ CN(0, p_l), p_l ∝ exp(−l·decayRate), Σp_l = 1, one draw per image.
struct Params {
  samples: u32, len: u32, seedLo: u32, seedHi: u32,
  offset: u32, firstImage: u32, F: u32, logF: u32,
  L: u32, D: u32, M: u32, blocks: u32,
  decayRate: f32, _pad0: u32, _pad1: u32, _pad2: u32,
}

// the workgroup arrays' lengths: set per pipeline to F and L, so a frame takes only the workgroup storage it needs
override MAX_F: u32 = 1024u;
override MAX_TAPS: u32 = 64u;

// e^(i·2π·t) for an angle in turns (lib/sincos, included by lib/philox: float32-accurate on every implementation)
fn expi_turns(t: f32) -> vec2<f32> { return sincos_turns(t); }

// Known unit-power pilot on subcarrier f: the chirp exp(iπf²/F) (f² reduced mod 2F so the angle is exact).
fn pilot(f: u32, F: u32) -> vec2<f32> { return expi_turns(f32((f * f) % (2u * F)) / f32(2u * F)); }

// Tap l of image's channel; without FADING the taps are the deterministic √p_l.
fn ofdm_tap(l: u32, L: u32, decayRate: f32, offset: u32, image: u32, key: vec2<u32>, fading: bool) -> vec2<f32> {
  var total = 0.0;
  for (var i = 0u; i < L; i++) { total += exp(-f32(i) * decayRate); }
  let amp = sqrt(exp(-f32(l) * decayRate) / total);
  if (!fading) { return vec2<f32>(amp, 0.0); }
  return amp * cn_draw(l, offset, image, COEFF_STREAM, key);
}
