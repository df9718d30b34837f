import { describe, it } from 'vitest';
import { softmax, tensor } from '../../src/index.js';
import { softmaxRef } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe('softmax (last axis)', () => {
  it('forward for several row lengths, large logits included', async () => {
    const rng = testRng();
    for (const [rows, cols] of [[1, 1], [3, 17], [65, 3], [127, 256], [5, 1000]]) {
      const x = rng.f32(rows * cols, -30, 30);
      const y = softmax(tensor(engine(), x, [rows, cols]));
      expectClose(await y.data(), softmaxRef(x, cols), 1e-4, 1e-7, `${rows}x${cols}`);
    }
  });
  it('gradient', async () => {
    const rng = testRng();
    await checkGrad(engine(), rng, softmax, (a) => softmaxRef(a, 7), [{ data: rng.f32(21, -2, 2), shape: [3, 7] }]);
  });
});
