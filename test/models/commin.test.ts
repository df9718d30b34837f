import { describe, expect, it } from 'vitest';
import { Adam, backward, clamp, randUniform, requireGrad, sqrt, square, sub, sum, tensor, tidy, affine, noGrad, keep } from '../../src/index.js';
import { Inn, type InnConfig } from '../../src/networks/inn.js';
import { UNet, type UNetConfig } from '../../src/networks/unet.js';
import { Schedule } from '../../src/algorithms/diffusion.js';
import { sample } from '../../src/algorithms/sampler.js';
import { coarseTarget, comminSample, innGuidance } from '../../src/algorithms/commin.js';
import type { Tensor } from '../../src/index.js';
import { diffusionStep, stepCoefficients } from '../../src/kernels/diffusion_step.js';
import { losses } from '../../src/index.js';
import { expectClose, randomizeParams, testRng, useEngine } from '../helpers.js';

const engine = useEngine();
const TINY_UNET: UNetConfig = { resolution: 8, inChannels: 3, outChannels: 3, ch: 8, chMult: [1, 2], numResBlocks: 1, attnResolutions: [4], dropout: 0, groups: 4, eps: 1e-6 };


describe('INN (lifting scheme)', () => {
  for (const mode of ['decimated', 'undecimated'] as const) {
    it(`${mode}: inverse(forward(x)) = x to float32 rounding at several sizes and levels`, async () => {
      const rng = testRng();
      for (const [levels, H, W] of [[1, 8, 6], [2, 16, 16], [3, 64, 64]]) {
        const cfg: InnConfig = { mode, levels, pairs: 2, width: 8, resBlocks: 1 };
        const inn = new Inn(engine(), cfg, rng.int(0, 1e6));
        // default init everywhere; the zero-initialised output convs get weights of a trained scale
        await randomizeParams(engine(), new Map([...inn.params.tensors].filter(([n]) => n.endsWith('out.weight'))), rng.int(0, 1e6), 0.05);
        const x = randUniform(engine(), [2, 3, H, W], { seed: rng.int(0, 1e6) });
        const back = tidy(() => inn.inverse(inn.forward(x)));
        const code = tidy(() => inn.forward(x).coarse);
        const f = 2 ** levels;
        expect(code.shape).toEqual(mode === 'decimated' ? [2, 3, H / f, W / f] : [2, 3, H, W]);
        expectClose(await back.data(), await x.data(), 0, 2e-5, `${mode} L${levels} ${H}×${W}`);
        inn.dispose();
      }
    });
  }

  it('training drives MSE(coarse, target(y)) down on a small set', async () => {
    const e = engine();
    const inn = new Inn(e, { mode: 'decimated', levels: 2, pairs: 2, width: 8, resBlocks: 1 }, 2);
    const x = randUniform(e, [4, 3, 16, 16], { seed: 3 });
    // a stand-in channel output: a smoothed, shifted copy of x
    const y = tidy(() => affine(sub(x, affine(randUniform(e, [4, 3, 16, 16], { seed: 4 }), 0.2, 0)), 0.8, 0.1));
    const target = coarseTarget(inn, y);
    const opt = new Adam(inn.params.list(), { lr: 3e-3 });
    const losses0: number[] = [];
    for (let s = 0; s < 60; s++) {
      const l = tidy(() => {
        opt.zeroGrad();
        const loss = losses.mse(inn.forward(x).coarse, target);
        backward(loss);
        opt.update();
        return loss;
      });
      losses0.push(await l.item());
      l.dispose();
    }
    expect(losses0[59]).toBeLessThan(0.5 * losses0[0]);
  });
});

describe('CommIN sampler', () => {
  it('with ζ = 0 it equals the plain sampler bit for bit (same seed)', async () => {
    const unet = new UNet(engine(), TINY_UNET, 1);
    await randomizeParams(engine(), unet.params.tensors, 7);
    const inn = new Inn(engine(), { mode: 'decimated', levels: 1, pairs: 1, width: 4, resBlocks: 1 }, 1);
    const s = new Schedule({ kind: 'linear', T: 20, betaStart: 1e-4, betaEnd: 0.2 });
    const y = randUniform(engine(), [2, 3, 8, 8], { seed: 9 });
    for (const method of ['ddpm', 'ddim'] as const) {
      const plain = await sample(unet, s, [2, 3, 8, 8], { method, steps: 6, eta: 0.5, seed: 3 });
      const plain01 = noGrad(() => clamp(affine(plain, 0.5, 0.5), 0, 1));
      const ours = await comminSample(unet, inn, s, y, { method, steps: 6, eta: 0.5, seed: 3, zeta: 0 });
      expect(Array.from(await ours.data())).toEqual(Array.from(await plain01.data()));
      const fromY = await sample(unet, s, [2, 3, 8, 8], { method, steps: 4, eta: 0.5, seed: 3, init: { x0: noGrad(() => affine(y, 2, -1)), startT: 12 } });
      const fromY01 = noGrad(() => clamp(affine(fromY, 0.5, 0.5), 0, 1));
      const oursFromY = await comminSample(unet, inn, s, y, { method, steps: 4, eta: 0.5, seed: 3, zeta: 0, startT: 12 });
      expect(Array.from(await oursFromY.data())).toEqual(Array.from(await fromY01.data()));
    }
  });

  it('the guidance gradient ∇_{x_t} Σ‖x_inn − x̂0‖ matches finite differences, through the INN and detached (tiny U-Net and INN)', async () => {
    const e = engine();
    const rng = testRng();
    const unet = new UNet(e, TINY_UNET, 2);
    await randomizeParams(engine(), unet.params.tensors, rng.int(0, 1e6), 0.2);
    const inn = new Inn(e, { mode: 'decimated', levels: 1, pairs: 1, width: 4, resBlocks: 1 }, 3);
    await randomizeParams(engine(), new Map([...inn.params.tensors].filter(([n]) => n.endsWith('out.weight'))), rng.int(0, 1e6), 0.5);
    const s = new Schedule({ kind: 'linear', T: 20, betaStart: 1e-4, betaEnd: 0.2 });
    const t = 12;
    const ab = s.alphaBar(t);
    const target = coarseTarget(inn, randUniform(e, [2, 3, 8, 8], { seed: rng.int(0, 1e6) }));
    const x0Of = (xt: Tensor) => diffusionStep(xt, unet.forward(xt, [t, t]), stepCoefficients.x0(ab));
    const xs = rng.f32(384, -1, 1);
    const at = (k: number, dir: number[]) => tensor(e, xs.map((v, i) => v + k * dir[i]), [2, 3, 8, 8]);
    // the loss whose gradient each form should be: through — x_inn follows x_t; detached — x_inn fixed at x_t's
    const xInnFixed = keep(noGrad(() => tidy(() => {
      const x0img = affine(x0Of(tensor(e, xs, [2, 3, 8, 8])), 0.5, 0.5);
      return inn.inverse({ coarse: target, details: inn.forward(x0img).details });
    })));
    const fixedLoss = (xt: Tensor) => sum(sqrt(sum(square(affine(sub(xInnFixed, affine(x0Of(xt), 0.5, 0.5)), 2, 0)), [1, 2, 3])));
    const grads: Float32Array[] = [];
    for (const innGradient of ['through', 'detached'] as const) {
      const { guidance } = innGuidance(inn, target, { zeta: 1, innGradient });
      const loss = (xt: Tensor) => guidance.loss(x0Of(xt), t);
      const x = requireGrad(tensor(e, xs, [2, 3, 8, 8]));
      tidy(() => backward(loss(x)));
      const g = await x.grad!.data();
      grads.push(g);
      const norm = Math.sqrt(g.reduce((a, b) => a + b * b, 0));
      const dir = Array.from(g, (v) => (1e-2 * v) / norm);
      const f = innGradient === 'through' ? loss : fixedLoss;
      const value = async (k: number) => (await noGrad(() => tidy(() => f(at(k, dir)))).item());
      const numeric = ((await value(1)) - (await value(-1))) / 2e-2;
      expect(Math.abs(numeric - norm), innGradient).toBeLessThan(2e-2 * norm);
    }
    // the forms are different functions: the test above tells them apart
    const diff = Math.sqrt(grads[0].reduce((a, v, i) => a + (v - grads[1][i]) ** 2, 0));
    const size = Math.sqrt(grads[0].reduce((a, v) => a + v * v, 0));
    expect(diff).toBeGreaterThan(0.05 * size);
    xInnFixed.dispose();
    unet.dispose();
    inn.dispose();
  });

  it('a batch of N gives the same images as N runs of batch 1 (guided, ancestral noise)', async () => {
    const e = engine();
    const unet = new UNet(e, TINY_UNET, 1);
    await randomizeParams(engine(), unet.params.tensors, 7, 0.2);
    const inn = new Inn(e, { mode: 'decimated', levels: 1, pairs: 1, width: 4, resBlocks: 1 }, 1);
    await randomizeParams(engine(), new Map([...inn.params.tensors].filter(([n]) => n.endsWith('out.weight'))), 8, 0.1);
    const s = new Schedule({ kind: 'linear', T: 20, betaStart: 1e-4, betaEnd: 0.2 });
    const N = 3, size = 3 * 8 * 8;
    const images = await randUniform(e, [N, 3, 8, 8], { seed: testRng().int(0, 2 ** 31) }).data();
    const opts = { method: 'ddim' as const, steps: 5, eta: 0.5, seed: 3, zeta: 2, startT: 15 };
    const run = async (data: Float32Array, n: number, firstImage: number) => {
      const y = tensor(e, data, [n, 3, 8, 8]);
      const out = await comminSample(unet, inn, s, y, { ...opts, firstImage });
      const d = await out.data();
      out.dispose();
      y.dispose();
      return d;
    };
    const batch = await run(images, N, 0);
    for (let k = 0; k < N; k++) {
      const single = await run(images.slice(k * size, (k + 1) * size), 1, k);
      expectClose(single, batch.slice(k * size, (k + 1) * size), 1e-4, 1e-5, `image ${k} alone`);
    }
    // and the stream really is per image: the same image at another index draws other noise
    const moved = await run(images.slice(0, size), 1, 1);
    expect(Math.max(...moved.map((v, i) => Math.abs(v - batch[i])))).toBeGreaterThan(1e-3);
    unet.dispose();
    inn.dispose();
  });

  it('with ζ > 0 it runs, changes the result, reports per-step timings and keeps memory flat', async () => {
    const unet = new UNet(engine(), TINY_UNET, 1);
    await randomizeParams(engine(), unet.params.tensors, 7);
    const inn = new Inn(engine(), { mode: 'decimated', levels: 1, pairs: 1, width: 4, resBlocks: 1 }, 1);
    const s = new Schedule({ kind: 'linear', T: 20, betaStart: 1e-4, betaEnd: 0.2 });
    const y = randUniform(engine(), [1, 3, 8, 8], { seed: 9 });
    const run = async (zeta: number) => {
      const out = await comminSample(unet, inn, s, y, { method: 'ddim', steps: 4, seed: 3, zeta, startT: 15, profile: true, onStep: ({ ms }) => { expect(ms.unet).toBeGreaterThan(0); } });
      const d = Array.from(await out.data());
      out.dispose();
      return d;
    };
    await run(0.4);
    const before = engine().pool.stats().inUseBytes;
    const guided = await run(0.4);
    expect(engine().pool.stats().inUseBytes).toBe(before);
    expect(guided).not.toEqual(await run(0));
    expect(guided.every(Number.isFinite)).toBe(true);
  });
});
