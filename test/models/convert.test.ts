import { describe, expect, it } from 'vitest';
import { randNormal, tensor } from '../../src/index.js';
import { UNet, type UNetConfig } from '../../src/networks/unet.js';
import { loadUNet } from '../../src/algorithms/load_prior.js';
import { convertDdpm } from '../../tools/convert_ddpm.js';
import { writeTorchCheckpoint } from '../reference/torch_writer.js';
import { unetRef } from '../reference/unet.js';
import { expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();
const TINY: UNetConfig = { resolution: 8, inChannels: 3, outChannels: 3, ch: 8, chMult: [1, 2], numResBlocks: 1, attnResolutions: [4], dropout: 0, groups: 4, eps: 1e-6 };

describe('DDPM checkpoint converter (torch.save zip, DDIM naming)', () => {
  it('a random checkpoint written in the torch format converts and runs equal to a float64 forward', async () => {
    const rng = testRng();
    // random weights in the reference naming, under a DataParallel "module." prefix
    const m = new UNet(engine(), TINY, 1);
    const host = new Map<string, { shape: number[]; data: Float32Array }>();
    let k = 0;
    for (const [name, p] of m.params.tensors) {
      const r = randNormal(engine(), p.shape, { seed: rng.int(0, 1e6), offset: k++ }, 0, 0.3);
      host.set(`module.${name}`, { shape: [...p.shape], data: await r.data() });
      r.dispose();
    }
    m.dispose();
    const ckpt = writeTorchCheckpoint(host);
    const st = await convertDdpm(ckpt, TINY, 'tiny.ckpt');
    const { model } = loadUNet(engine(), st, 'converted');
    const x = rng.f32(2 * 3 * 64);
    const y = model.forward(tensor(engine(), x, [2, 3, 8, 8]), [5, 500]);
    const plain = new Map([...host].map(([n, t]) => [n.slice(7), t]));
    expectClose(await y.data(), unetRef(plain, TINY, x, [2, 3, 8, 8], [5, 500]), 1e-3, 1e-4, 'converted U-Net');
  });
  it('a missing or mis-shaped tensor is named; non-archives are refused', async () => {
    const m = new UNet(engine(), TINY, 1);
    const host = await m.params.toHost();
    m.dispose();
    host.delete('mid.attn_1.q.weight');
    await expect(convertDdpm(writeTorchCheckpoint(host), TINY, 'cut.ckpt')).rejects.toThrow(/cut.ckpt: missing tensor 'mid.attn_1.q.weight'/);
    await expect(convertDdpm(new Uint8Array([1, 2, 3]), TINY, 'junk.ckpt')).rejects.toThrow(/junk.ckpt: not a torch.save zip archive/);
  });
});
