// The face generator: forward (and every intermediate activation) against a float64 reference on fresh
// random weights and inputs, and gradients in z and in an intermediate activation (ILO) against finite
// differences.
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/index.js';
import { Generator, type GeneratorConfig } from '../../src/networks/generator.js';
import { convTranspose2dRef, groupNormRef, type Arr } from '../reference/ops.js';
import { checkGrad, expectClose, randomizeParams, testRng, useEngine } from '../helpers.js';

const engine = useEngine();
const CFG: GeneratorConfig = { latent: 6, channels: [8, 4], groups: 2 };

interface RefWeights { [name: string]: { data: Arr; shape: number[] } }

async function refWeights(g: Generator): Promise<RefWeights> {
  const out: RefWeights = {};
  for (const [n, t] of g.params.tensors) out[n] = { data: Float64Array.from(await t.data()), shape: [...t.shape] };
  return out;
}

const relu = (a: Arr) => a.map((v) => Math.max(0, v));

/** The float64 generator from block `from` (h after `from` blocks, N images) to block `to`. */
function generatorRef(cfg: GeneratorConfig, w: RefWeights, h: Arr, N: number, from: number, to: number): Arr {
  const ch = cfg.channels;
  let x = h;
  for (let k = from; k < to; k++) {
    if (k === 0) {
      const W = w['fc.weight'].data, b = w['fc.bias'].data, out = ch[0] * 16;
      const y = new Float64Array(N * out);
      for (let n = 0; n < N; n++) for (let j = 0; j < out; j++) {
        let s = b[j];
        for (let i = 0; i < cfg.latent; i++) s += x[n * cfg.latent + i] * W[i * out + j];
        y[n * out + j] = s;
      }
      x = relu(groupNormRef(y, [N, ch[0], 4, 4], Math.min(cfg.groups, ch[0]), w['norm0.weight'].data, w['norm0.bias'].data, 1e-5));
      continue;
    }
    const side = 4 * 2 ** (k - 1);
    const cw = w[`up${k - 1}.weight`];
    const r = convTranspose2dRef(x, [N, ch[k - 1], side, side], cw.data, cw.shape, w[`up${k - 1}.bias`].data, { stride: [2, 2], pad: [1, 1, 1, 1], dil: [1, 1], groups: 1, outPad: [0, 0] });
    if (k === ch.length) x = r.out.map((v) => 1 / (1 + Math.exp(-v)));
    else x = relu(groupNormRef(r.out, r.shape, Math.min(cfg.groups, ch[k]), w[`norm${k}.weight`].data, w[`norm${k}.bias`].data, 1e-5));
  }
  return x;
}

describe('Generator', () => {
  it('forward and every intermediate activation match the float64 reference; forwardFrom resumes from any layer', async () => {
    const e = engine();
    const rng = testRng();
    const g = new Generator(e, CFG, rng.int(0, 1000));
    await randomizeParams(e, g.params.tensors, rng.int(0, 1000), 0.4);
    const w = await refWeights(g);
    const N = 3;
    const z = rng.f32(N * CFG.latent, -2, 2);
    const zt = tensor(e, z, [N, CFG.latent]);
    const y = g.forward(zt);
    expect(y.shape).toEqual([N, 3, 16, 16]);
    expect(g.size).toBe(16);
    expectClose(await y.data(), generatorRef(CFG, w, Float64Array.from(z), N, 0, g.blocks), 1e-4, 1e-5, 'images');
    for (let k = 1; k < g.blocks; k++) {
      const h = g.intermediate(zt, k);
      expect(h.shape).toEqual([N, ...g.activationShape(k)]);
      expectClose(await h.data(), generatorRef(CFG, w, Float64Array.from(z), N, 0, k), 1e-4, 1e-5, `layer ${k}`);
      const rest = g.forwardFrom(k, h);
      expectClose(await rest.data(), await y.data(), 1e-5, 1e-6, `from layer ${k}`);
      [h, rest].forEach((t) => t.dispose());
    }
    [zt, y].forEach((t) => t.dispose());
    g.dispose();
  });

  it('gradients in z and in the first intermediate activation match finite differences', async () => {
    const e = engine();
    const rng = testRng();
    const g = new Generator(e, CFG, rng.int(0, 1000));
    await randomizeParams(e, g.params.tensors, rng.int(0, 1000), 0.4);
    for (const p of g.params.list()) p.requiresGrad = false;
    const w = await refWeights(g);
    const N = 2;
    const z = Float64Array.from(rng.f32(N * CFG.latent, -2, 2));
    await checkGrad(e, rng, (zt: Tensor) => g.forward(zt), (zz) => generatorRef(CFG, w, zz, N, 0, g.blocks), [{ data: z, shape: [N, CFG.latent] }], { rtol: 2e-2, atol: 2e-4 });
    // an ILO variable: the 4×4 map after the linear layer (non-negative, as after its ReLU)
    const h = Float64Array.from(rng.f32(N * 8 * 16, 0, 1));
    await checkGrad(e, rng, (ht: Tensor) => g.forwardFrom(1, ht), (hh) => generatorRef(CFG, w, hh, N, 1, g.blocks), [{ data: h, shape: [N, 8, 4, 4] }], { rtol: 2e-2, atol: 2e-4 });
    g.dispose();
  });
});
