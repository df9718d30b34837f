// Kernel lab for Winograd convolution (src/kernels/conv2d/winograd.ts) against the direct conv2d kernels:
// error of each variant against a float64 direct convolution on a shape that fits no tile, then timing at
// the U-Net's 3×3 shapes. The machine is shared and noisy, so the variants of a shape are timed
// interleaved (one sample of each in turn, many rounds) and each reports its median and quartiles.
//   npx tsx bench/lab/winograd.ts [--rounds 9] [--batch 1,8] [--shapes 64x64,128x32,256x16,32x64,16x32] [--stages]
//                                 [--out bench/lab/winograd.json]
// (--shapes: channels x image size; the first three are the U-Net's, the last two small-channel checks)
import { writeFileSync } from 'node:fs';
import { Engine, randUniform, type Tensor } from '../../src/index.js';
import { conv2dRaw, convGeometry, type ConvForwardVariant, type ConvGeometry } from '../../src/kernels/conv2d/index.js';
import { weightForForward } from '../../src/kernels/conv2d/weight_layouts.js';
import { WINOGRAD_TILE, winogradInput, winogradOutput, winogradProducts, winogradWeights, type WinogradVariant } from '../../src/kernels/conv2d/winograd.js';
import { fill } from '../../src/kernels/create.js';

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : d;
};
const ROUNDS = Number(arg('rounds', '9'));
const BATCHES = arg('batch', '1,8').split(',').map(Number);
const SHAPES = arg('shapes', '64x64,128x32,256x16,32x64,16x32').split(',').map((t) => t.split('x').map(Number));
const STAGES = process.argv.includes('--stages');
const OUT = arg('out', 'bench/lab/winograd.json');

const engine = await Engine.create();
const sgVariant: ConvForwardVariant = engine.features.subgroups && engine.features.subgroupMinSize >= 8 ? 'k3rows_sg' : 'k3rows';
const VARIANTS: ConvForwardVariant[] = [...new Set<ConvForwardVariant>([sgVariant, 'k3rows', 'winograd2', 'winograd4'])];

/** Direct convolution in float64 (cross-correlation, stride 1, symmetric padding, bias-free). */
function reference(x: Float32Array, w: Float32Array, g: ConvGeometry): Float64Array {
  const y = new Float64Array(g.N * g.Cout * g.OH * g.OW);
  for (let n = 0; n < g.N; n++) for (let o = 0; o < g.Cout; o++) for (let i = 0; i < g.OH; i++) for (let j = 0; j < g.OW; j++) {
    let s = 0;
    for (let c = 0; c < g.Cin; c++) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      const ih = i + a - g.padTop, iw = j + b - g.padLeft;
      if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) s += x[((n * g.Cin + c) * g.H + ih) * g.W + iw] * w[((o * g.Cin + c) * 3 + a) * 3 + b];
    }
    y[((n * g.Cout + o) * g.OH + i) * g.OW + j] = s;
  }
  return y;
}

/** max |got − ref| / max |ref| (error relative to the output's scale) and max |got − ref| / (1 + |ref|). */
function errors(got: Float32Array, ref: Float64Array) {
  let maxRef = 0, maxErr = 0, maxMixed = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]);
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
    maxErr = Math.max(maxErr, d);
    maxMixed = Math.max(maxMixed, d / (1 + Math.abs(ref[i])));
  }
  return { relToMax: maxErr / maxRef, mixed: maxMixed };
}

const accuracy: Record<string, unknown>[] = [];
for (const [xs, ws] of [[[2, 29, 13, 19], [23, 29, 3, 3]], [[1, 64, 17, 15], [64, 64, 3, 3]], [[1, 256, 16, 16], [256, 256, 3, 3]]]) {
  const g = convGeometry(xs, ws, { padding: 1 });
  const x = randUniform(engine, xs, { seed: 1 }, -1, 1);
  const w = randUniform(engine, ws, { seed: 2 }, -1, 1);
  const ref = reference(await x.data(), await w.data(), g);
  for (const v of ['k3rows', 'winograd2', 'winograd4'] as ConvForwardVariant[]) {
    const y = conv2dRaw(x, w, null, g, 'none', null, null, 1, v);
    const err = errors(await y.data(), ref);
    console.log(`${v.padEnd(10)} x[${xs}] w[${ws}]  max err / max |y| ${err.relToMax.toExponential(1)}  max err / (1 + |y|) ${err.mixed.toExponential(1)}`);
    accuracy.push({ variant: v, x: xs, w: ws, ...err });
    y.dispose();
  }
  x.dispose();
  w.dispose();
}

const quantile = (s: number[], q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];

/** Interleaved timing: each round runs one sample (reps calls, then a sync) of every candidate in turn. */
async function timeInterleaved(cands: Record<string, () => void>, reps: number): Promise<Record<string, { median: number; q1: number; q3: number; firstMs: number }>> {
  const t: Record<string, number[]> = Object.fromEntries(Object.keys(cands).map((k) => [k, []]));
  const first: Record<string, number> = {};
  for (const [k, run] of Object.entries(cands)) { // compiles the pipelines, first-use allocations
    const t0 = performance.now();
    run();
    await engine.sync();
    first[k] = performance.now() - t0;
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, run] of Object.entries(cands)) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) run();
      await engine.sync();
      t[k].push((performance.now() - t0) / reps);
    }
  }
  return Object.fromEntries(Object.entries(t).map(([k, s]) => {
    s.sort((a, b) => a - b);
    return [k, { median: quantile(s, 0.5), q1: quantile(s, 0.25), q3: quantile(s, 0.75), firstMs: first[k] }];
  }));
}

const rows: Record<string, unknown>[] = [];
for (const N of BATCHES) {
  for (const [C, HW] of SHAPES) {
    const xs = [N, C, HW, HW], ws = [C, C, 3, 3];
    const g = convGeometry(xs, ws, { padding: 1 });
    const x = randUniform(engine, xs, { seed: 1 });
    const w = randUniform(engine, ws, { seed: 2 });
    const b = randUniform(engine, [C], { seed: 3 });
    const flops = 2 * N * C * C * HW * HW * 9;
    const reps = Math.max(1, Math.round(1e8 / flops));
    const cands: Record<string, () => void> = Object.fromEntries(VARIANTS.map((v) => [v, () => conv2dRaw(x, w, b, g, 'silu', null, null, 1, v).dispose()]));
    if (STAGES) Object.assign(cands, stageCandidates(x, w, g));
    const res = await timeInterleaved(cands, reps);
    const line = Object.entries(res).map(([k, r]) => `${k} ${r.median.toFixed(1)} ms (${((r.q3 - r.q1) / r.median * 100).toFixed(0)}%)`);
    const best = res[sgVariant].median;
    console.log(`x[${xs}] w[${ws}]  ${line.join('  ')}  → winograd2 ${(best / res.winograd2.median).toFixed(2)}×, winograd4 ${(best / res.winograd4.median).toFixed(2)}× of ${sgVariant}`);
    rows.push({ x: xs, w: ws, flops, reps, rounds: ROUNDS, ms: res, gflops: Object.fromEntries(Object.entries(res).filter(([k]) => !k.includes(':')).map(([k, r]) => [k, flops / r.median / 1e6])) });
    [x, w, b].forEach((t) => t.dispose());
  }
}

/** One candidate per Winograd stage (on operands made once), to see where the time goes. */
function stageCandidates(x: Tensor, w: Tensor, g: ConvGeometry): Record<string, () => void> {
  const out: Record<string, () => void> = {};
  const wt = weightForForward(w, g);
  const zero = fill(engine, [4], 0);
  for (const v of ['winograd2', 'winograd4'] as WinogradVariant[]) {
    const m = WINOGRAD_TILE[v];
    const u = winogradWeights(wt, g, m);
    const vin = winogradInput(x, g, m);
    const prod = winogradProducts(vin, u, g, m);
    out[`${v}:weights`] = () => winogradWeights(wt, g, m).dispose();
    out[`${v}:input`] = () => winogradInput(x, g, m).dispose();
    out[`${v}:products`] = () => winogradProducts(vin, u, g, m).dispose();
    out[`${v}:output`] = () => winogradOutput(prod, g, m, { overrides: { ACT: 3, HAS_BIAS: false, RESIDUAL: 0 }, buffers: [zero.buffer, zero.buffer, zero.buffer] }).dispose();
  }
  return out;
}

writeFileSync(OUT, JSON.stringify({ date: new Date().toISOString(), adapter: engine.adapterInfo ?? null, rounds: ROUNDS, accuracy, rows }, null, 2));
console.log(`wrote ${OUT}`);
engine.destroy();
