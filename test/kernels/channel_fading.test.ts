import { describe, expect, it } from 'vitest';
import { awgnChannel, ofdmChannel, randNormal, rayleighChannel, sendOverChannel, tensor } from '../../src/index.js';
import { cnDraw, rayleighRef } from '../reference/channels.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe('Rayleigh fading channel', () => {
  it('matches the float64 reference: block and fast fading, ZF and MMSE, odd N and k', async () => {
    const rng = testRng();
    for (const [fast, equaliser] of [[false, 'zf'], [false, 'mmse'], [true, 'zf'], [true, 'mmse']] as const) {
      const N = 5, k = 37, len = 2 * k;
      const z = rng.f32(N * len, -2, 2);
      const snr = Array.from({ length: N }, () => Math.fround(rng.uniform(-5, 20)));
      const o = { seed: rng.int(0, 2 ** 31), offset: rng.int(0, 1000), firstImage: rng.int(0, 1000), fast, equaliser };
      const r = rayleighChannel(tensor(engine(), z, [N, len]), { ...o, snrDb: tensor(engine(), snr, [N]) });
      const ref = rayleighRef(z, N, { ...o, snrDb: snr });
      const what = `${fast ? 'fast' : 'block'} ${equaliser}`;
      expectClose(await r.y.data(), ref.y, 2e-3, 2e-4, `${what} y`);
      expectClose(await r.channelGain.data(), ref.channelGain, 1e-4, 1e-6, `${what} |h|²`);
      expectClose(await r.effSnrDb.data(), ref.effSnrDb, 1e-4, 1e-3, `${what} effective SNR`);
    }
  });
  it('without fading it is the AWGN channel: the same noise draw for the same seed, offset and image', async () => {
    const rng = testRng();
    const N = 3, len = 2 * 45;
    const z = tensor(engine(), rng.f32(N * len), [N, len]);
    const snrDb = tensor(engine(), [1, 4, 7], [N]);
    const o = { snrDb, seed: rng.int(0, 2 ** 31), offset: 5, firstImage: 11 };
    const awgn = await awgnChannel(z, o).data();
    const r = rayleighChannel(z, { ...o, fading: false, equaliser: 'zf' });
    expectClose(await r.y.data(), awgn, 1e-5, 1e-5);
    expectClose(await r.channelGain.data(), [1, 1, 1], 0, 1e-7);
    expectClose(await r.effSnrDb.data(), [1, 4, 7], 0, 1e-5);
  });
  it('zero-forcing with the noise off recovers the power-normalised symbols', async () => {
    const rng = testRng();
    const N = 3, k = 51, len = 2 * k;
    const z = rng.f32(N * len, -3, 3);
    const x = rayleighRef(z, N, { snrDb: [0, 0, 0], seed: 0, fading: false, noise: false, equaliser: 'zf' }).y;
    for (const fast of [false, true]) {
      const r = rayleighChannel(tensor(engine(), z, [N, len]), { snrDb: tensor(engine(), [0, 0, 0], [N]), seed: rng.int(0, 2 ** 31), noise: false, fast, equaliser: 'zf' });
      expectClose(await r.y.data(), x, 1e-5, 1e-5, fast ? 'fast' : 'block');
    }
  });
  it('noise power within 2% over 10^6 symbols (recovered as h·(y − x) under ZF)', async () => {
    const N = 4, k = 250_000, len = 2 * k;
    const snr = [0, 5, 10, 20];
    const seed = testRng().int(0, 2 ** 31);
    const z = randNormal(engine(), [N, len], { seed: 3 });
    const o = { seed, offset: 2, equaliser: 'zf' as const };
    const clean = await rayleighChannel(z, { ...o, snrDb: tensor(engine(), snr, [N]), noise: false }).y.data();
    const noisy = await rayleighChannel(z, { ...o, snrDb: tensor(engine(), snr, [N]) }).y.data();
    const report: string[] = [];
    for (let s = 0; s < N; s++) {
      const h = cnDraw(0, seed, 2, s, 2);
      let pn = 0, re2 = 0;
      for (let j = 0; j < k; j++) {
        const dr = noisy[s * len + 2 * j] - clean[s * len + 2 * j], di = noisy[s * len + 2 * j + 1] - clean[s * len + 2 * j + 1];
        const wr = h[0] * dr - h[1] * di, wi = h[0] * di + h[1] * dr;
        pn += wr * wr + wi * wi;
        re2 += wr * wr;
      }
      const target = 10 ** (-snr[s] / 10);
      report.push(`${snr[s]} dB: ${(pn / k / target).toFixed(4)}`);
      expect(Math.abs(pn / k / target - 1), `sample ${s} noise power ${pn / k} vs ${target}`).toBeLessThan(0.02);
      expect(Math.abs(re2 / pn - 0.5), `sample ${s} real share`).toBeLessThan(0.01);
    }
    console.log(`Rayleigh: measured/target noise power ${report.join(', ')}`);
  });
  it('E|h|² = 1 over many images (block) and symbols (fast); effective SNR = SNR + 10·log10|h|²', async () => {
    const seed = testRng().int(0, 2 ** 31);
    const N = 20_000;
    const z = randNormal(engine(), [N, 2], { seed: 4 });
    const snrDb = tensor(engine(), new Float32Array(N).fill(10), [N]);
    const block = rayleighChannel(z, { snrDb, seed });
    const g = await block.channelGain.data();
    const eff = await block.effSnrDb.data();
    const mean = g.reduce((a, v) => a + v, 0) / N;
    const meanSq = g.reduce((a, v) => a + v * v, 0) / N;
    expect(Math.abs(mean - 1), `E|h|² ${mean}`).toBeLessThan(0.03);
    expect(Math.abs(meanSq - 2), `E|h|⁴ ${meanSq} (exponential |h|²: 2)`).toBeLessThan(0.15);
    for (let s = 0; s < 50; s++) expect(eff[s]).toBeCloseTo(10 + 10 * Math.log10(g[s]), 3);
    const fast = rayleighChannel(randNormal(engine(), [4, 2 * 50_000], { seed: 5 }), { snrDb: tensor(engine(), [0, 0, 0, 0], [4]), seed, fast: true });
    for (const v of await fast.channelGain.data()) expect(Math.abs(v - 1), `fast mean |h|² ${v}`).toBeLessThan(0.02);
    console.log(`Rayleigh: E|h|² ${mean.toFixed(4)} over ${N} images, E|h|⁴ ${meanSq.toFixed(3)}; fast fading per-image means ${Array.from(await fast.channelGain.data()).map((v) => v.toFixed(4)).join(', ')}`);
  });
  it('a batch equals its samples sent one by one; the same seed gives the same draw', async () => {
    const rng = testRng();
    const N = 3, len = 2 * 19;
    const z = rng.f32(N * len);
    const snr = [2, 5, 9];
    for (const fast of [false, true]) {
      const o = { seed: rng.int(0, 2 ** 31), offset: 3, firstImage: 7, fast };
      const batch = await rayleighChannel(tensor(engine(), z, [N, len]), { ...o, snrDb: tensor(engine(), snr, [N]) }).y.data();
      const again = await rayleighChannel(tensor(engine(), z, [N, len]), { ...o, snrDb: tensor(engine(), snr, [N]) }).y.data();
      expect(Array.from(again)).toEqual(Array.from(batch));
      for (let s = 0; s < N; s++) {
        const one = await rayleighChannel(tensor(engine(), z.slice(s * len, (s + 1) * len), [1, len]), { ...o, firstImage: 7 + s, snrDb: tensor(engine(), [snr[s]], [1]) }).y.data();
        expectClose(one, batch.slice(s * len, (s + 1) * len), 1e-6, 1e-6, `sample ${s}`);
      }
      const other = await rayleighChannel(tensor(engine(), z, [N, len]), { ...o, seed: o.seed + 1, snrDb: tensor(engine(), snr, [N]) }).y.data();
      expect(Array.from(other)).not.toEqual(Array.from(batch));
    }
  });
  it('gradients through the fixed h, the equaliser and the power normalisation', async () => {
    const rng = testRng();
    const N = 3, len = 10;
    for (const [fast, equaliser] of [[false, 'zf'], [false, 'mmse'], [true, 'mmse']] as const) {
      const o = { seed: rng.int(0, 2 ** 31), offset: 1, firstImage: 2, fast, equaliser };
      const snr = [3, 8, 15];
      await checkGrad(engine(), rng, (z) => rayleighChannel(z, { ...o, snrDb: tensor(engine(), snr, [N]) }).y, (z) => rayleighRef(z, N, { ...o, snrDb: snr }).y, [
        { data: rng.f32(N * len), shape: [N, len] },
      ], { rtol: 2e-3, atol: 2e-4 });
    }
  });
});

describe('sendOverChannel', () => {
  it('dispatches to each channel with z’s shape and per-image effective SNR', async () => {
    const rng = testRng();
    const shape = [3, 4, 3, 2];
    const z = tensor(engine(), rng.f32(72), shape);
    const snrDb = tensor(engine(), [1, 4, 7], [3]);
    const o = { snrDb, seed: rng.int(0, 2 ** 31), offset: 2, firstImage: 5 };
    const flat = z.reshape([3, 24]);
    const awgn = sendOverChannel(z, { kind: 'awgn', ...o });
    expect(awgn.y.shape).toEqual(shape);
    expectClose(await awgn.y.data(), await awgnChannel(flat, o).data(), 0, 0);
    expectClose(await awgn.effSnrDb.data(), [1, 4, 7], 0, 0);
    expectClose(await awgn.channelGain.data(), [1, 1, 1], 0, 0);
    const ray = sendOverChannel(z, { kind: 'rayleigh', ...o, fast: true });
    const rayDirect = rayleighChannel(flat, { ...o, fast: true });
    expect(ray.y.shape).toEqual(shape);
    expectClose(await ray.y.data(), await rayDirect.y.data(), 0, 0);
    expectClose(await ray.effSnrDb.data(), await rayDirect.effSnrDb.data(), 0, 0);
    const ofdm = sendOverChannel(z, { kind: 'ofdm', ...o, subcarriers: 8, taps: 3, cyclicPrefix: 2 });
    const ofdmDirect = ofdmChannel(flat, { ...o, subcarriers: 8, taps: 3, cyclicPrefix: 2 });
    expect(ofdm.y.shape).toEqual(shape);
    expectClose(await ofdm.y.data(), await ofdmDirect.y.data(), 0, 0);
    expectClose(await ofdm.channelGain.data(), await ofdmDirect.channelGain.data(), 0, 0);
  });
  it('rejects an odd number of reals and a wrong SNR count', () => {
    const z = tensor(engine(), new Float32Array(6), [2, 3]);
    expect(() => sendOverChannel(z, { kind: 'rayleigh', snrDb: tensor(engine(), [1, 1], [2]), seed: 1 })).toThrow(/even number of reals/);
    const z2 = tensor(engine(), new Float32Array(8), [2, 4]);
    expect(() => sendOverChannel(z2, { kind: 'ofdm', snrDb: tensor(engine(), [1], [1]), seed: 1 })).toThrow(/one value per sample/);
  });
});
