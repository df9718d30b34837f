// Times jax-js's generated matmul kernel (shape baked in) against the same kernel reading the shape
// from a uniform buffer, at 4096×288·288×64: does compile-time shape knowledge matter on this adapter?
import { readFileSync } from 'node:fs';
import { Engine, randUniform } from '../../src/index.js';
import { registerShader } from '../../src/engine/shaders.js';
import { empty } from '../../src/kernels/util.js';

const engine = await Engine.create();
const [M, K, N] = [4096, 288, 64];
const a = randUniform(engine, [M, K], { seed: 1 });
const b = randUniform(engine, [K, N], { seed: 2 });
const c = empty(engine, [M, N]);
const ref = new Float64Array(M * N);
{
  const [A, B] = [await a.data(), await b.data()];
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) ref[i * N + j] += A[i * K + k] * B[k * N + j];
}
for (const name of ['jaxjs_4096x288x64', 'jaxjs_uniform_shape']) {
  const kernel = registerShader(name, readFileSync(new URL(`./matmul/${name}.wgsl`, import.meta.url), 'utf8'));
  const run = () => engine.launch(kernel, { buffers: [a.buffer, b.buffer, c.buffer], uniforms: { K, N, n: 16384, pad: 0 }, workgroups: [64] });
  run();
  const got = await c.data();
  let err = 0;
  for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(got[i] - ref[i]) / (1 + Math.abs(ref[i])));
  const t: number[] = [];
  for (let s = 0; s < 7; s++) {
    const t0 = performance.now();
    for (let r = 0; r < 4; r++) run();
    await engine.sync();
    t.push((performance.now() - t0) / 4);
  }
  t.sort((x, y) => x - y);
  console.log(`${name.padEnd(22)} err ${err.toExponential(1)}  ${((2 * M * N * K) / t[3] / 1e6).toFixed(1)} GFLOP/s`);
}
