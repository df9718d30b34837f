import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, tidy } from '../../src/index.js';
import { backward, noGrad } from '../../src/engine/autograd.js';
import { concat, slice } from '../../src/kernels/copy.js';
import { mul } from '../../src/kernels/elementwise.js';
import { sum } from '../../src/kernels/reduce.js';
import { DeepJSCC, latentLayout, type DeepJsccConfig } from '../../src/networks/deepjscc.js';
import { sendSpec } from '../../src/channel/index.js';
import { adaptLatent, initFromOtherRate } from '../../src/train/jscc_init.js';
import { trainJscc } from '../../src/train/train_jscc.js';
import { trainInn } from '../../src/train/train_inn.js';
import { DEFAULT_JSCC_MODEL } from '../../src/cli/defaults.js';
import { createCliEngine } from '../../src/cli/engine.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { expectClose, testRng, useEngine } from '../helpers.js';
import { smallFolder } from '../data_helpers.js';

const engine = useEngine();
const cfg = (bcr: [number, number]): DeepJsccConfig => ({ size: 16, bcr, channels: [4, 6], snrAdaptive: true });

/** A random DeepJSCC (seeded init) saved as a checkpoint with its config. */
async function savedModel(dir: string, bcr: [number, number], seed: number): Promise<{ model: DeepJSCC; path: string }> {
  const model = new DeepJSCC(engine(), cfg(bcr), seed);
  const path = join(dir, `bcr${bcr[1]}.safetensors`);
  writeFileSync(path, await model.params.save({ config: JSON.stringify(model.cfg) }));
  return { model, path };
}

describe('other bandwidth ratios: the latent layout, and warm starts of DeepJSCC and the INN', () => {
  it('latent layout: whole channels, or every r-th row of one channel (BCR 1/192 at 64×64 sends 64 symbols)', () => {
    expect(latentLayout({ size: 64, bcr: [1, 48] })).toEqual({ channels: 2, keepEvery: 1 });
    expect(latentLayout({ size: 64, bcr: [1, 192] })).toEqual({ channels: 1, keepEvery: 2 });
    expect(latentLayout({ size: 64, bcr: [1, 384] })).toEqual({ channels: 1, keepEvery: 4 });
    expect(() => latentLayout({ size: 64, bcr: [1, 144] })).toThrow(/whole fraction/);
    const m = new DeepJSCC(engine(), { size: 64, bcr: [1, 192], channels: [4, 4], snrAdaptive: false });
    expect(m.symbols).toBe((64 * 64 * 3) / 192);
    m.dispose();
  });

  it('a partly sent latent: the kept rows are exactly the channel over them alone (noisy and noiseless), the others zero with zero gradient', async () => {
    const rng = testRng();
    const e = engine();
    const model = new DeepJSCC(e, { size: 16, bcr: [1, 192], channels: [4, 4], snrAdaptive: false }, 1); // 8 reals of a 4×4 map: every 2nd row
    expect(model.keepEvery).toBe(2);
    expect(model.symbols).toBe((16 * 16 * 3) / 192); // 4 complex symbols = the 8 reals of rows 0 and 2
    const z = tensor(e, Array.from({ length: 2 * 16 }, () => rng.uniform(-1, 1)), [2, 1, 4, 4]);
    z.requiresGrad = true;
    const s = tensor(e, [2, 9], [2]);
    const w = tensor(e, Array.from({ length: 2 * 16 }, () => rng.uniform(-1, 1)), [2, 1, 4, 4]);
    const [y, direct, quiet, quietDirect] = tidy(() => {
      const y = model.transmit(z, s, 7, 3, 0);
      backward(sum(mul(y, w)));
      const rows = concat([0, 2].map((r) => slice(z, 2, r, 1)), 2);
      const draw = { snrDb: s, seed: 7, offset: 3, firstImage: 0 };
      // noiseless (DPS's and the inversion's transmitter): the same rows, the same normalisation
      return [y, sendSpec(rows, { kind: 'awgn' }, draw).y, model.noiseless(z, s), sendSpec(rows, { kind: 'awgn', options: { noise: false } }, draw).y];
    });
    const yv = await y.data();
    const dv = await direct.data();
    const qv = await quiet.data();
    const qd = await quietDirect.data();
    const g = await z.grad!.data();
    for (let n = 0; n < 2; n++) {
      for (let r = 0; r < 4; r++) {
        for (let c = 0; c < 4; c++) {
          const i = n * 16 + r * 4 + c;
          if (r % 2) {
            expect([yv[i], g[i], qv[i]]).toEqual([0, 0, 0]);
          } else {
            expect(yv[i]).toBe(dv[n * 8 + (r / 2) * 4 + c]);
            expect(qv[i]).toBe(qd[n * 8 + (r / 2) * 4 + c]);
            expect(g[i]).not.toBe(0);
          }
        }
      }
    }
    model.dispose();
  });

  it('a wider latent initialised by repetition computes exactly what the narrower model did', async () => {
    const rng = testRng();
    const e = engine();
    const dir = mkdtempSync(join(tmpdir(), 'init-'));
    const { model: old, path } = await savedModel(dir, [1, 24], 3); // 4 latent channels
    for (const wide of [[1, 8], [1, 12], [1, 16]] as [number, number][]) { // 12 (each channel thrice), 8 (twice), 6 (two of them twice)
      const model = new DeepJSCC(e, cfg(wide), 9);
      initFromOtherRate(model, path);
      const pick = Array.from({ length: model.latent }, (_, j) => j % old.latent);
      const x = tensor(e, Array.from({ length: 2 * 3 * 256 }, () => rng.uniform()), [2, 3, 16, 16]);
      const s = tensor(e, [2, 11], [2]);
      const z = tensor(e, Array.from({ length: 2 * old.latent * 16 }, () => rng.uniform(-1, 1)), [2, old.latent, 4, 4]);
      const [zOld, zNew, xOld, xNew] = noGrad(() => tidy(() => {
        const repeat = (t: typeof z) => concat(pick.map((c) => slice(t, 1, c, 1)), 1);
        const zo = old.encode(x, s);
        return [repeat(zo), model.encode(x, s), old.decode(z, s), model.decode(repeat(z), s)];
      }));
      expectClose(await zNew.data(), await zOld.data(), 1e-4, 1e-5, `encoder, ${model.latent} channels`);
      expectClose(await xNew.data(), await xOld.data(), 1e-4, 1e-5, `decoder, ${model.latent} channels`);
      model.dispose();
    }
    old.dispose();
  });

  it('a narrower latent keeps the first channels; every other tensor is copied', async () => {
    const rng = testRng();
    const t = (shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.uniform(-1, 1)) });
    const src = new Map([
      ['encoder.4.conv.weight', t([4, 6, 5, 5])], ['encoder.4.af.fc1.weight', t([5, 4])], ['decoder.0.conv.weight', t([4, 6, 5, 5])], ['encoder.3.conv.weight', t([6, 6, 5, 5])],
    ]);
    const out = adaptLatent(src, 4, 1);
    expect(out.get('encoder.4.conv.weight')!.data).toEqual(src.get('encoder.4.conv.weight')!.data.slice(0, 150));
    expect(out.get('decoder.0.conv.weight')!.data).toEqual(src.get('decoder.0.conv.weight')!.data.slice(0, 150));
    const fc1 = src.get('encoder.4.af.fc1.weight')!.data;
    expect(Array.from(out.get('encoder.4.af.fc1.weight')!.data)).toEqual([fc1[0], fc1[16]]); // channel 0's row and the SNR row, column 0
    expect(out.get('encoder.3.conv.weight')).toBe(src.get('encoder.3.conv.weight'));
  });

  it('wider hidden channels: the widened model computes exactly what the narrower one did, and its new channels have weights to learn', async () => {
    const rng = testRng();
    const e = engine();
    const dir = mkdtempSync(join(tmpdir(), 'widen-'));
    const { model: old, path } = await savedModel(dir, [1, 24], 3);
    const model = new DeepJSCC(e, { ...cfg([1, 24]), channels: [7, 10] }, 9);
    initFromOtherRate(model, path);
    const x = tensor(e, Array.from({ length: 2 * 3 * 256 }, () => rng.uniform()), [2, 3, 16, 16]);
    const s = tensor(e, [2, 11], [2]);
    const z = tensor(e, Array.from({ length: 2 * old.latent * 16 }, () => rng.uniform(-1, 1)), [2, old.latent, 4, 4]);
    const [zOld, zNew, xOld, xNew] = noGrad(() => tidy(() => [old.encode(x, s), model.encode(x, s), old.decode(z, s), model.decode(z, s)]));
    expectClose(await zNew.data(), await zOld.data(), 1e-4, 1e-5, 'encoder');
    expectClose(await xNew.data(), await xOld.data(), 1e-4, 1e-5, 'decoder');
    // the new channels of the first layer compute something: their incoming weights are not zero
    const w0 = await model.params.tensors.get('encoder.0.conv.weight')!.data(); // [7, 3, 5, 5]
    expect(w0.slice(4 * 75).some((v) => v !== 0)).toBe(true);
    // and nothing flows from them into the old channels of the next layer
    const w1 = await model.params.tensors.get('encoder.1.conv.weight')!.data(); // [10, 7, 5, 5]
    for (let o = 0; o < 6; o++) for (let i = 4; i < 7; i++) for (let k = 0; k < 25; k++) expect(w1[(o * 7 + i) * 25 + k]).toBe(0);
    model.dispose();
    old.dispose();
  });

  it('train jscc --init starts from the other rate, records it, and refuses narrower hidden channels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'init-'));
    const { model: old, path } = await savedModel(dir, [1, 24], 3);
    old.dispose();
    const base = {
      engine: createCliEngine, data: smallFolder(4, 16), snr: [0, 20] as [number, number], batch: 2, lr: 1e-3, seed: 1, every: 1000, valCount: 2,
      maxSeconds: 0, commandLine: 'test', quiet: true, steps: 1, resume: false, init: path,
    };
    const out = join(dir, 'wide.safetensors');
    await trainJscc({ ...base, out, config: cfg([1, 12]), lr: 1e-9 }); // one step of ~1e-11: the loaded weights
    const f = parseSafetensors(new Uint8Array(readFileSync(out)));
    expect(f.metadata.init).toBe(path);
    const from = parseSafetensors(new Uint8Array(readFileSync(path))).tensors;
    for (const k of ['encoder.0.conv.weight', 'decoder.4.conv.bias']) expectClose(f.tensors.get(k)!.data, from.get(k)!.data, 0, 1e-7, k);
    // resumed without --init, the checkpoint still says where the run started
    await trainJscc({ ...base, out, config: cfg([1, 12]), steps: 2, resume: true, init: undefined });
    expect(parseSafetensors(new Uint8Array(readFileSync(out))).metadata.init).toBe(path);
    await expect(trainJscc({ ...base, out: join(dir, 'other.safetensors'), config: { ...cfg([1, 12]), channels: [4, 4] } })).rejects.toThrow(/hidden channels 4,6; this model needs 4,4/);
  });

  it('train inn --init starts from another INN of the same config (and refuses another config)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'init-inn-'));
    const config = { mode: 'decimated' as const, levels: 1, pairs: 1, width: 4, resBlocks: 1 };
    const base = {
      engine: createCliEngine, data: smallFolder(4, 64), jscc: DEFAULT_JSCC_MODEL, snr: 4, batch: 2, seed: 1, every: 1000, valCount: 2,
      maxSeconds: 0, commandLine: 'test', quiet: true, resume: false, config,
    };
    const a = join(dir, 'a.safetensors');
    await trainInn({ ...base, out: a, steps: 3, lr: 1e-2 });
    const b = join(dir, 'b.safetensors');
    await trainInn({ ...base, out: b, steps: 1, lr: 1e-9, init: a, snr: 1 }); // one step of ~1e-11: b is a
    const ta = parseSafetensors(new Uint8Array(readFileSync(a))).tensors;
    const fb = parseSafetensors(new Uint8Array(readFileSync(b)));
    expect(fb.metadata.init).toBe(a);
    expect(fb.metadata.snr).toBe('1');
    for (const [k, t] of ta) if (!k.startsWith('optimizer.')) expectClose(fb.tensors.get(k)!.data, t.data, 0, 1e-7, k);
    await expect(trainInn({ ...base, out: join(dir, 'c.safetensors'), steps: 1, lr: 1e-3, init: a, config: { ...config, width: 8 } })).rejects.toThrow(/--init '.*a\.safetensors' has config .*"width":4/);
  }, 300_000);
});
