// The engine's face GAN equals the PyTorch reference (tools/torch_ref/gan.py) on the same weights: the
// generator's images, the spectral-norm discriminator's logits, and both after one power iteration
// (fixture from tools/torch_ref/gan_golden.py).
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../fixture_bytes.js';
import { tensor, tidy } from '../../src/index.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { Generator, type GeneratorConfig } from '../../src/networks/generator.js';
import { Discriminator, type DiscriminatorConfig } from '../../src/networks/discriminator.js';
import { expectClose, useEngine } from '../helpers.js';

const engine = useEngine();
const FIXTURE = new URL('../fixtures/gan_golden.safetensors', import.meta.url);
const FIXTURE_BYTES = await fixtureBytes(FIXTURE);

describe.skipIf(!FIXTURE_BYTES)('the engine GAN equals the PyTorch reference (golden fixture)', () => {
  const f = FIXTURE_BYTES ? parseSafetensors(FIXTURE_BYTES, 'gan_golden') : null;
  const h = (n: string) => {
    const t = f!.tensors.get(n);
    if (!t) throw new Error(`fixture lacks '${n}'`);
    return t;
  };

  it('generator: same weights and z → the same images', async () => {
    const gen = new Generator(engine(), JSON.parse(f!.metadata.generator) as GeneratorConfig);
    gen.params.loadHost(f!.tensors, 'gan_golden', 'g.');
    const z = h('z');
    const img = tidy(() => gen.forward(tensor(engine(), z.data, z.shape)));
    expect(img.shape).toEqual(h('images').shape);
    expectClose(await img.data(), h('images').data, 1e-4, 1e-6, 'generator images');
    img.dispose();
    gen.dispose();
  });

  it('discriminator: same weights and u, v → the same logits, and after one power iteration', async () => {
    const disc = new Discriminator(engine(), JSON.parse(f!.metadata.discriminator) as DiscriminatorConfig);
    disc.params.loadHost(f!.tensors, 'gan_golden', 'd.');
    disc.loadVectors(f!.tensors, 'gan_golden', 'd.');
    const x = h('images');
    const logits = async () => {
      const y = tidy(() => disc.forward(tensor(engine(), x.data, x.shape)));
      const d = await y.data();
      y.dispose();
      return d;
    };
    expectClose(await logits(), h('logits').data, 1e-4, 1e-6, 'logits');
    disc.powerIterate();
    const after = await disc.vectorsToHost();
    for (const [name, t] of after) expectClose(t.data, h(`after.${name}`).data, 1e-4, 1e-6, name);
    expectClose(await logits(), h('logitsAfterPowerStep').data, 1e-4, 1e-6, 'logits after a power iteration');
    disc.dispose();
  });
});
