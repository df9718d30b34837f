// The adversarial DeepJSCC trainer on a tiny model and a few images: the discriminator learns to tell fixed
// reconstructions from originals, the generator's LPIPS falls over a run fine-tuned from an MSE checkpoint,
// a resumed run equals an uninterrupted one, and the output loads as a plain DeepJSCC.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, tensor, tidy } from '../../src/index.js';
import { Adam } from '../../src/kernels/adam.js';
import { batchOf, loadImageSet } from '../../src/data/folder.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { DeepJSCC } from '../../src/networks/deepjscc.js';
import { Discriminator } from '../../src/networks/discriminator.js';
import { loadDeepJscc } from '../../src/networks/load_jscc.js';
import { discriminatorStep, trainAdvJscc } from '../../src/train/train_adv_jscc.js';
import { trainJscc } from '../../src/train/train_jscc.js';
import { createCliEngine } from '../../src/cli/engine.js';
import { useEngine } from '../helpers.js';
import { LPIPS_FILE, smallFolder } from '../data_helpers.js';

const engine = useEngine();
const tmp = () => mkdtempSync(join(tmpdir(), 'adv-'));
const CONFIG = { size: 32, bcr: [1, 12] as [number, number], channels: [4, 4] as [number, number], snrAdaptive: true };
const base = {
  engine: createCliEngine, config: CONFIG, snr: [0, 20] as [number, number], batch: 2, seed: 3, valCount: 4, maxSeconds: 0,
  commandLine: 'test', quiet: true, lpips: LPIPS_FILE, dLr: 1e-3, discriminator: { channels: [4, 8] },
};

describe('adversarial DeepJSCC', () => {
  it('training the discriminator alone lowers its hinge loss on fixed reconstructions', async () => {
    const e = engine();
    const set = loadImageSet(smallFolder(4, 32), 32, { cacheDir: null });
    const x = tensor(e, batchOf(set, [0, 1, 2, 3]), [4, 3, 32, 32]);
    const g = new DeepJSCC(e, CONFIG, 1);
    const y = noGrad(() => tidy(() => g.forward(x, tensor(e, [5, 5, 5, 5], [4]), 1)));
    const d = new Discriminator(e, { channels: [4, 8] }, 2);
    const opt = new Adam(d.params.list(), { lr: 3e-3, beta1: 0.5 });
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const l = discriminatorStep(d, opt, x, y);
      losses.push(await l.item());
      l.dispose();
    }
    // hinge D loss starts near 2 (logits near 0) and falls as D separates the two sets
    expect(losses[0]).toBeGreaterThan(1.5);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] - 0.3);
    [x, y].forEach((t) => t.dispose());
    [g, d, opt].forEach((m) => m.dispose());
  }, 120_000);

  it('fine-tuned from an MSE checkpoint, validation LPIPS falls; the file loads with loadDeepJscc and records the run', async () => {
    const data = smallFolder(6, 32);
    const dir = tmp();
    const init = join(dir, 'mse.safetensors');
    await trainJscc({ ...base, data, out: init, steps: 2, every: 1000, lr: 1e-3, resume: false });
    const out = join(dir, 'adv.safetensors');
    // a config other than the init's is replaced by the init's
    await trainAdvJscc({ ...base, data, out, init, config: { ...CONFIG, size: 16 }, steps: 40, every: 10, lr: 1e-2, weights: { mse: 1, lpips: 1, gan: 0.01 }, resume: false });
    const bytes = new Uint8Array(readFileSync(out));
    const f = parseSafetensors(bytes, out);
    const history = JSON.parse(f.metadata.history) as { step: number; valLpips: Record<string, number>; valPsnr: Record<string, number>; train: { lpips: number; d: number } }[];
    expect(history.map((h) => h.step)).toEqual([10, 20, 30, 40]);
    const meanOf = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0) / Object.values(r).length;
    expect(meanOf(history[3].valLpips)).toBeLessThan(meanOf(history[0].valLpips));
    expect(history[3].train.lpips).toBeLessThan(history[0].train.lpips);
    expect(f.metadata.kind).toBe('deepjscc-adversarial');
    expect(f.metadata.loss).toBe('mse+lpips+gan');
    expect(JSON.parse(f.metadata.lossWeights)).toEqual({ mse: 1, lpips: 1, gan: 0.01 });
    expect(f.metadata.init).toBe(init);
    expect(JSON.parse(f.metadata.config)).toEqual(CONFIG);
    const e = engine();
    const { model } = loadDeepJscc(e, bytes, out);
    expect(model.cfg).toEqual(CONFIG);
    const w = model.params.tensors.get('decoder.0.conv.weight')!;
    expect(Array.from(await w.data())).toEqual(Array.from(f.tensors.get('decoder.0.conv.weight')!.data));
    model.dispose();
  }, 300_000);

  it('a resumed run equals an uninterrupted one bit for bit (generator, discriminator, both Adam states, u, v)', async () => {
    const data = smallFolder(6, 32);
    const dir = tmp();
    const o = { ...base, data, steps: 4, every: 1000, lr: 1e-3, weights: { mse: 1, lpips: 0.1, gan: 0.01 } };
    await trainAdvJscc({ ...o, out: join(dir, 'straight.safetensors'), resume: false });
    await trainAdvJscc({ ...o, out: join(dir, 'resumed.safetensors'), steps: 2, resume: false });
    await trainAdvJscc({ ...o, out: join(dir, 'resumed.safetensors'), resume: true });
    const a = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'straight.safetensors'))));
    const b = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'resumed.safetensors'))));
    expect(b.metadata.step).toBe('4');
    expect(b.metadata.runs).toBe('2');
    expect(b.metadata.dAdamStep).toBe('4');
    expect([...b.tensors.keys()]).toEqual([...a.tensors.keys()]);
    expect([...a.tensors.keys()]).toContain('discriminator.conv0.sn_u');
    expect([...a.tensors.keys()]).toContain('discriminator.optimizer.v.conv2.weight');
    for (const [k, t] of a.tensors) expect(Array.from(b.tensors.get(k)!.data), k).toEqual(Array.from(t.data));
  }, 300_000);
});
