import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { backward, keep, noGrad, randUniform, requireGrad, tensor, tidy, type Tensor } from '../../src/index.js';
import { diffusionStep, stepCoefficients } from '../../src/kernels/diffusion_step.js';
import { Lpips } from '../../src/metrics/lpips.js';
import { coarseTarget, comminSample, innGuidance } from '../../src/algorithms/commin.js';
import { presetOptions } from '../../src/algorithms/commin_presets.js';
import { Schedule } from '../../src/algorithms/diffusion.js';
import { Inn } from '../../src/networks/inn.js';
import { UNet, type UNetConfig } from '../../src/networks/unet.js';
import { resolveCommin as comminOptions } from '../../src/pipeline/methods/commin.js';
import { randomizeParams, testRng, useEngine } from '../helpers.js';
import { LPIPS_FILE } from '../data_helpers.js';

const engine = useEngine();
const R = 32;
const TINY: UNetConfig = { resolution: R, inChannels: 3, outChannels: 3, ch: 8, chMult: [1, 2], numResBlocks: 1, attnResolutions: [], dropout: 0, groups: 4, eps: 1e-6 };
const lpips = () => Lpips.load(engine(), new Uint8Array(readFileSync(LPIPS_FILE)));


describe('CommIN presets', () => {
  it('paper, indigo and fast hold the settings they are documented with', () => {
    expect(presetOptions('paper', 1, 0)).toMatchObject({ method: 'ddpm', zeta: 0.3, loss: 'inn-distance' });
    expect(presetOptions('paper', 1, 0).startT).toBeUndefined(); // from pure noise
    expect(presetOptions('paper', 7, 0).zeta).toBe(0.5);
    expect(presetOptions('indigo', 4, 0)).toMatchObject({ method: 'ddim', steps: 100, eta: 0.5, startT: 400, zeta: 3.5, loss: 'indigo', weights: [2.5, 1] });
    expect(presetOptions('fast', 4, 0)).toMatchObject({ method: 'ddim', steps: 10, eta: 0, startT: 100 });
    // fast: chosen on tuning faces — ζ = 1 with x_inn fixed; the reference presets guide through the INN
    expect(presetOptions('fast', 4, 0)).toMatchObject({ zeta: 1, innGradient: 'detached' });
    expect(presetOptions('paper', 4, 0).innGradient).toBe('through');
    expect(presetOptions('indigo', 4, 0).innGradient).toBe('through');
  });

  it('flags override single fields; indigo needs LPIPS', () => {
    const base = { preset: 'fast' as const, innGradient: 'through' as 'through' | 'detached', clip: true };
    expect(comminOptions({ ...base, steps: 20 }, 4, 3)).toMatchObject({ steps: 20, startT: 100, zeta: 1, seed: 3 });
    expect(comminOptions({ ...base, innGradient: 'detached', eta: 0.3 }, 4, 3)).toMatchObject({ innGradient: 'detached', eta: 0.3 });
    expect(comminOptions({ ...base, steps: 20, zeta: 0 }, 4, 3).zeta).toBe(0);
    expect(comminOptions({ ...base, preset: 'paper', startT: 250, clip: false }, 1, 0)).toMatchObject({ method: 'ddpm', startT: 250, zeta: 0.3, clip: false });
    expect(() => comminOptions({ ...base, preset: 'indigo' }, 4, 0)).toThrow(/needs LPIPS weights/);
  });

  it("the indigo loss's gradient matches finite differences (tiny U-Net and INN, LPIPS-squeeze)", async () => {
    const e = engine();
    const rng = testRng();
    const lp = lpips();
    const unet = new UNet(e, TINY, 2);
    await randomizeParams(engine(), unet.params.tensors, rng.int(0, 1e6), 0.2);
    const inn = new Inn(e, { mode: 'decimated', levels: 1, pairs: 1, width: 4, resBlocks: 1 }, 3);
    await randomizeParams(engine(), new Map([...inn.params.tensors].filter(([n]) => n.endsWith('out.weight'))), rng.int(0, 1e6), 0.3);
    const s = new Schedule({ kind: 'linear', T: 20, betaStart: 1e-4, betaEnd: 0.2 });
    const t = 6;
    const target = keep(coarseTarget(inn, randUniform(e, [1, 3, R, R], { seed: rng.int(0, 1e6) })));
    const { guidance } = innGuidance(inn, target, { zeta: 1, loss: 'indigo', weights: [2.5, 1], lpips: lp });
    const loss = (xt: Tensor) => guidance.loss(diffusionStep(xt, unet.forward(xt, [t]), stepCoefficients.x0(s.alphaBar(t))), t);
    const xs = rng.f32(3 * R * R, -0.8, 0.8);
    const x = requireGrad(tensor(e, xs, [1, 3, R, R]));
    tidy(() => backward(loss(x)));
    const g = await x.grad!.data();
    const norm = Math.sqrt(g.reduce((a, b) => a + b * b, 0));
    expect(norm).toBeGreaterThan(0);
    const h = 1e-2;
    const at = async (k: number) => (await noGrad(() => tidy(() => loss(tensor(e, xs.map((v, i) => v + (k * h * g[i]) / norm), [1, 3, R, R])))).item());
    const numeric = ((await at(1)) - (await at(-1))) / (2 * h);
    expect(Math.abs(numeric - norm)).toBeLessThan(3e-2 * norm);
    // and the sampler runs with it, on the data range
    const y = randUniform(e, [1, 3, R, R], { seed: 5 });
    const out = await comminSample(unet, inn, s, y, { ...presetOptions('indigo', 4, 1), steps: 3, startT: 8, lpips: lp });
    const d = await out.data();
    expect(d.every((v) => v >= 0 && v <= 1)).toBe(true);
    target.dispose();
    unet.dispose();
    inn.dispose();
    lp.dispose();
  });
});
