import { Engine, randUniform } from '/work/main/src/index.js';
import { registerShader } from '/work/main/src/engine/shaders.js';
import { empty } from '/work/main/src/kernels/util.js';
import { genSplitK } from '/work/main/bench/lab/matmul_gen.js';
const engine = await Engine.create();
for (const [R, C, KC, wg] of [[8, 1, 64, 16], [8, 1, 32, 16], [8, 2, 32, 16], [16, 1, 32, 16], [4, 2, 64, 16]]) {
  const name = `splitk_${R}_${C}_${KC}`;
  const kernel = registerShader(name, genSplitK(R, C, KC));
  for (const [M, N, K] of [[1024, 1024, 1024], [256, 256, 256]]) {
    const a = randUniform(engine, [M, K], { seed: 1 }), b = randUniform(engine, [K, N], { seed: 2 });
    const parts = K / KC;
    const c = empty(engine, [parts, M, N]);
    const run = () => engine.launch(kernel, { buffers: [a.buffer, b.buffer, c.buffer], uniforms: { M, N, K, batch: 1, strideA: 0, strideB: 0, strideC: 0 }, overrides: { WG: wg, WGY: 1 }, workgroups: [Math.ceil(N / 4 / C / wg), Math.ceil(M / R), parts] });
    run(); await engine.sync();
    // check chunk sums against CPU
    const [A, B, P] = [await a.data(), await b.data(), await c.data()];
    let err = 0;
    for (const [i, j] of [[0, 0], [M - 1, N - 1], [5, 7]]) { let ref = 0, got = 0; for (let k = 0; k < K; k++) ref += A[i * K + k] * B[k * N + j]; for (let z = 0; z < parts; z++) got += P[z * M * N + i * N + j]; err = Math.max(err, Math.abs(ref - got) / Math.abs(ref)); }
    const t: number[] = [];
    for (let s = 0; s < 5; s++) { const t0 = performance.now(); const reps = Math.max(1, Math.round(3e8 / (M * N * K))); for (let r = 0; r < reps; r++) run(); await engine.sync(); t.push((performance.now() - t0) / reps); }
    t.sort((x, y) => x - y);
    console.log(name, `${M}x${K}x${N}`, 'err', err.toExponential(1), (2 * M * N * K / t[2] / 1e6).toFixed(1), 'GFLOP/s (partials only)');
    a.dispose(); b.dispose(); c.dispose();
  }
}
