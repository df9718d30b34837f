// Child process of `npm run bench`: the time of each kernel's first call (pipeline creation + Mesa's
// shader compile, unless its on-disk cache has the shader) against a second call, in a fresh engine.
// Prints JSON { kernel: { firstMs, secondMs } }.
import { Engine, attention, groupNorm, matmul, randUniform, softmax, type Tensor } from '../src/index.js';
import { conv2dRaw, convGeometry } from '../src/kernels/conv2d/index.js';

const engine = await Engine.create();
const x = randUniform(engine, [2, 64, 32, 32], { seed: 1 });
const w = randUniform(engine, [64, 64, 3, 3], { seed: 2 });
const gw = randUniform(engine, [64], { seed: 3 });
const a = randUniform(engine, [256, 256], { seed: 4 });
const q = randUniform(engine, [2, 1, 64, 32], { seed: 5 });
await engine.sync();
const KERNELS: Record<string, () => Tensor> = {
  'matmul 256³': () => matmul(a, a),
  'conv2d 3x3 64→64': () => conv2dRaw(x, w, null, convGeometry(x.shape, w.shape, { padding: 1 })),
  'group_norm+silu': () => groupNorm(x, 32, gw, gw, { silu: true }),
  softmax: () => softmax(a),
  'attention fwd': () => attention(q, q, q),
};
const out: Record<string, { firstMs: number; secondMs: number }> = {};
for (const [name, op] of Object.entries(KERNELS)) {
  const time = async () => {
    const t0 = performance.now();
    op().dispose();
    await engine.sync();
    return performance.now() - t0;
  };
  const firstMs = await time();
  out[name] = { firstMs, secondMs: await time() };
}
console.log(JSON.stringify(out));
engine.destroy();
