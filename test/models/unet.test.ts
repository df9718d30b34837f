import { describe, expect, it } from 'vitest';
import { backward, requireGrad, sum, tensor, tidy, Adam } from '../../src/index.js';
import { UNet, type UNetConfig } from '../../src/networks/unet.js';
import { Schedule, diffusionLoss } from '../../src/algorithms/diffusion.js';
import { sample, samplerTimesteps } from '../../src/algorithms/sampler.js';
import { mulberry32 } from '../../src/util/rng.js';
import { unetRef } from '../reference/unet.js';
import { expectClose, randomizeParams, testRng, useEngine } from '../helpers.js';

const engine = useEngine();
const TINY: UNetConfig = { resolution: 8, inChannels: 3, outChannels: 3, ch: 8, chMult: [1, 2], numResBlocks: 1, attnResolutions: [4], dropout: 0, groups: 4, eps: 1e-6 };

/** Random non-trivial values for every parameter (GroupNorm affine and biases included). */

describe('U-Net', () => {
  it('forward matches an independent float64 forward on a tiny config (attention, down/up, skips)', async () => {
    const rng = testRng();
    const m = new UNet(engine(), TINY, 1);
    await randomizeParams(engine(), m.params.tensors, rng.int(0, 1e6));
    const x = rng.f32(2 * 3 * 8 * 8);
    const t = [3, 917];
    const y = m.forward(tensor(engine(), x, [2, 3, 8, 8]), t);
    expect(y.shape).toEqual([2, 3, 8, 8]);
    const ref = unetRef(await m.params.toHost(), TINY, x, [2, 3, 8, 8], t);
    expectClose(await y.data(), ref, 1e-3, 1e-4, 'unet');
    m.dispose();
  });
  it('gradient with respect to the input: directional derivative matches central differences', async () => {
    const rng = testRng();
    const m = new UNet(engine(), TINY, 2);
    await randomizeParams(engine(), m.params.tensors, rng.int(0, 1e6));
    const x0 = rng.f32(3 * 64);
    const x = requireGrad(tensor(engine(), x0, [1, 3, 8, 8]));
    tidy(() => backward(sum(m.forward(x, [100]))));
    const g = await x.grad!.data();
    const dir = Array.from(g, (v) => v / Math.sqrt(g.reduce((a, b) => a + b * b, 0)));
    const eps = 1e-2;
    const val = async (s: number) => (await tidy(() => sum(m.forward(tensor(engine(), x0.map((v, i) => v + s * eps * dir[i]), [1, 3, 8, 8]), [100]))).item());
    const numeric = ((await val(1)) - (await val(-1))) / (2 * eps);
    const norm = Math.sqrt(g.reduce((a, b) => a + b * b, 0));
    expect(Math.abs(numeric - norm)).toBeLessThan(1e-2 * norm);
  });
  it('the training loss decreases on a small set', async () => {
    const m = new UNet(engine(), { ...TINY, resolution: 16 }, 3);
    const s = new Schedule({ kind: 'linear', T: 100, betaStart: 1e-4, betaEnd: 0.05 });
    const opt = new Adam(m.params.list(), { lr: 2e-3 });
    const x = tensor(engine(), Float32Array.from({ length: 4 * 3 * 256 }, (_, i) => 0.5 + 0.4 * Math.sin(i / 13)), [4, 3, 16, 16]);
    const rand = mulberry32(7);
    const losses: number[] = [];
    for (let step = 0; step < 120; step++) {
      const l = tidy(() => {
        opt.zeroGrad();
        const loss = diffusionLoss(m, x, s, 11, step, rand);
        backward(loss);
        opt.update();
        return loss;
      });
      losses.push(await l.item());
      l.dispose();
    }
    const first = losses.slice(0, 20).reduce((a, b) => a + b) / 20;
    const last = losses.slice(-20).reduce((a, b) => a + b) / 20;
    expect(last).toBeLessThan(0.6 * first);
  });
  it('DDPM and DDIM samplers: shapes, determinism for a seed, DDIM η=0 deterministic, η=1 adds noise', async () => {
    const m = new UNet(engine(), TINY, 4);
    await randomizeParams(engine(), m.params.tensors, 5);
    const s = new Schedule({ kind: 'linear', T: 20, betaStart: 1e-4, betaEnd: 0.2 });
    const run = async (o: Parameters<typeof sample>[3]) => {
      const y = await sample(m, s, [2, 3, 8, 8], o);
      const d = Array.from(await y.data());
      y.dispose();
      return d;
    };
    const a = await run({ method: 'ddpm', seed: 1 });
    expect(a.length).toBe(2 * 3 * 64);
    expect(await run({ method: 'ddpm', seed: 1 })).toEqual(a);
    expect(await run({ method: 'ddpm', seed: 2 })).not.toEqual(a);
    let calls = 0;
    const d1 = await run({ method: 'ddim', steps: 5, eta: 0, seed: 1, onStep: () => { calls++; } });
    expect(calls).toBe(5);
    expect(samplerTimesteps(s, { method: 'ddim', steps: 5 })).toEqual([19, 14, 10, 5, 0]);
    // η = 0: the only randomness is the starting noise
    expect(await run({ method: 'ddim', steps: 5, eta: 0, seed: 1 })).toEqual(d1);
    const withEta = await run({ method: 'ddim', steps: 5, eta: 1, seed: 1 });
    expect(withEta).not.toEqual(d1);
    m.dispose();
  });
});
