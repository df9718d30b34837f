// DPS through the channel: the guidance gradient reaches x_t through the DeepJSCC encoder, the power
// normalisation and the U-Net; ζ = 0 is the plain sampler; no image's result depends on the others'.
import { describe, expect, it } from 'vitest';
import { affine, awgnChannel, backward, clamp, keep, noGrad, randUniform, requireGrad, tensor, tidy } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { UNet, type UNetConfig } from '../../src/networks/unet.js';
import { DeepJSCC, type DeepJsccConfig } from '../../src/networks/deepjscc.js';
import { Schedule } from '../../src/algorithms/diffusion.js';
import { sample } from '../../src/algorithms/sampler.js';
import { channelDistance, channelGuidance, dpsSample } from '../../src/algorithms/dps.js';
import { diffusionStep, stepCoefficients } from '../../src/kernels/diffusion_step.js';
import { expectClose, randomizeParams, testRng, useEngine } from '../helpers.js';

const engine = useEngine();
const TINY_UNET: UNetConfig = { resolution: 8, inChannels: 3, outChannels: 3, ch: 8, chMult: [1, 2], numResBlocks: 1, attnResolutions: [4], dropout: 0, groups: 4, eps: 1e-6 };
const TINY_JSCC: DeepJsccConfig = { size: 8, bcr: [1, 12], channels: [4, 8], snrAdaptive: true };
const schedule = () => new Schedule({ kind: 'linear', T: 20, betaStart: 1e-4, betaEnd: 0.2 });

/** The noisy symbols of x at `snr` dB (channel keyed by seed 5 and image index). */
function receivedOf(jscc: DeepJSCC, x: Tensor, snr: number, firstImage = 0): Tensor {
  return noGrad(() => tidy(() => {
    const s = tensor(jscc.engine, new Array(x.shape[0]).fill(snr), [x.shape[0]]);
    return jscc.transmit(jscc.encode(x, s), s, 5, 0, firstImage);
  }));
}

describe('DPS sampler', () => {
  it('the guidance gradient ∇_{x_t} Σ‖received − P(E(x̂0))‖ matches finite differences (tiny U-Net and DeepJSCC), DeepJSCC frozen', async () => {
    const e = engine();
    const rng = testRng();
    const unet = new UNet(e, TINY_UNET, 2);
    await randomizeParams(e, unet.params.tensors, rng.int(0, 1e6), 0.2);
    const jscc = new DeepJSCC(e, TINY_JSCC, rng.int(0, 1e6));
    // trained-scale weights (the default init's symbols hardly move with the image), PReLU slopes near 1:
    // a kink crossed between the finite-difference points would spoil the difference, not the gradient
    await randomizeParams(e, [...jscc.params.tensors].filter(([n]) => !n.endsWith('.prelu')), rng.int(0, 1e6), 0.3);
    for (const [n, p] of jscc.params.tensors) if (n.endsWith('.prelu')) e.write(p.buffer, new Float32Array(p.size).fill(0.8));
    const s = schedule();
    const t = 12;
    const ab = s.alphaBar(t);
    const received = receivedOf(jscc, randUniform(e, [2, 3, 8, 8], { seed: rng.int(0, 1e6) }), 4);
    const snr = tensor(e, [4, 4], [2]);
    const x0Of = (xt: Tensor) => diffusionStep(xt, unet.forward(xt, [t, t]), stepCoefficients.x0(ab));
    const xs = rng.f32(384, -1, 1);
    for (const distance of ['l2', 'l2sq'] as const) {
      const guidance = channelGuidance(jscc, received, snr, { zeta: 1, distance });
      expect(guidance.frozen).toEqual(jscc.params.list());
      const loss = (xt: Tensor) => guidance.loss(x0Of(xt), t);
      const x = requireGrad(tensor(e, xs, [2, 3, 8, 8]));
      tidy(() => backward(loss(x)));
      const g = await x.grad!.data();
      x.dispose();
      const norm = Math.sqrt(g.reduce((a, b) => a + b * b, 0));
      expect(norm).toBeGreaterThan(0);
      // a step of 5e-4 along the gradient: at 5e-3 the PReLU kinks crossed between the two points cost up to 1.2 %
      // (seed 912427105: 4.661 against 4.715; 4.704 at 5e-4, 4.716 at 2e-4), while f32 rounding stays near 0.1 %
      const dir = Array.from(g, (v) => (5e-4 * v) / norm);
      const value = async (k: number) => (await noGrad(() => tidy(() => loss(tensor(e, xs.map((v, i) => v + k * dir[i]), [2, 3, 8, 8])))).item());
      const numeric = ((await value(1)) - (await value(-1))) / 1e-3;
      expect(Math.abs(numeric - norm), distance).toBeLessThan(5e-3 * norm);
    }
    unet.dispose();
    jscc.dispose();
  });

  it('the distance is per image ‖received − P(E(x))‖: at the sent image, the noise norm', async () => {
    const e = engine();
    const jscc = new DeepJSCC(e, TINY_JSCC, 4);
    const x = randUniform(e, [2, 3, 8, 8], { seed: 8 });
    const snr = tensor(e, [10, 10], [2]);
    const received = receivedOf(jscc, x, 10);
    const d = await noGrad(() => tidy(() => channelDistance(jscc, received, x, snr))).data();
    // the noise the channel added, w = received − (received without noise)
    const clean = noGrad(() => tidy(() => {
      const z = jscc.encode(x, snr);
      return awgnChannel(z.reshape([2, z.size / 2]), { snrDb: snr, seed: 5, noise: false }).reshape(z.shape);
    }));
    const r = await received.data(), c = await clean.data();
    const per = r.length / 2;
    for (let n = 0; n < 2; n++) {
      let w2 = 0;
      for (let i = n * per; i < (n + 1) * per; i++) w2 += (r[i] - c[i]) ** 2;
      expect(d[n]).toBeCloseTo(Math.sqrt(w2), 4);
      // k = 16 complex symbols at 10 dB: E‖w‖² = 16·0.1
      expect(w2).toBeGreaterThan(0.2), expect(w2).toBeLessThan(6);
    }
    expect(await noGrad(() => tidy(() => channelDistance(jscc, clean, x, snr, true))).data()).toEqual(new Float32Array([0, 0]));
    for (const t of [x, snr, received, clean]) t.dispose();
    jscc.dispose();
  });

  it('with ζ = 0 it equals the plain sampler bit for bit (same seed, from noise and from y)', async () => {
    const e = engine();
    const unet = new UNet(e, TINY_UNET, 1);
    await randomizeParams(e, unet.params.tensors, 7);
    const jscc = new DeepJSCC(e, TINY_JSCC, 1);
    const s = schedule();
    const y = randUniform(e, [2, 3, 8, 8], { seed: 9 });
    const received = receivedOf(jscc, y, 1);
    for (const method of ['ddpm', 'ddim'] as const) {
      const plain = await sample(unet, s, [2, 3, 8, 8], { method, steps: 6, eta: 0.5, seed: 3 });
      const plain01 = noGrad(() => clamp(affine(plain, 0.5, 0.5), 0, 1));
      const ours = await dpsSample(unet, jscc, s, received, y, 1, { method, steps: 6, eta: 0.5, seed: 3, zeta: 0 });
      expect(Array.from(await ours.data())).toEqual(Array.from(await plain01.data()));
      const fromY = await sample(unet, s, [2, 3, 8, 8], { method, steps: 4, eta: 0.5, seed: 3, init: { x0: noGrad(() => affine(y, 2, -1)), startT: 12 } });
      const fromY01 = noGrad(() => clamp(affine(fromY, 0.5, 0.5), 0, 1));
      const oursFromY = await dpsSample(unet, jscc, s, received, y, 1, { method, steps: 4, eta: 0.5, seed: 3, zeta: 0, startT: 12 });
      expect(Array.from(await oursFromY.data())).toEqual(Array.from(await fromY01.data()));
      for (const t of [plain, plain01, ours, fromY, fromY01, oursFromY]) t.dispose();
    }
    unet.dispose();
    jscc.dispose();
  });

  it('a batch of N gives the same images as N runs of batch 1 (guided, ancestral noise)', async () => {
    const e = engine();
    const unet = new UNet(e, TINY_UNET, 1);
    await randomizeParams(e, unet.params.tensors, 7, 0.2);
    const jscc = new DeepJSCC(e, TINY_JSCC, 2);
    const s = schedule();
    const N = 3, size = 3 * 8 * 8;
    const images = await randUniform(e, [N, 3, 8, 8], { seed: testRng().int(0, 2 ** 31) }).data();
    const opts = { method: 'ddim' as const, steps: 5, eta: 0.5, seed: 3, zeta: 0.5, startT: 15 };
    const run = async (data: Float32Array, n: number, firstImage: number) => {
      const y = tensor(e, data, [n, 3, 8, 8]);
      const received = receivedOf(jscc, y, 1, firstImage);
      const out = await dpsSample(unet, jscc, s, received, y, 1, { ...opts, firstImage });
      const d = await out.data();
      for (const t of [out, y, received]) t.dispose();
      return d;
    };
    const batch = await run(images, N, 0);
    for (let k = 0; k < N; k++) {
      const single = await run(images.slice(k * size, (k + 1) * size), 1, k);
      expectClose(single, batch.slice(k * size, (k + 1) * size), 1e-4, 1e-5, `image ${k} alone`);
    }
    unet.dispose();
    jscc.dispose();
  });

  it('with ζ > 0 it changes the result, reports per-image channel distances per step and keeps memory flat', async () => {
    const e = engine();
    const unet = new UNet(e, TINY_UNET, 1);
    await randomizeParams(e, unet.params.tensors, 7);
    const jscc = new DeepJSCC(e, TINY_JSCC, 3);
    const s = schedule();
    const y = randUniform(e, [2, 3, 8, 8], { seed: 9 });
    const received = keep(receivedOf(jscc, y, 1));
    const run = async (zeta: number) => {
      const seen: number[][] = [];
      const out = await dpsSample(unet, jscc, s, received, y, 1, {
        method: 'ddim', steps: 4, seed: 3, zeta, startT: 15, diagnostics: true,
        onStep: ({ dps }) => { seen.push(dps!.channelDistance); },
      });
      const d = Array.from(await out.data());
      out.dispose();
      return { d, seen };
    };
    await run(0.4);
    const before = e.pool.stats().inUseBytes;
    const guided = await run(0.4);
    expect(e.pool.stats().inUseBytes).toBe(before);
    expect(guided.seen.length).toBe(4);
    for (const step of guided.seen) expect(step.length).toBe(2), expect(step.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(guided.d).not.toEqual((await run(0)).d);
    expect(guided.d.every(Number.isFinite)).toBe(true);
    // DeepJSCC held fixed while guiding: no weight gradients, and trainable again after
    for (const p of jscc.params.list()) expect([p.grad, p.requiresGrad]).toEqual([null, true]);
    unet.dispose();
    jscc.dispose();
  });
});
