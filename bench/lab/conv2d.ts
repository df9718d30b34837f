// Kernel lab for the conv2d forward variants: validate each against a float64 CPU reference on a shape
// that is not a multiple of any tile, then time them at the models' shapes.
// `npx tsx bench/lab/conv2d.ts`
import { Engine, randUniform } from '../../src/index.js';
import { conv2dRaw, conv2dWeightGradRaw, convForwardVariants, convGeometry, convWeightGradVariants, type ConvForwardVariant } from '../../src/kernels/conv2d/index.js';

// LAB_NO_ROBUSTNESS=1: Dawn's robustness transform off (an opt-in for trusted shaders in Node)
const engine = await Engine.create(process.env.LAB_NO_ROBUSTNESS ? { dawnFlags: ['enable-dawn-features=disable_robustness'] } : {});

function reference(x: Float32Array, w: Float32Array, xs: number[], ws: number[], pad: number): Float64Array {
  const [N, C, H, W] = xs;
  const [O, , KH, KW] = ws;
  const OH = H + 2 * pad - KH + 1, OW = W + 2 * pad - KW + 1;
  const y = new Float64Array(N * O * OH * OW);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    let s = 0;
    for (let c = 0; c < C; c++) for (let a = 0; a < KH; a++) for (let b = 0; b < KW; b++) {
      const ih = i + a - pad, iw = j + b - pad;
      if (ih >= 0 && ih < H && iw >= 0 && iw < W) s += x[((n * C + c) * H + ih) * W + iw] * w[((o * C + c) * KH + a) * KW + b];
    }
    y[((n * O + o) * OH + i) * OW + j] = s;
  }
  return y;
}

const VARIANTS: ConvForwardVariant[] = ['general', 'k3rows', 'rows', 'k3rows_sg'];
{
  const xs = [2, 5, 13, 19], ws = [7, 5, 3, 3];
  const x = randUniform(engine, xs, { seed: 1 }, -1, 1);
  const w = randUniform(engine, ws, { seed: 2 }, -1, 1);
  const ref = reference(await x.data(), await w.data(), xs, ws, 1);
  for (const v of VARIANTS) {
    if (!convForwardVariants(convGeometry(xs, ws, { padding: 1 }), engine).includes(v)) continue;
    const y = conv2dRaw(x, w, null, convGeometry(xs, ws, { padding: 1 }), 'none', null, null, 1, v);
    const got = await y.data();
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / (1 + Math.abs(ref[i])));
    console.log(`${v.padEnd(8)} max rel err ${worst.toExponential(1)} on x[${xs}] w[${ws}]`);
    y.dispose();
  }
}
for (const [xs, ws] of [[[8, 64, 64, 64], [64, 64, 3, 3]], [[8, 128, 16, 16], [128, 128, 3, 3]], [[8, 32, 32, 32], [32, 32, 3, 3]], [[8, 16, 16, 16], [16, 16, 3, 3]], [[8, 32, 16, 16], [32, 32, 5, 5]]]) {
  const g = convGeometry(xs, ws, { padding: (ws[3] - 1) / 2 });
  const x = randUniform(engine, xs, { seed: 1 });
  const w = randUniform(engine, ws, { seed: 2 });
  const flops = 2 * g.N * g.Cout * g.OH * g.OW * g.cinG * g.KH * g.KW;
  const line: string[] = [];
  for (const v of convForwardVariants(g, engine)) {
    conv2dRaw(x, w, null, g, 'none', null, null, 1, v).dispose();
    await engine.sync();
    const t: number[] = [];
    const reps = Math.max(1, Math.round(2e8 / flops));
    for (let s = 0; s < 7; s++) {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) conv2dRaw(x, w, null, g, 'none', null, null, 1, v).dispose();
      await engine.sync();
      t.push((performance.now() - t0) / reps);
    }
    t.sort((a, b) => a - b);
    line.push(`${v} ${(flops / t[3] / 1e6).toFixed(1)}`);
  }
  const dy = randUniform(engine, [g.N, g.Cout, g.OH, g.OW], { seed: 3 });
  for (const v of convWeightGradVariants(g, engine)) {
    conv2dWeightGradRaw(x, dy, g, v).dispose();
    await engine.sync();
    const t: number[] = [];
    const reps = Math.max(1, Math.round(2e8 / flops));
    for (let s = 0; s < 7; s++) {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) conv2dWeightGradRaw(x, dy, g, v).dispose();
      await engine.sync();
      t.push((performance.now() - t0) / reps);
    }
    t.sort((a, b) => a - b);
    line.push(`wgrad:${v} ${(flops / t[3] / 1e6).toFixed(1)}`);
  }
  dy.dispose();
  console.log(`x[${xs}] w[${ws}]  GFLOP/s: ${line.join('  ')}`);
  x.dispose();
  w.dispose();
}
