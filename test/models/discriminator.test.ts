// The spectral-norm PatchGAN discriminator: forward against a float64 reference, gradients (through the
// spectral norm) against finite differences, and σ against a float64 power iteration run to convergence.
import { describe, expect, it } from 'vitest';
import { requireGrad, tensor, type Tensor } from '../../src/index.js';
import { fill } from '../../src/kernels/create.js';
import { Discriminator, discriminatorForward, LEAKY_SLOPE, powerStep, spectralSigma, type SnConv } from '../../src/networks/discriminator.js';
import { conv2dRef, type Arr } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

interface RefConv { w: Arr; ws: number[]; b: Arr; u: Arr; v: Arr; stride: number; leaky: boolean }

const dot = (a: Arr, b: Arr) => a.reduce((s, x, i) => s + x * b[i], 0);
const unit = (a: Arr) => { const n = Math.sqrt(dot(a, a)); return a.map((x) => x / n); };
/** A unit vector rounded to float32, so that the GPU and the reference hold the same values. */
const unit32 = (a: Arr) => Float64Array.from(Float32Array.from(unit(a)));
/** W [Cout, K] · v and Wᵀ · u in float64. */
const matVec = (w: Arr, cout: number, v: Arr) => Float64Array.from({ length: cout }, (_, o) => dot(w.subarray(o * v.length, (o + 1) * v.length), v));
const matTVec = (w: Arr, cout: number, u: Arr) => {
  const K = w.length / cout;
  const out = new Float64Array(K);
  for (let o = 0; o < cout; o++) for (let k = 0; k < K; k++) out[k] += w[o * K + k] * u[o];
  return out;
};

/** The float64 discriminator: conv(x, W / uᵀWv) + b, LeakyReLU 0.2 between, padding 1. */
function discriminatorRef(x: Arr, xs: number[], convs: RefConv[]): Arr {
  let h = x;
  let hs = xs;
  for (const c of convs) {
    const sigma = dot(c.u, matVec(c.w, c.ws[0], c.v));
    const r = conv2dRef(h, hs, c.w.map((w) => w / sigma), c.ws, c.b, { stride: [c.stride, c.stride], pad: [1, 1, 1, 1], dil: [1, 1], groups: 1 });
    h = c.leaky ? r.out.map((y) => (y > 0 ? y : LEAKY_SLOPE * y)) : r.out;
    hs = r.shape;
  }
  return h;
}

async function refConvs(d: Discriminator): Promise<RefConv[]> {
  const out: RefConv[] = [];
  for (const c of d.convs) {
    out.push({ w: Float64Array.from(await c.w.data()), ws: [...c.w.shape], b: Float64Array.from(await c.b.data()), u: Float64Array.from(await c.u.data()), v: Float64Array.from(await c.v.data()), stride: c.stride, leaky: c.leaky });
  }
  return out;
}

describe('Discriminator', () => {
  it('forward matches the float64 reference (odd image shape, random weights and inputs)', async () => {
    const e = engine();
    const rng = testRng();
    const d = new Discriminator(e, { channels: [5, 7] }, rng.int(0, 1000));
    const xs = [3, 3, 19, 23];
    const x = rng.f32(xs.reduce((a, b) => a * b), 0, 1);
    const y = d.forward(tensor(e, x, xs));
    expect(y.shape).toEqual([3, 1, 3, 4]);
    expectClose(await y.data(), discriminatorRef(x, xs, await refConvs(d)), 1e-4, 1e-5, 'logits');
    y.dispose();
    d.dispose();
  });

  it('gradients in the input, weights and biases (through σ) match finite differences', async () => {
    const e = engine();
    const rng = testRng();
    const ws0 = [3, 3, 4, 4];
    const ws1 = [1, 3, 4, 4];
    const u0 = unit32(rng.f32(3, -1, 1)), v0 = unit32(rng.f32(48, -1, 1)), u1 = unit32(rng.f32(1, 0.5, 1)), v1 = unit32(rng.f32(48, -1, 1));
    const slope = fill(e, [3], LEAKY_SLOPE);
    const consts = [u0, v0, u1, v1].map((a) => tensor(e, a, [a.length]));
    const xs = [2, 3, 9, 7];
    const f = (x: Tensor, w0: Tensor, b0: Tensor, w1: Tensor, b1: Tensor) => {
      const convs: SnConv[] = [
        { name: 'c0', w: w0, b: b0, u: consts[0], v: consts[1], stride: 2, leaky: true },
        { name: 'c1', w: w1, b: b1, u: consts[2], v: consts[3], stride: 1, leaky: false },
      ];
      return discriminatorForward(x, convs, () => slope);
    };
    const fRef = (x: Arr, w0: Arr, b0: Arr, w1: Arr, b1: Arr) =>
      discriminatorRef(x, xs, [
        { w: w0, ws: ws0, b: b0, u: u0, v: v0, stride: 2, leaky: true },
        { w: w1, ws: ws1, b: b1, u: u1, v: v1, stride: 1, leaky: false },
      ]);
    await checkGrad(e, rng, f, fRef, [
      { data: rng.f32(2 * 3 * 9 * 7, 0, 1), shape: xs },
      { data: rng.f32(48 * 3, -0.5, 0.5), shape: ws0 },
      { data: rng.f32(3, -0.2, 0.2), shape: [3] },
      { data: rng.f32(48, -0.5, 0.5), shape: ws1 },
      { data: rng.f32(1, -0.2, 0.2), shape: [1] },
    ], { rtol: 3e-3, atol: 3e-4 });
    [slope, ...consts].forEach((t) => t.dispose());
  });

  it('one power iteration and σ = uᵀWv match float64; iterated, σ converges to the largest singular value', async () => {
    const e = engine();
    const rng = testRng();
    const [cout, K] = [6, 40];
    const wd = rng.f32(cout * K, -1, 1);
    const w = requireGrad(tensor(e, wd, [cout, 2, 4, 5]));
    let u = tensor(e, unit32(rng.f32(cout, -1, 1)), [cout]);
    const u64 = Float64Array.from(await u.data());
    const s = powerStep(w, u);
    const v1 = unit(matTVec(wd, cout, u64));
    const u1 = unit(matVec(wd, cout, v1));
    expectClose(await s.v.data(), v1, 1e-4, 1e-6, 'v after one step');
    expectClose(await s.u.data(), u1, 1e-4, 1e-6, 'u after one step');
    const sig = spectralSigma(w, s.u, s.v);
    expectClose(await sig.data(), [dot(u1, matVec(wd, cout, v1))], 1e-5, 1e-6, 'σ');
    sig.dispose();
    // float64 reference: power iteration on WᵀW run to convergence
    let vr = unit(rng.f32(K, -1, 1));
    for (let i = 0; i < 5000; i++) vr = unit(matTVec(wd, cout, matVec(wd, cout, vr)));
    const top = Math.sqrt(dot(matVec(wd, cout, vr), matVec(wd, cout, vr)));
    let v = s.v;
    u.dispose();
    u = s.u;
    for (let i = 0; i < 200; i++) {
      const n = powerStep(w, u);
      u.dispose();
      v.dispose();
      u = n.u;
      v = n.v;
    }
    const sigma = spectralSigma(w, u, v);
    expectClose(await sigma.data(), [top], 1e-4, 0, 'σ after 200 iterations');
    [sigma, u, v, w].forEach((t) => t.dispose());
  });

  it('powerIterate moves u, v one step; the vectors round-trip through host tensors', async () => {
    const e = engine();
    const d = new Discriminator(e, { channels: [4] }, 7);
    const before = await refConvs(d);
    d.powerIterate();
    const after = await refConvs(d);
    for (let l = 0; l < before.length; l++) {
      const v = unit(matTVec(before[l].w, before[l].ws[0], before[l].u));
      expectClose(after[l].v, v, 1e-4, 1e-6, `conv${l} v`);
      expectClose(after[l].u, unit(matVec(before[l].w, before[l].ws[0], v)), 1e-4, 1e-6, `conv${l} u`);
    }
    const host = await d.vectorsToHost('discriminator.');
    expect([...host.keys()]).toEqual(['discriminator.conv0.sn_u', 'discriminator.conv0.sn_v', 'discriminator.conv1.sn_u', 'discriminator.conv1.sn_v']);
    const d2 = new Discriminator(e, { channels: [4] }, 8);
    d2.loadVectors(host, 'test', 'discriminator.');
    expect(Array.from(await d2.convs[1].v.data())).toEqual(Array.from(host.get('discriminator.conv1.sn_v')!.data));
    d.dispose();
    d2.dispose();
  });
});
