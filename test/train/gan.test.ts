// The face GAN trainer on a tiny generator and a few images: the discriminator learns to tell fixed
// generator samples from real images, a resumed run equals an uninterrupted one bit for bit, and the file
// loads as a generator (its EMA weights) with a sample grid beside it.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, tensor, tidy } from '../../src/index.js';
import { Adam } from '../../src/kernels/adam.js';
import { batchOf, loadImageSet } from '../../src/data/folder.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { Discriminator } from '../../src/networks/discriminator.js';
import { Generator } from '../../src/networks/generator.js';
import { loadGenerator } from '../../src/networks/load_generator.js';
import { discriminatorStep } from '../../src/train/train_adv_jscc.js';
import { stepLatents, trainGan } from '../../src/train/train_gan.js';
import { sampleGridPath } from '../../src/train/checkpoint.js';
import { createCliEngine } from '../../src/cli/engine.js';
import { useEngine } from '../helpers.js';
import { smallFolder } from '../data_helpers.js';

const engine = useEngine();
const CFG = { latent: 8, channels: [8, 4], groups: 2 };
const D = { channels: [4, 8] };

describe('GAN trainer', () => {
  it('training the discriminator alone (generator fixed) lowers its hinge loss', async () => {
    const e = engine();
    const set = loadImageSet(smallFolder(4, 16), 16, { cacheDir: null });
    const x = tensor(e, batchOf(set, [0, 1, 2, 3]), [4, 3, 16, 16]);
    const g = new Generator(e, CFG, 1);
    const fake = noGrad(() => tidy(() => g.forward(stepLatents(g, 4, 0, 0))));
    const d = new Discriminator(e, D, 2);
    const opt = new Adam(d.params.list(), { lr: 3e-3, beta1: 0.5 });
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const l = discriminatorStep(d, opt, x, fake);
      losses.push(await l.item());
      l.dispose();
    }
    // hinge D loss starts near 2 (logits near 0) and falls as D separates the two sets
    expect(losses[0]).toBeGreaterThan(1.5);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] - 0.3);
    [x, fake].forEach((t) => t.dispose());
    [g, d, opt].forEach((m) => m.dispose());
  }, 120_000);

  it('a resumed run equals an uninterrupted one bit for bit (G, D, both Adam states, u, v, EMA); the file loads as a generator', async () => {
    const data = smallFolder(6, 16);
    const dir = mkdtempSync(join(tmpdir(), 'gan-'));
    const o = {
      engine: createCliEngine, data, config: CFG, discriminator: D, steps: 4, batch: 2, lr: 1e-3, dLr: 1e-3, emaDecay: 0.9,
      seed: 3, every: 1000, maxSeconds: 0, commandLine: 'test', quiet: true,
    };
    await trainGan({ ...o, out: join(dir, 'straight.safetensors'), resume: false });
    await trainGan({ ...o, out: join(dir, 'resumed.safetensors'), steps: 2, resume: false });
    await trainGan({ ...o, out: join(dir, 'resumed.safetensors'), resume: true });
    const a = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'straight.safetensors'))));
    const b = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'resumed.safetensors'))));
    expect(b.metadata.step).toBe('4');
    expect(b.metadata.runs).toBe('2');
    expect(b.metadata.dAdamStep).toBe('4');
    expect(b.metadata.kind).toBe('gan');
    expect([...b.tensors.keys()]).toEqual([...a.tensors.keys()]);
    for (const k of ['discriminator.conv0.sn_u', 'discriminator.optimizer.v.conv2.weight', 'optimizer.m.fc.weight', 'ema.up1.weight']) expect([...a.tensors.keys()]).toContain(k);
    for (const [k, t] of a.tensors) expect(Array.from(b.tensors.get(k)!.data), k).toEqual(Array.from(t.data));
    // the schedule's last step checkpoints, with its sample grid beside the file
    expect(existsSync(sampleGridPath(join(dir, 'straight.safetensors'), 4))).toBe(true);
    const e = engine();
    const { model } = loadGenerator(e, new Uint8Array(readFileSync(join(dir, 'straight.safetensors'))), 'straight');
    expect(model.cfg).toEqual(CFG);
    // the loader takes the EMA weights
    expect(Array.from(await model.params.tensors.get('up1.weight')!.data())).toEqual(Array.from(a.tensors.get('ema.up1.weight')!.data));
    model.dispose();
  }, 300_000);
});
