import { describe, it } from 'vitest';
import { Adam, requireGrad, tensor } from '../../src/index.js';
import { adamRef } from '../reference/ops.js';
import { expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe('fused Adam / AdamW', () => {
  for (const decoupled of [false, true]) {
    it(`${decoupled ? 'AdamW' : 'Adam'}: 5 steps match the float64 reference (n = 1, 3, 1025)`, async () => {
      const rng = testRng();
      const opts = { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1, decoupled };
      for (const n of [1, 3, 1025]) {
        const p0 = rng.f32(n);
        const param = requireGrad(tensor(engine(), p0, [n]));
        const opt = new Adam([param], opts);
        const ref = Float64Array.from(p0);
        const state = { m: new Float64Array(n), v: new Float64Array(n), step: 0 };
        for (let s = 0; s < 5; s++) {
          const g = rng.f32(n);
          param.grad?.dispose();
          param.grad = tensor(engine(), g, [n]);
          opt.update();
          adamRef(ref, g, state, opts);
        }
        expectClose(await param.data(), ref, 1e-5, 1e-6, `n=${n}`);
        opt.dispose();
      }
    });
  }
});
