import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../fixture_bytes.js';
import { Adam, backward, tensor, tidy } from '../../src/index.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { UNet, type UNetConfig } from '../../src/networks/unet.js';
import { Schedule, qSample } from '../../src/algorithms/diffusion.js';
import { mse } from '../../src/kernels/losses.js';
import { useEngine } from '../helpers.js';

const engine = useEngine();
const FIXTURE = new URL('../fixtures/ddpm_golden.safetensors', import.meta.url);
const FIXTURE_BYTES = await fixtureBytes(FIXTURE);

describe.skipIf(!FIXTURE_BYTES)('the engine trainer equals the PyTorch reference (golden fixture)', () => {
  it('same config, weights, batch, timesteps and noise → the same loss over 50 Adam steps', async () => {
    const f = parseSafetensors(FIXTURE_BYTES!, 'ddpm_golden');
    const cfg = JSON.parse(f.metadata.config) as UNetConfig;
    const model = new UNet(engine(), cfg);
    model.params.loadHost(f.tensors, 'ddpm_golden', 'weights.');
    const opt = new Adam(model.params.list(), { lr: Number(f.metadata.lr) });
    const s = new Schedule();
    const x0 = f.tensors.get('x0')!;
    const ts = f.tensors.get('t')!.data;
    const eps = f.tensors.get('eps')!;
    const golden = f.tensors.get('losses')!.data;
    const N = x0.shape[0];
    const per = eps.data.length / golden.length;
    const got: number[] = [];
    for (let step = 0; step < golden.length; step++) {
      const t = Array.from(ts.subarray(step * N, (step + 1) * N));
      const l = tidy(() => {
        opt.zeroGrad();
        const e = tensor(engine(), eps.data.subarray(step * per, (step + 1) * per), x0.shape);
        const loss = mse(model.forward(qSample(tensor(engine(), x0.data, x0.shape), e, t, s), t), e);
        backward(loss);
        opt.update();
        return loss;
      });
      got.push(await l.item());
      l.dispose();
    }
    for (let i = 0; i < golden.length; i++) {
      // float32 differences (different summation orders) grow slowly over the optimisation
      expect(Math.abs(got[i] - golden[i]), `step ${i}: engine ${got[i]}, PyTorch ${golden[i]}`).toBeLessThan(2e-3 * Math.abs(golden[i]) + 1e-5);
    }
    model.dispose();
  });
});
