import { describe, expect, it } from 'vitest';
import { ofdmChannel, ofdmFrame, randNormal, rayleighChannel, tensor, type OfdmOptions } from '../../src/index.js';
import { ofdmRef, type OfdmRefOptions } from '../reference/channels.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

// the reference's names for the OFDM options
const refOpts = (o: Omit<OfdmOptions, 'snrDb'>, snr: number[]): OfdmRefOptions => ({
  ...o, snrDb: snr, F: o.subcarriers, L: o.taps, cp: o.cyclicPrefix, D: o.dataPerPilot,
});

describe('OFDM channel', () => {
  it('matches the float64 reference (explicit cyclic prefix, linear convolution, DFT): LS/perfect CSI, ZF/MMSE, odd N and k', async () => {
    const rng = testRng();
    const cases: Omit<OfdmOptions, 'snrDb' | 'seed'>[] = [
      { estimation: 'ls', equaliser: 'mmse' },
      { estimation: 'perfect', equaliser: 'zf' },
      { subcarriers: 16, taps: 5, cyclicPrefix: 4, dataPerPilot: 2, decayTaps: 1.5, estimation: 'ls', equaliser: 'zf' },
      { subcarriers: 16, taps: 16, cyclicPrefix: 15, dataPerPilot: 3, estimation: 'perfect', equaliser: 'mmse' },
    ];
    for (const c of cases) {
      const N = 3, k = 301, len = 2 * k;
      const z = rng.f32(N * len, -2, 2);
      const snr = Array.from({ length: N }, () => Math.fround(rng.uniform(0, 25)));
      const o = { ...c, seed: rng.int(0, 2 ** 31), offset: rng.int(0, 1000), firstImage: rng.int(0, 1000) };
      const r = ofdmChannel(tensor(engine(), z, [N, len]), { ...o, snrDb: tensor(engine(), snr, [N]) });
      const ref = ofdmRef(z, N, refOpts(o, snr));
      const what = JSON.stringify(c);
      // ZF on a deep-faded subcarrier amplifies float32 rounding: compare relative to the symbol scale
      expectClose(await r.y.data(), ref.y, 2e-3, c.equaliser === 'zf' ? 2e-3 : 2e-4, `${what} y`);
      expectClose(await r.csi.data(), ref.csi.flat(3), 1e-3, 1e-4, `${what} csi`);
      expectClose(await r.channelGain.data(), ref.channelGain, 1e-3, 1e-5, `${what} gain`);
      expectClose(await r.effSnrDb.data(), ref.effSnrDb, 1e-4, 1e-3, `${what} effective SNR`);
    }
  });
  it('with the noise off the LS estimate is the true frequency response and ZF recovers the symbols', async () => {
    const rng = testRng();
    const N = 3, k = 201, len = 2 * k;
    const z = rng.f32(N * len, -2, 2);
    const snrDb = tensor(engine(), [10, 10, 10], [N]);
    const x = ofdmRef(z, N, { snrDb: [10, 10, 10], seed: 0, fading: false, taps: 1, L: 1, noise: false, equaliser: 'zf' } as OfdmRefOptions).y;
    for (const estimation of ['ls', 'perfect'] as const) {
      const r = ofdmChannel(tensor(engine(), z, [N, len]), { snrDb, seed: rng.int(0, 2 ** 31), noise: false, estimation, equaliser: 'zf' });
      const csi = await r.csi.data();
      const fr = ofdmFrame(k);
      let worstH = 0;
      for (let s = 0; s < N; s++) {
        const row = (b: number) => csi.subarray((s * (fr.blocks + 1) + b) * fr.F * 2, (s * (fr.blocks + 1) + b + 1) * fr.F * 2);
        for (let b = 1; b <= fr.blocks; b++) expectClose(row(b), row(0), 1e-4, 2e-6, `${estimation} sample ${s} block ${b - 1}`);
        for (const v of row(0)) worstH = Math.max(worstH, Math.abs(v));
      }
      expect(worstH).toBeGreaterThan(0.1); // a real multipath response, not zeros
      // ZF divides by H_f: the float rounding of the received symbol grows by 1/|H_f| on a faded subcarrier
      // (a fresh random channel each run), so the tolerance of symbol j follows its subcarrier f = j mod F
      const y = await r.y.data();
      for (let e = 0; e < y.length; e++) {
        const s = Math.floor(e / len), f = Math.floor((e % len) / 2) % fr.F;
        const h = csi.subarray(s * (fr.blocks + 1) * fr.F * 2); // sample s's true response H starts its CSI
        const gain = Math.min(1, Math.hypot(h[2 * f], h[2 * f + 1]));
        const tol = 1e-4 * Math.abs(x[e]) + 1e-5 / gain;
        if (!(Math.abs(y[e] - x[e]) <= tol)) expect.fail(`${estimation} ZF element ${e}: got ${y[e]}, expected ${x[e]} (|H_f| ${gain.toFixed(3)}, tolerance ${tol.toExponential(2)})`);
      }
    }
  });
  it('over the ideal one-tap channel (L = 1, gain 1) the equalised noise has AWGN statistics (10^6 symbols)', async () => {
    const N = 4, k = 250_000, len = 2 * k;
    const snr = [0, 5, 10, 20];
    const seed = testRng().int(0, 2 ** 31);
    const z = randNormal(engine(), [N, len], { seed: 6 });
    const o = { seed, offset: 1, taps: 1, cyclicPrefix: 0, fading: false, estimation: 'perfect' as const, equaliser: 'zf' as const };
    const clean = await ofdmChannel(z, { ...o, snrDb: tensor(engine(), snr, [N]), noise: false }).y.data();
    const noisy = await ofdmChannel(z, { ...o, snrDb: tensor(engine(), snr, [N]) }).y.data();
    const report: string[] = [];
    for (let s = 0; s < N; s++) {
      let pn = 0, re2 = 0, reim = 0, mean = 0;
      for (let j = 0; j < k; j++) {
        const wr = noisy[s * len + 2 * j] - clean[s * len + 2 * j], wi = noisy[s * len + 2 * j + 1] - clean[s * len + 2 * j + 1];
        pn += wr * wr + wi * wi;
        re2 += wr * wr;
        reim += wr * wi;
        mean += wr + wi;
      }
      const target = 10 ** (-snr[s] / 10);
      report.push(`${snr[s]} dB: ${(pn / k / target).toFixed(4)}`);
      expect(Math.abs(pn / k / target - 1), `sample ${s} noise power`).toBeLessThan(0.02);
      expect(Math.abs(re2 / pn - 0.5), `sample ${s} real share`).toBeLessThan(0.01);
      expect(Math.abs(reim / pn), `sample ${s} re·im correlation`).toBeLessThan(0.01);
      expect(Math.abs(mean / (2 * k)) / Math.sqrt(target), `sample ${s} mean`).toBeLessThan(0.01);
    }
    console.log(`OFDM ideal channel: measured/target noise power ${report.join(', ')}`);
  });
  it('with one Rayleigh tap it is the block Rayleigh channel (noise off, perfect CSI)', async () => {
    const rng = testRng();
    const N = 3, len = 2 * 77;
    const z = tensor(engine(), rng.f32(N * len), [N, len]);
    const o = { snrDb: tensor(engine(), [3, 6, 9], [N]), seed: rng.int(0, 2 ** 31), offset: 4, firstImage: 9, noise: false };
    for (const equaliser of ['zf', 'mmse'] as const) {
      const a = ofdmChannel(z, { ...o, taps: 1, estimation: 'perfect', equaliser });
      const b = rayleighChannel(z, { ...o, equaliser });
      expectClose(await a.y.data(), await b.y.data(), 1e-4, 1e-5, equaliser);
      expectClose(await a.channelGain.data(), await b.channelGain.data(), 1e-4, 1e-6, `${equaliser} gain`);
    }
  });
  it('E|H_f|² = 1 over many images; the effective SNR follows the channel gain', async () => {
    const N = 8000;
    const z = randNormal(engine(), [N, 2 * 64], { seed: 7 });
    const r = ofdmChannel(z, { snrDb: tensor(engine(), new Float32Array(N).fill(10), [N]), seed: testRng().int(0, 2 ** 31), estimation: 'perfect' });
    const g = await r.channelGain.data();
    const eff = await r.effSnrDb.data();
    const mean = g.reduce((a, v) => a + v, 0) / N;
    console.log(`OFDM: E|H_f|² ${mean.toFixed(4)} over ${N} images (L = 8, decay 2 taps)`);
    expect(Math.abs(mean - 1)).toBeLessThan(0.03);
    for (let s = 0; s < 20; s++) expect(eff[s]).toBeCloseTo(10 + 10 * Math.log10(g[s]), 3);
  });
  it('a batch equals its samples sent one by one; the same seed gives the same draw', async () => {
    const rng = testRng();
    const N = 3, len = 2 * 151;
    const z = rng.f32(N * len);
    const snr = [2, 5, 9];
    const o = { seed: rng.int(0, 2 ** 31), offset: 3, firstImage: 7, subcarriers: 32, taps: 4, cyclicPrefix: 8 };
    const batch = await ofdmChannel(tensor(engine(), z, [N, len]), { ...o, snrDb: tensor(engine(), snr, [N]) }).y.data();
    const again = await ofdmChannel(tensor(engine(), z, [N, len]), { ...o, snrDb: tensor(engine(), snr, [N]) }).y.data();
    expect(Array.from(again)).toEqual(Array.from(batch));
    for (let s = 0; s < N; s++) {
      const one = await ofdmChannel(tensor(engine(), z.slice(s * len, (s + 1) * len), [1, len]), { ...o, firstImage: 7 + s, snrDb: tensor(engine(), [snr[s]], [1]) }).y.data();
      expectClose(one, batch.slice(s * len, (s + 1) * len), 1e-6, 1e-6, `sample ${s}`);
    }
    const other = await ofdmChannel(tensor(engine(), z, [N, len]), { ...o, seed: o.seed + 1, snrDb: tensor(engine(), snr, [N]) }).y.data();
    expect(Array.from(other)).not.toEqual(Array.from(batch));
  });
  it('gradients with respect to the symbols (LS and perfect CSI)', async () => {
    const rng = testRng();
    const N = 3, len = 2 * 13;
    for (const c of [{ estimation: 'ls', equaliser: 'mmse' }, { estimation: 'perfect', equaliser: 'zf' }] as const) {
      const o = { ...c, seed: rng.int(0, 2 ** 31), subcarriers: 8, taps: 3, cyclicPrefix: 2, dataPerPilot: 1 };
      const snr = [5, 12, 20];
      await checkGrad(engine(), rng, (z) => ofdmChannel(z, { ...o, snrDb: tensor(engine(), snr, [N]) }).y, (z) => ofdmRef(z, N, refOpts(o, snr)).y, [
        { data: rng.f32(N * len), shape: [N, len] },
      ], { rtol: 2e-3, atol: 2e-4 });
    }
  });
  it('rejects a short cyclic prefix and a subcarrier count that is not a power of two', () => {
    const z = tensor(engine(), new Float32Array(16), [1, 16]);
    const snrDb = tensor(engine(), [1], [1]);
    expect(() => ofdmChannel(z, { snrDb, seed: 1, taps: 8, cyclicPrefix: 6 })).toThrow(/cyclic prefix/);
    expect(() => ofdmChannel(z, { snrDb, seed: 1, subcarriers: 48 })).toThrow(/power of two/);
  });

  it('under WebGPU\'s default limits (16 KiB of workgroup storage) 512 subcarriers run; 1024 with 64 taps are refused naming the limit', async () => {
    const { Engine } = await import('../../src/index.js');
    const e = await Engine.create({ limits: 'default' });
    try {
      expect(e.limits.maxComputeWorkgroupStorageSize).toBe(16384);
      const rng = testRng();
      const z = tensor(e, Array.from({ length: 2200 }, () => rng.uniform(-1, 1)), [1, 2200]);
      const snrDb = tensor(e, [10], [1]);
      const r = ofdmChannel(z, { snrDb, seed: 2, subcarriers: 512, taps: 8 });
      expect((await r.y.data()).every(Number.isFinite)).toBe(true);
      expect(() => ofdmChannel(z, { snrDb, seed: 2, subcarriers: 1024, taps: 64, cyclicPrefix: 64 })).toThrow(/1024 subcarriers and 64 taps need 16896 bytes of workgroup storage; this device allows 16384 \(maxComputeWorkgroupStorageSize\)/);
    } finally {
      e.destroy();
    }
  });
});
