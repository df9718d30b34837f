import { describe, expect, it } from 'vitest';
import { Adam, add, backward, keep, matmul, mean, randNormal, requireGrad, square, sub, tanh, tensor, tidy, zeros } from '../../src/index.js';
import { testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe('a tiny MLP trained with Adam', () => {
  it('fits y = sin(3x)·x: loss falls by more than 20×', async () => {
    const e = engine();
    const rng = testRng();
    const n = 128;
    const xs = rng.f32(n, -1, 1);
    const x = keep(tensor(e, xs, [n, 1]));
    const y = keep(tensor(e, xs.map((v) => Math.sin(3 * v) * v), [n, 1]));
    const seed = rng.int(0, 1e6);
    const w1 = requireGrad(keep(randNormal(e, [1, 32], { seed }, 0, 1)));
    const b1 = requireGrad(keep(zeros(e, [32])));
    const w2 = requireGrad(keep(randNormal(e, [32, 1], { seed: seed + 1 }, 0, 0.2)));
    const b2 = requireGrad(keep(zeros(e, [1])));
    const opt = new Adam([w1, b1, w2, b2], { lr: 0.01 });
    const losses: number[] = [];
    for (let i = 0; i < 400; i++) {
      const loss = tidy(() => {
        opt.zeroGrad();
        const h = tanh(add(matmul(x, w1), b1));
        const out = add(matmul(h, w2), b2);
        const l = mean(square(sub(out, y)));
        backward(l);
        opt.update();
        return l;
      });
      if (i === 0 || i === 399) losses.push(await loss.item());
      await e.throttle();
      loss.dispose();
    }
    expect(losses[1]).toBeLessThan(losses[0] / 20);
  });
});
