import { describe, expect, it } from 'vitest';
import { requireGrad, tensor } from '../../src/index.js';
import { Ema, Schedule } from '../../src/algorithms/diffusion.js';
import { samplerTimesteps } from '../../src/algorithms/sampler.js';
import { expectClose, useEngine } from '../helpers.js';

const engine = useEngine();

describe('diffusion schedule, timesteps and EMA', () => {
  it('linear and cosine schedules: ᾱ decreases from ≈1 to ≈0', () => {
    for (const kind of ['linear', 'cosine'] as const) {
      const s = new Schedule({ kind, T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
      expect(s.alphaBar(-1)).toBe(1);
      expect(s.alphaBar(0)).toBeGreaterThan(0.99);
      expect(s.alphaBar(999)).toBeLessThan(1e-3);
      for (let t = 1; t < 1000; t++) expect(s.alphaBars[t]).toBeLessThan(s.alphaBars[t - 1]);
    }
    const lin = new Schedule();
    expect(lin.betas[0]).toBeCloseTo(1e-4, 12);
    expect(lin.betas[999]).toBeCloseTo(0.02, 12);
  });
  it('sampler timesteps: DDPM every step, DDIM evenly spaced, both from a start timestep', () => {
    const s = new Schedule({ kind: 'linear', T: 100, betaStart: 1e-4, betaEnd: 0.02 });
    expect(samplerTimesteps(s, { method: 'ddpm' }).length).toBe(100);
    expect(samplerTimesteps(s, { method: 'ddim', steps: 4 })).toEqual([99, 66, 33, 0]);
    expect(samplerTimesteps(s, { method: 'ddim', steps: 3, init: { x0: null as never, startT: 40 } })).toEqual([40, 20, 0]);
  });
  it('EMA: shadow ← d·shadow + (1 − d)·param', async () => {
    const p = requireGrad(tensor(engine(), [1, 2, 3], [3]));
    const ema = new Ema([p], 0.9);
    engine().write(p.buffer, Float32Array.of(11, 12, 13));
    ema.update();
    expectClose(await ema.shadow[0].data(), [2, 3, 4], 1e-6, 1e-6);
    ema.update();
    expectClose(await ema.shadow[0].data(), [2.9, 3.9, 4.9], 1e-6, 1e-6);
    ema.dispose();
  });
});
