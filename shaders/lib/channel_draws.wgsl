// Draws and complex helpers shared by the fading channels (needs lib/philox). Keyed like the AWGN channel:
// counter (index, offset, image, stream) under the seed, image = firstImage + sample, so a batch equals its
// samples sent one by one. Stream 1 is the AWGN channel's noise stream: complex noise sample j of an image is
// its reals 2j, 2j+1, i.e. components 2(j%2), 2(j%2)+1 of counter j/2 — the same numbers awgnChannel adds.
// Stream 2 holds the channel coefficients, complex coefficient j at the same place.
const NOISE_STREAM: u32 = 1u;
const COEFF_STREAM: u32 = 2u;

// Complex draw j of a stream, CN(0, 1): real and imaginary parts N(0, 1/2).
fn cn_draw(j: u32, offset: u32, image: u32, stream: u32, key: vec2<u32>) -> vec2<f32> {
  let r = normal4(vec4<u32>(j / 2u, offset, image, stream), key);
  return select(r.zw, r.xy, j % 2u == 0u) * 0.7071067811865476;
}

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> { return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
fn conj(a: vec2<f32>) -> vec2<f32> { return vec2<f32>(a.x, -a.y); }

// The one-tap equaliser for channel estimate h: zero-forcing 1/h, or MMSE conj(h)/(|h|² + σ²).
fn equaliser(h: vec2<f32>, sigma2: f32, mmse: bool) -> vec2<f32> {
  let d = dot(h, h) + select(0.0, sigma2, mmse);
  return conj(h) / max(d, 1e-30);
}

// Noise variance σ² of a complex symbol at SNR (dB) for unit signal power.
fn noise_var(snrDb: f32) -> f32 { return pow(10.0, -snrDb / 10.0); }
