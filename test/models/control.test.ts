// The control branch (src/networks/control.ts) against its PyTorch reference (tools/torch_ref/control.py,
// fixture from control_golden.py), and the ControlNet property the training starts from: with its
// zero-initialised convs the controlled U-Net is the frozen prior.
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../fixture_bytes.js';
import { tensor, tidy } from '../../src/index.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { UNet } from '../../src/networks/unet.js';
import { ControlNet, skipChannels, type ControlConfig } from '../../src/networks/control.js';
import { controlledUNet } from '../../src/algorithms/diffjscc.js';
import { expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();
const FIXTURE = new URL('../fixtures/control_golden.safetensors', import.meta.url);
const FIXTURE_BYTES = await fixtureBytes(FIXTURE);
const TINY: ControlConfig = {
  unet: { resolution: 8, inChannels: 3, outChannels: 3, ch: 8, chMult: [1, 2], numResBlocks: 1, attnResolutions: [4], dropout: 0, groups: 4, eps: 1e-6 },
  stemChannels: 8, snrScale: 50,
};

describe.skipIf(!FIXTURE_BYTES)('the control branch equals the PyTorch reference (golden fixture)', () => {
  it('same weights and inputs → the same controlled ε̂ (and the same plain prior ε̂)', async () => {
    const f = parseSafetensors(FIXTURE_BYTES!, 'control_golden');
    const cfg = JSON.parse(f.metadata.config) as ControlConfig;
    const prior = new UNet(engine(), cfg.unet);
    prior.params.loadHost(f.tensors, 'control_golden', 'prior.');
    const control = new ControlNet(engine(), cfg);
    control.loadHost(f.tensors, 'control_golden', 'control.');
    // every tensor of the reference's branch has a place in the engine's (none left over)
    const refNames = [...f.tensors.keys()].filter((k) => k.startsWith('control.')).length;
    expect(control.list().length).toBe(refNames);
    const h = (n: string) => f.tensors.get(n)!;
    const t = Array.from(h('t').data);
    const snr = Array.from(h('snr').data);
    const [eps, plain] = tidy(() => {
      const x = tensor(engine(), h('x').data, h('x').shape);
      const y = tensor(engine(), h('y').data, h('y').shape);
      return [controlledUNet(prior, control, y, snr).forward(x, t), prior.forward(x, t)];
    });
    expectClose(await eps.data(), h('eps').data, 1e-3, 1e-4, 'controlled ε̂');
    expectClose(await plain.data(), h('eps_prior').data, 1e-3, 1e-4, 'prior ε̂');
    eps.dispose();
    plain.dispose();
    prior.dispose();
    control.dispose();
  });
});

describe('the control branch at initialisation', () => {
  it('zero convs → the controlled U-Net equals the frozen prior, bit for bit', async () => {
    const rng = testRng();
    const prior = new UNet(engine(), TINY.unet, 3);
    const control = new ControlNet(engine(), TINY, 7);
    const N = 2, n = N * 3 * 8 * 8;
    const x = tensor(engine(), Float32Array.from(rng.array(n, -2, 2)), [N, 3, 8, 8]);
    const y = tensor(engine(), Float32Array.from(rng.array(n)), [N, 3, 8, 8]);
    const [a, b] = tidy(() => [controlledUNet(prior, control, y, [1, 12]).forward(x, [10, 700]), prior.forward(x, [10, 700])]);
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    // the residuals are there and zero: one per skip connection, plus the middle's
    const r = control.residuals(x, [10, 700], y, [1, 12]);
    expect(r.skips.map((s) => s.shape[1])).toEqual(skipChannels(TINY.unet));
    expect(Math.max(...(await r.middle.data()).map(Math.abs))).toBe(0);
    for (const s of r.skips) s.dispose();
    r.middle.dispose();
    for (const t of [a, b, x, y]) t.dispose();
    prior.dispose();
    control.dispose();
  });

  it('refuses y or SNRs that do not match the batch', () => {
    const prior = new UNet(engine(), TINY.unet);
    const control = new ControlNet(engine(), TINY);
    const x = tensor(engine(), new Float32Array(2 * 3 * 64), [2, 3, 8, 8]);
    expect(() => tidy(() => controlledUNet(prior, control, x, [1]).forward(x, [1, 2]))).toThrow(/1 SNRs for x \[2, 3, 8, 8\]/);
    x.dispose();
    prior.dispose();
    control.dispose();
  });
});
