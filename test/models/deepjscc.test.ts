import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, backward, losses, tensor, tidy } from '../../src/index.js';
import { DeepJSCC, latentChannels } from '../../src/models/deepjscc.js';
import { batchOf, loadImageSet } from '../../src/data/folder.js';
import { psnr } from '../../src/metrics/psnr.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { trainJscc } from '../../src/train/train_jscc.js';
import { createCliEngine } from '../../src/cli/engine.js';
import { useEngine } from '../helpers.js';
import { smallFolder } from '../data_helpers.js';

const engine = useEngine();
describe('DeepJSCC', () => {
  it('latent channels follow the BCR (1/96 … 1/12 at 64×64)', () => {
    expect([96, 48, 24, 12].map((d) => latentChannels({ size: 64, bcr: [1, d] }))).toEqual([1, 2, 4, 8]);
    expect(() => latentChannels({ size: 64, bcr: [1, 100] })).toThrow(/whole number of latent channels/);
  });

  it('overfits 8 images well above the constant (mean-image) baseline', async () => {
    const e = engine();
    const set = loadImageSet(smallFolder(8, 32), 32, { cacheDir: null });
    const x = tensor(e, batchOf(set, [0, 1, 2, 3, 4, 5, 6, 7]), [8, 3, 32, 32]);
    const xs = await x.data();
    // baseline: every image replaced by the mean image (what a model that ignores its input can do)
    const meanImg = new Float32Array(3 * 32 * 32);
    for (let n = 0; n < 8; n++) for (let i = 0; i < meanImg.length; i++) meanImg[i] += xs[n * meanImg.length + i] / 8;
    const base = tensor(e, Float32Array.from({ length: xs.length }, (_, i) => meanImg[i % meanImg.length]), [8, 3, 32, 32]);
    const baseline = (await psnr(x, base)).reduce((a, b) => a + b) / 8;
    const model = new DeepJSCC(e, { size: 32, bcr: [1, 12], channels: [16, 32], snrAdaptive: true }, 3);
    const opt = new Adam(model.params.list(), { lr: 3e-3 });
    const snr = tensor(e, new Array(8).fill(20), [8]);
    for (let step = 0; step < 250; step++) {
      tidy(() => {
        opt.zeroGrad();
        backward(losses.mse(model.forward(x, snr, 1, step), x));
        opt.update();
      });
      await e.throttle();
    }
    const y = tidy(() => model.forward(x, snr, 1, 999));
    const got = (await psnr(x, y)).reduce((a, b) => a + b) / 8;
    expect(got).toBeGreaterThan(baseline + 4);
    model.dispose();
  }, 300_000); // 250 training steps: minutes on a slow CPU adapter

  it('checkpoint: a resumed run equals an uninterrupted one bit for bit', async () => {
    const data = smallFolder(6, 16);
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const base = {
      engine: createCliEngine,
      data, config: { size: 16, bcr: [1, 12] as [number, number], channels: [8, 8] as [number, number], snrAdaptive: true },
      snr: [0, 20] as [number, number], batch: 2, lr: 1e-3, seed: 5, every: 1000, valCount: 2, maxSeconds: 0, commandLine: 'test', quiet: true,
    };
    await trainJscc({ ...base, out: join(dir, 'straight.safetensors'), steps: 6, resume: false });
    await trainJscc({ ...base, out: join(dir, 'resumed.safetensors'), steps: 3, resume: false });
    await trainJscc({ ...base, out: join(dir, 'resumed.safetensors'), steps: 6, resume: true });
    const a = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'straight.safetensors'))));
    const b = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'resumed.safetensors'))));
    expect(b.metadata.step).toBe('6');
    expect(b.metadata.runs).toBe('2');
    expect([...b.tensors.keys()]).toEqual([...a.tensors.keys()]);
    for (const [k, t] of a.tensors) expect(Array.from(b.tensors.get(k)!.data), k).toEqual(Array.from(t.data));
  });
});
