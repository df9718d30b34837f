// `commin selfcheck`: prints the adapter, runs a few kernels against a CPU reference and times a matmul.
import { Engine, matmul, randUniform, softmax, sum, tidyAsync } from '../../index.js';

function cpuMatmul(a: Float32Array, b: Float32Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const av = a[i * n + k];
      for (let j = 0; j < n; j++) c[i * n + j] += av * b[k * n + j];
    }
  return c;
}

export async function selfcheck(opts: { size: number }): Promise<boolean> {
  const engine = await Engine.create();
  const info = engine.adapterInfo;
  console.log(`adapter: ${info.description || info.device || 'unknown'} (${info.vendor}, ${info.architecture})`);
  const f = engine.features;
  console.log(`features: shader-f16 ${f.shaderF16 ? 'yes' : 'no'}, subgroups ${f.subgroups ? 'yes' : 'no'}, timestamp-query ${f.timestampQuery ? 'yes' : 'no'}`);
  const n = opts.size;
  let ok = true;
  await tidyAsync(async () => {
    const a = randUniform(engine, [n, n], { seed: 1 }, -1, 1);
    const b = randUniform(engine, [n, n], { seed: 2 }, -1, 1);
    const t0 = performance.now();
    const c = matmul(a, b);
    const got = await c.data();
    const first = performance.now() - t0;
    const ref = cpuMatmul(await a.data(), await b.data(), n);
    let maxErr = 0;
    for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - ref[i]));
    const reps = 5;
    const t1 = performance.now();
    for (let r = 0; r < reps; r++) matmul(a, b).dispose();
    await engine.sync();
    const ms = (performance.now() - t1) / reps;
    const good = maxErr < 1e-3 * Math.sqrt(n);
    ok &&= good;
    console.log(
      `matmul ${n}×${n}×${n}: max |error| vs CPU ${maxErr.toExponential(2)} ${good ? 'ok' : 'WRONG'}; ` +
        `first run ${first.toFixed(0)} ms (includes shader compile), then ${ms.toFixed(1)} ms = ${((2 * n ** 3) / ms / 1e6).toFixed(2)} GFLOP/s`,
    );
    const s = await sum(softmax(a), [1]).data();
    const softOk = s.every((v) => Math.abs(v - 1) < 1e-4);
    ok &&= softOk;
    console.log(`softmax rows sum to 1: ${softOk ? 'ok' : 'WRONG'}`);
  });
  const st = engine.pool.stats();
  console.log(`buffer pool: ${(st.allocatedBytes / 2 ** 20).toFixed(1)} MiB allocated, ${st.inUseBytes} bytes in use`);
  engine.destroy();
  console.log(ok ? 'self-check passed' : 'self-check FAILED');
  return ok;
}
