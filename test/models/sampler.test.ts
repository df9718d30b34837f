import { describe, expect, it } from 'vitest';
import { affine, noGrad, randNormal, sqrt, square, sub, sum, tensor, tidy, type Tensor } from '../../src/index.js';
import { diffusionStep, stepCoefficients } from '../../src/kernels/diffusion_step.js';
import { Schedule } from '../../src/algorithms/diffusion.js';
import { sample, samplerTimesteps } from '../../src/algorithms/sampler.js';
import { UNet, type UNetConfig } from '../../src/networks/unet.js';
import { expectClose, randomizeParams, testRng, useEngine } from '../helpers.js';

const engine = useEngine();
const TINY: UNetConfig = { resolution: 8, inChannels: 3, outChannels: 3, ch: 8, chMult: [1, 2], numResBlocks: 1, attnResolutions: [4], dropout: 0, groups: 4, eps: 1e-6 };
const schedule = new Schedule({ kind: 'linear', T: 50, betaStart: 1e-4, betaEnd: 0.1 });


async function randomUNet(seed: number, std: number): Promise<UNet> {
  const u = new UNet(engine(), TINY, seed);
  await randomizeParams(engine(), u.params.tensors, seed, std);
  return u;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('sampler', () => {
  it('keeps a deliberately weak model on the data range when x̂0 is clipped (and not without)', async () => {
    const u = await randomUNet(testRng().int(0, 1e6), 0.6);
    for (const method of ['ddpm', 'ddim'] as const) {
      const x0max: number[] = [];
      const clipped = await sample(u, schedule, [2, 3, 8, 8], { method, steps: 12, eta: 0.5, seed: 4, onStep: async ({ x0 }) => { x0max.push(maxAbs(await x0.data())); } });
      expect(Math.max(...x0max)).toBeLessThanOrEqual(1);
      const out = await clipped.data();
      expect(out.every(Number.isFinite)).toBe(true);
      expect(maxAbs(out)).toBeLessThanOrEqual(1); // the last step returns the clipped x̂0
      const free = await sample(u, schedule, [2, 3, 8, 8], { method, steps: 12, eta: 0.5, seed: 4, clip: false });
      expect(maxAbs(await free.data())).toBeGreaterThan(2);
      clipped.dispose();
      free.dispose();
    }
    u.dispose();
  });

  it('without clipping it equals the ε-form update loop (DDPM and DDIM with η)', async () => {
    const u = await randomUNet(testRng().int(0, 1e6), 0.15);
    const shape = [2, 3, 8, 8];
    for (const o of [{ method: 'ddpm' as const, seed: 3 }, { method: 'ddim' as const, steps: 7, eta: 0.6, seed: 5 }]) {
      const ours = await sample(u, schedule, shape, { ...o, clip: false });
      // the loop written out with the ε coefficients
      let x = randNormal(engine(), shape, { seed: o.seed, offset: 0x7ffffffe });
      const ts = samplerTimesteps(schedule, o);
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i], tPrev = i + 1 < ts.length ? ts[i + 1] : -1;
        const ab = schedule.alphaBar(t), abPrev = schedule.alphaBar(tPrev);
        const c = o.method === 'ddpm' ? stepCoefficients.ancestral(ab, abPrev, true) : stepCoefficients.ddim(ab, abPrev, o.eta ?? 0);
        const next: Tensor = noGrad(() => tidy(() => diffusionStep(x, u.forward(x, [t, t]), { ...c, sigma: tPrev < 0 ? 0 : c.sigma, seed: o.seed, offset: t })));
        x.dispose();
        x = next;
        await engine().throttle();
      }
      expectClose(await ours.data(), await x.data(), 2e-4, 2e-4, o.method);
      ours.dispose();
      x.dispose();
    }
    u.dispose();
  });

  it('with the U-Net detached the guidance step is ζ·∇_x̂0 loss/√ᾱ_t on unclipped pixels; through the U-Net it is not', async () => {
    const rng = testRng();
    const u = await randomUNet(rng.int(0, 1e6), 0.15);
    const shape = [2, 3, 8, 8], per = 3 * 8 * 8, zeta = 0.7;
    const target = tensor(engine(), rng.f32(2 * per, -1, 1), shape);
    // a per-image distance with a closed-form gradient: ∇_x̂0 ‖x̂0 − c‖ = (x̂0 − c)/‖x̂0 − c‖
    const guidance = { zeta, loss: (x0: Tensor) => sum(sqrt(sum(square(sub(x0, target)), [1, 2, 3]))) };
    const run = async (unetGradient: 'through' | 'detached') => {
      const steps: { t: number; x: Float32Array; x0: Float32Array; g: Float32Array }[] = [];
      const out = await sample(u, schedule, shape, { method: 'ddim', steps: 5, eta: 0, seed: 9, guidance, unetGradient, clip: true,
        onStep: async ({ t, x, x0, guidanceStep }) => { steps.push({ t, x: await x.data(), x0: await x0.data(), g: await guidanceStep!.data() }); } });
      out.dispose();
      return steps;
    };
    const detached = await run('detached');
    const through = await run('through');
    let clippedSeen = 0, freeSeen = 0;
    for (let i = 1; i < detached.length; i++) {
      const { t, x0, g } = detached[i];
      const ab = schedule.alphaBar(t);
      const xt = tensor(engine(), detached[i - 1].x, shape);
      const raw = await noGrad(() => tidy(() => diffusionStep(xt, u.forward(xt, [t, t]), stepCoefficients.x0(ab)))).data();
      xt.dispose();
      const c = await target.data();
      const want = new Float32Array(2 * per);
      for (let n = 0; n < 2; n++) {
        let d2 = 0;
        for (let k = n * per; k < (n + 1) * per; k++) d2 += (x0[k] - c[k]) ** 2;
        for (let k = n * per; k < (n + 1) * per; k++) {
          const free = Math.abs(raw[k]) < 1;
          if (free) freeSeen++; else clippedSeen++;
          want[k] = free ? (zeta * (x0[k] - c[k])) / Math.sqrt(d2) / Math.sqrt(ab) : 0;
        }
      }
      expectClose(g, want, 1e-4, 1e-5, `t = ${t}`);
      // through the U-Net the Jacobian of ε̂ enters: a different step
      const diff = Math.sqrt(through[i].g.reduce((a, v, k) => a + (v - g[k]) ** 2, 0));
      expect(diff, `t = ${t}`).toBeGreaterThan(1e-3 * Math.sqrt(g.reduce((a, v) => a + v * v, 0)));
    }
    expect(freeSeen).toBeGreaterThan(0);
    expect(clippedSeen).toBeGreaterThan(0);
    await expect(sample(u, schedule, shape, { method: 'ddim', seed: 1, guidance, unetGradient: 'none' as 'through' })).rejects.toThrow(/unetGradient must be 'through' or 'detached', got 'none'/);
    target.dispose();
    u.dispose();
  });

  it('visits evenly spaced timesteps from the start down to 0; one step is taken at the start', () => {
    expect(samplerTimesteps(schedule, { method: 'ddim', steps: 5, init: { x0: null as never, startT: 40 } })).toEqual([40, 30, 20, 10, 0]);
    expect(samplerTimesteps(schedule, { method: 'ddim', steps: 1, init: { x0: null as never, startT: 40 } })).toEqual([40]);
    expect(samplerTimesteps(schedule, { method: 'ddim', steps: 1 })).toEqual([49]);
    expect(samplerTimesteps(schedule, { method: 'ddpm', init: { x0: null as never, startT: 3 } })).toEqual([3, 2, 1, 0]);
  });

  it('rejects a start timestep outside the schedule, η outside [0, 1] and unsafe seeds before any work', async () => {
    const u = new UNet(engine(), TINY, 1);
    const x0 = randNormal(engine(), [1, 3, 8, 8], { seed: 1 });
    await expect(sample(u, schedule, [1, 3, 8, 8], { method: 'ddim', seed: 1, init: { x0, startT: 50 } })).rejects.toThrow(/start timestep must be an integer in \[0, 49\]/);
    await expect(sample(u, schedule, [1, 3, 8, 8], { method: 'ddim', seed: 1, eta: 2 })).rejects.toThrow(/η must be in \[0, 1\]/);
    await expect(sample(u, schedule, [1, 3, 8, 8], { method: 'ddim', seed: 1e300 })).rejects.toThrow(/safe integer/);
    x0.dispose();
    u.dispose();
  });
});
