// Lab: the 3×3 weight gradient by the direct kernel (k3slide) against Winograd F(2×2) and F(4×4) at the
// U-Net's shapes, interleaved rounds, median; GFLOP/s counted as the direct convolution's.
//   npx tsx bench/lab/winograd_weight_grad.ts [rounds]
import { Engine, randUniform } from '../../src/index.js';
import { conv2dWeightGradRaw, convGeometry, convWeightGradVariants } from '../../src/kernels/conv2d/index.js';
const e = await Engine.create();
const ROUNDS = Number(process.argv[2] ?? 5);
for (const [xs, ws] of [[[8, 64, 32, 32], [64, 64, 3, 3]], [[8, 32, 64, 64], [32, 32, 3, 3]], [[8, 96, 64, 64], [32, 96, 3, 3]], [[8, 64, 16, 16], [64, 64, 3, 3]], [[8, 64, 8, 8], [64, 64, 3, 3]], [[1, 32, 64, 64], [32, 32, 3, 3]]]) {
  const g = convGeometry(xs, ws, { padding: 1 });
  const x = randUniform(e, xs, { seed: 1 });
  const dy = randUniform(e, [g.N, g.Cout, g.OH, g.OW], { seed: 2 });
  const vs = ['k3slide', 'winograd2', 'winograd4'] as const;
  const t: Record<string, number[]> = {};
  for (const v of vs) { conv2dWeightGradRaw(x, dy, g, v).dispose(); }
  await e.sync();
  for (let r = 0; r < ROUNDS; r++) for (const v of vs) {
    const t0 = performance.now(); conv2dWeightGradRaw(x, dy, g, v).dispose(); await e.sync(); (t[v] ??= []).push(performance.now() - t0);
  }
  const flops = 2 * g.N * g.OH * g.OW * g.Cout * g.Cin * 9;
  console.log(`x[${xs}] w[${ws}]`, vs.map((v) => { const a = t[v].sort((p, q) => p - q); const m = a[a.length >> 1]; return `${v} ${m.toFixed(1)} ms (${(flops / m / 1e6).toFixed(1)} GF/s)`; }).join('  '), convWeightGradVariants(g, e).join(','));
}
