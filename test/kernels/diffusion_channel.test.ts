import { describe, expect, it } from 'vitest';
import { awgnChannel, diffusionStep, losses, randNormal, stepCoefficients, tensor } from '../../src/index.js';
import { stepCoefficientsFromX0 } from '../../src/kernels/diffusion_step.js';
import { philoxNormal } from '../reference/rng.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe('fused diffusion step', () => {
  it('y = cx·x + ce·ε + σ·z with z the seeded normal stream (odd sizes)', async () => {
    const rng = testRng();
    for (const n of [1, 7, 4099]) {
      const x = rng.f32(n);
      const eps = rng.f32(n);
      const seed = rng.int(0, 2 ** 31);
      const c = { cx: 1.3, ce: -0.4, sigma: 0.25, seed, offset: 17 };
      const y = diffusionStep(tensor(engine(), x, [n]), tensor(engine(), eps, [n]), c);
      const z = philoxNormal(n, seed, 17);
      expectClose(await y.data(), x.map((v, i) => 1.3 * v - 0.4 * eps[i] + 0.25 * z[i]), 1e-4, 1e-5, `n=${n}`);
    }
  });
  it('a noise stream start gives the matching slice of the step on the whole tensor', async () => {
    const rng = testRng();
    const n = 1030, start = 516;
    const x = rng.f32(n), eps = rng.f32(n);
    const c = { cx: 0.9, ce: 0.3, sigma: 0.7, seed: rng.int(0, 2 ** 31), offset: 4 };
    const whole = await diffusionStep(tensor(engine(), x, [n]), tensor(engine(), eps, [n]), c).data();
    const part = await diffusionStep(tensor(engine(), x.slice(start), [n - start]), tensor(engine(), eps.slice(start), [n - start]), { ...c, start }).data();
    expect(Array.from(part)).toEqual(Array.from(whole.slice(start)));
  });
  it('the same seed and offset give the same step; σ = 0 adds nothing', async () => {
    const x = randNormal(engine(), [64], { seed: 1 });
    const e = randNormal(engine(), [64], { seed: 2 });
    const a = await diffusionStep(x, e, { cx: 1, ce: 1, sigma: 1, seed: 5, offset: 3 }).data();
    const b = await diffusionStep(x, e, { cx: 1, ce: 1, sigma: 1, seed: 5, offset: 3 }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    const xs = await x.data(), es = await e.data();
    expectClose(await diffusionStep(x, e, { cx: 2, ce: 3 }).data(), xs.map((v, i) => 2 * v + 3 * es[i]), 1e-6, 1e-6);
  });
  it('gradients with respect to x and ε', async () => {
    const rng = testRng();
    await checkGrad(engine(), rng, (x, e) => diffusionStep(x, e, { cx: 0.7, ce: -1.9 }), (x, e) => x.map((v, i) => 0.7 * v - 1.9 * e[i]), [
      { data: rng.f32(9), shape: [9] }, { data: rng.f32(9), shape: [9] },
    ]);
  });
  it('schedule coefficients: x̂0 inverts the forward noising, DDIM η=0 with ᾱ_prev=1 returns x̂0', () => {
    const ab = 0.37;
    const x0 = 0.8, eps = -1.2;
    const xt = Math.sqrt(ab) * x0 + Math.sqrt(1 - ab) * eps;
    const c = stepCoefficients.x0(ab);
    expect(c.cx * xt + c.ce * eps).toBeCloseTo(x0, 12);
    const d = stepCoefficients.ddim(ab, 1, 0);
    expect(d.cx * xt + d.ce * eps).toBeCloseTo(x0, 12);
    expect(d.sigma).toBe(0);
    const a = stepCoefficients.ancestral(ab, 0.4);
    expect(a.sigma! ** 2).toBeCloseTo(1 - ab / 0.4, 12);
  });
  it('the x̂0 forms of the DDPM and DDIM updates equal the ε forms when x̂0 is not clipped', () => {
    const rng = testRng();
    for (let k = 0; k < 20; k++) {
      const ab = rng.uniform(0.01, 0.98), abPrev = Math.min(0.999, ab * rng.uniform(1.0001, 1.5));
      const xt = rng.uniform(-2, 2), eps = rng.uniform(-2, 2), eta = rng.uniform(0, 1);
      const x0c = stepCoefficients.x0(ab);
      const x0 = x0c.cx * xt + x0c.ce * eps;
      for (const [byEps, byX0] of [
        [stepCoefficients.ancestral(ab, abPrev, true), stepCoefficientsFromX0.ancestral(ab, abPrev, true)],
        [stepCoefficients.ancestral(ab, abPrev, false), stepCoefficientsFromX0.ancestral(ab, abPrev, false)],
        [stepCoefficients.ddim(ab, abPrev, eta), stepCoefficientsFromX0.ddim(ab, abPrev, eta)],
      ]) {
        expect(byX0.cx * xt + byX0.ce * x0).toBeCloseTo(byEps.cx * xt + byEps.ce * eps, 10);
        expect(byX0.sigma).toBeCloseTo(byEps.sigma!, 12);
      }
    }
    // the last step (ᾱ_{t−1} = 1) returns x̂0 itself
    for (const c of [stepCoefficientsFromX0.ancestral(0.999, 1, true), stepCoefficientsFromX0.ddim(0.999, 1, 0.5)]) {
      expect(c.cx).toBeCloseTo(0, 12);
      expect(c.ce).toBeCloseTo(1, 12);
    }
  });
});

describe('AWGN channel', () => {
  it('normalises each sample to average symbol power 1', async () => {
    const rng = testRng();
    const N = 3, len = 2 * 257;
    const z = rng.f32(N * len, -3, 3).map((v, i) => v * (1 + Math.floor(i / len)));
    const y = await awgnChannel(tensor(engine(), z, [N, len]), { snrDb: tensor(engine(), [0, 0, 0], [N]), seed: 1, noise: false }).data();
    for (let s = 0; s < N; s++) {
      let p = 0;
      for (let i = 0; i < len; i++) p += y[s * len + i] ** 2;
      expect(p / (len / 2)).toBeCloseTo(1, 4);
    }
  });
  it('noise power within 2% of the target over 10^6 symbols, per-sample SNR', async () => {
    const N = 4, len = 2 * 250_000;
    const snr = [0, 5, 10, 20];
    const z = randNormal(engine(), [N, len], { seed: 3 });
    const clean = await awgnChannel(z, { snrDb: tensor(engine(), snr, [N]), seed: 9, noise: false }).data();
    const noisy = await awgnChannel(z, { snrDb: tensor(engine(), snr, [N]), seed: testRng().int(0, 2 ** 31) }).data();
    for (let s = 0; s < N; s++) {
      let pn = 0;
      for (let i = 0; i < len; i++) pn += (noisy[s * len + i] - clean[s * len + i]) ** 2;
      const measured = pn / (len / 2); // complex noise power per symbol
      const target = 10 ** (-snr[s] / 10);
      expect(Math.abs(measured / target - 1)).toBeLessThan(0.02);
    }
  });
  it('same seed, same channel draw', async () => {
    const z = randNormal(engine(), [2, 64], { seed: 3 });
    const snr = tensor(engine(), [1, 7], [2]);
    const a = await awgnChannel(z, { snrDb: snr, seed: 11 }).data();
    const b = await awgnChannel(z, { snrDb: snr, seed: 11 }).data();
    const c = await awgnChannel(z, { snrDb: snr, seed: 12 }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
  it('a batch draws the same noise as its samples sent one by one (keyed by the image index)', async () => {
    const N = 3, len = 38;
    const z = testRng().f32(N * len);
    const snr = [2, 5, 9];
    const batch = await awgnChannel(tensor(engine(), z, [N, len]), { snrDb: tensor(engine(), snr, [N]), seed: 21, offset: 3, firstImage: 7 }).data();
    for (let s = 0; s < N; s++) {
      const one = await awgnChannel(tensor(engine(), z.slice(s * len, (s + 1) * len), [1, len]), { snrDb: tensor(engine(), [snr[s]], [1]), seed: 21, offset: 3, firstImage: 7 + s }).data();
      expectClose(one, batch.slice(s * len, (s + 1) * len), 1e-6, 1e-6, `sample ${s}`);
    }
    const other = await awgnChannel(tensor(engine(), z.slice(0, len), [1, len]), { snrDb: tensor(engine(), [snr[0]], [1]), seed: 21, offset: 3, firstImage: 8 }).data();
    expect(Array.from(other)).not.toEqual(Array.from(batch.slice(0, len)));
  });
  it('gradient of the power normalisation', async () => {
    const rng = testRng();
    const len = 10;
    const ref = (z: Float64Array) => {
      const out = new Float64Array(z.length);
      for (let s = 0; s < 2; s++) {
        let ss = 0;
        for (let i = 0; i < len; i++) ss += z[s * len + i] ** 2;
        const a = Math.sqrt(len / 2 / ss);
        for (let i = 0; i < len; i++) out[s * len + i] = a * z[s * len + i];
      }
      return out;
    };
    await checkGrad(engine(), rng, (z) => awgnChannel(z, { snrDb: tensor(engine(), [3, 3], [2]), seed: 1, noise: false }), ref, [{ data: rng.f32(2 * len), shape: [2, len] }]);
  });
  it('rejects an odd number of reals and a wrong SNR count', () => {
    const z = tensor(engine(), new Float32Array(6), [2, 3]);
    expect(() => awgnChannel(z, { snrDb: tensor(engine(), [1, 1], [2]), seed: 1 })).toThrow(/even number of reals/);
    const z2 = tensor(engine(), new Float32Array(8), [2, 4]);
    expect(() => awgnChannel(z2, { snrDb: tensor(engine(), [1], [1]), seed: 1 })).toThrow(/one value per sample/);
  });
});

describe('losses', () => {
  it('mse, l1, hinge and non-saturating GAN losses against references, with gradients', async () => {
    const rng = testRng();
    const a = rng.f32(13), b = rng.f32(13);
    const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
    const sp = (x: number) => Math.log1p(Math.exp(x));
    const cases: [string, (...t: import('../../src/index.js').Tensor[]) => import('../../src/index.js').Tensor, (...x: Float64Array[]) => number, number][] = [
      ['mse', losses.mse, (x, y) => mean(x.map((v, i) => (v - y[i]) ** 2)), 2],
      ['l1', losses.l1, (x, y) => mean(x.map((v, i) => Math.abs(v - y[i]))), 2],
      ['hingeD', losses.hingeDiscriminator, (r, f) => mean(r.map((v) => Math.max(0, 1 - v))) + mean(f.map((v) => Math.max(0, 1 + v))), 2],
      ['hingeG', losses.hingeGenerator, (f) => -mean(f), 1],
      ['nsD', losses.nonSaturatingDiscriminator, (r, f) => mean(r.map((v) => sp(-v))) + mean(f.map(sp)), 2],
      ['nsG', losses.nonSaturatingGenerator, (f) => mean(f.map((v) => sp(-v))), 1],
    ];
    for (const [name, f, ref, arity] of cases) {
      const ins = [a, b].slice(0, arity);
      const got = await f(...ins.map((d) => tensor(engine(), d, [13]))).item();
      expect(got, name).toBeCloseTo(ref(...ins), 5);
      await checkGrad(engine(), rng, f, (...x) => Float64Array.of(ref(...x)), ins.map((d) => ({ data: d.map((v) => (Math.abs(Math.abs(v) - 1) < 0.02 ? v + 0.05 : v)), shape: [13] })));
    }
  });
});
