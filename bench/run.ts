// `npm run bench`: per-kernel throughput, ours vs tfjs-backend-webgpu on the same adapter, as a table and
// JSON (bench/results/latest.json plus a timestamped copy). `npm run bench -- --filter matmul --time 500`.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { Engine, add, attention, awgnChannel, diffusionStep, groupNorm, matmul, maxPool2d, randUniform, softmax, sum, tensor, tidy, upsampleNearest, type Tensor } from '../src/index.js';
import { printTable, timeOp, type Row } from './harness.js';
import { conv2dInputGradRaw, conv2dRaw, conv2dWeightGradRaw, convGeometry } from '../src/kernels/conv2d.js';
import { loadTfjs, type TfjsPeer } from './peers/tfjs.js';
import type * as tfType from '@tensorflow/tfjs-core';

const opts = new Command()
  .option('--filter <text>', 'only kernels whose name contains this')
  .option('--time <ms>', 'measuring time per shape', (v) => Number(v), 1500)
  .option('--no-peers', 'skip tfjs')
  .parse()
  .opts<{ filter?: string; time: number; peers: boolean }>();

const engine = await Engine.create();
const tfjs: TfjsPeer | null = opts.peers ? await loadTfjs() : null;
const rows: Row[] = [];
const want = (name: string) => !opts.filter || name.includes(opts.filter);

/** Times k launches of our op per sample. */
async function ours(op: () => Tensor, k: number) {
  return timeOp(async () => {
    for (let i = 0; i < k; i++) op().dispose();
    await engine.sync();
  }, k, opts.time);
}

async function theirs(op: () => unknown, k: number) {
  if (!tfjs) return null;
  const { tf } = tfjs;
  return timeOp(async () => {
    for (let i = 0; i < k - 1; i++) tf.dispose(op() as tfType.Tensor);
    const last = op() as tfType.Tensor;
    await tfjs.sync(last);
    tf.dispose(last);
  }, k, opts.time);
}
function row(name: string, shape: string, unit: Row['unit'], work: number, o: { medianMs: number; firstRunMs: number }, t: { medianMs: number } | null): Row {
  const rate = (ms: number) => work / ms / 1e6; // work in FLOP or bytes → G/s
  const oursV = rate(o.medianMs);
  const tfV = t ? rate(t.medianMs) : null;
  return { name, shape, unit, ours: oursV, tfjs: tfV, ratio: tfV ? oursV / tfV : null, jaxjs: null, ort: null, firstRunMs: o.firstRunMs, medianMs: o.medianMs };
}

// ---- matmul ----
if (want('matmul')) {
  for (const [b, m, k, n] of [[1, 1024, 1024, 1024], [1, 256, 256, 256], [8, 256, 64, 256], [1, 4096, 288, 64], [1, 1000, 100, 10]]) {
    const a = randUniform(engine, [b, m, k], { seed: 1 });
    const w = randUniform(engine, [b, k, n], { seed: 2 });
    const reps = m * n * k * b > 1e8 ? 1 : 4;
    const o = await ours(() => matmul(a, w), reps);
    let t = null;
    if (tfjs) {
      const ta = tfjs.tf.randomUniform([b, m, k]);
      const tw = tfjs.tf.randomUniform([b, k, n]);
      t = await theirs(() => tfjs.tf.matMul(ta as tfType.Tensor3D, tw as tfType.Tensor3D), reps);
      tfjs.tf.dispose([ta, tw]);
    }
    rows.push(row('matmul', `${b}x${m}x${k}x${n}`, 'GFLOP/s', 2 * b * m * n * k, o, t));
    a.dispose();
    w.dispose();
  }
}

// ---- conv2d: forward and both gradient kernels at the models' shapes ----
if (want('conv')) {
  const CONVS: [string, number[], number[], number, number][] = [
    // label, x, w, stride, pad
    ['3x3 64→64 (U-Net)', [8, 64, 64, 64], [64, 64, 3, 3], 1, 1],
    ['3x3 128→128 16×16', [8, 128, 16, 16], [128, 128, 3, 3], 1, 1],
    ['5x5 s2 3→16 (DeepJSCC)', [8, 3, 64, 64], [16, 3, 5, 5], 2, 2],
    ['5x5 32→32 16×16 (DeepJSCC)', [8, 32, 16, 16], [32, 32, 5, 5], 1, 2],
    ['1x1 128→256', [8, 128, 16, 16], [256, 128, 1, 1], 1, 0],
  ];
  for (const [name, xs, ws, s, p] of CONVS) {
    const x = randUniform(engine, xs, { seed: 1 }, -1, 1);
    const w = randUniform(engine, ws, { seed: 2 }, -1, 1);
    const g = convGeometry(xs, ws, { stride: s, padding: p });
    const flops = 2 * g.N * g.Cout * g.OH * g.OW * g.cinG * g.KH * g.KW;
    const shape = `x[${xs}] w[${ws}] s${s}`;
    const fwd = await ours(() => conv2dRaw(x, w, null, g), 1);
    let t = null;
    if (tfjs) {
      const tx = tfjs.tf.randomUniform([xs[0], xs[2], xs[3], xs[1]]); // tfjs convs are NHWC
      const tw = tfjs.tf.randomUniform([ws[2], ws[3], ws[1], ws[0]]);
      t = await theirs(() => tfjs.tf.conv2d(tx as tfType.Tensor4D, tw as tfType.Tensor4D, s, p === 0 ? 'valid' : [[0, 0], [p, p], [p, p], [0, 0]]), 1);
      tfjs.tf.dispose([tx, tw]);
    }
    rows.push(row(`conv2d ${name}`, shape, 'GFLOP/s', flops, fwd, t));
    const dy = randUniform(engine, [g.N, g.Cout, g.OH, g.OW], { seed: 3 }, -1, 1);
    const dxT = await ours(() => conv2dInputGradRaw(dy, w, g), 1);
    let tdx = null;
    if (tfjs) {
      const tdy = tfjs.tf.randomUniform([g.N, g.OH, g.OW, g.Cout]);
      const tw = tfjs.tf.randomUniform([ws[2], ws[3], ws[1], ws[0]]);
      tdx = await theirs(() => tfjs.tf.conv2dTranspose(tdy as tfType.Tensor4D, tw as tfType.Tensor4D, [xs[0], xs[2], xs[3], xs[1]], s, p === 0 ? 'valid' : 'same'), 1);
      tfjs.tf.dispose([tdy, tw]);
    }
    rows.push(row(`conv2d input-grad ${name}`, shape, 'GFLOP/s', flops, dxT, tdx));
    const dwT = await ours(() => conv2dWeightGradRaw(x, dy, g), 1);
    rows.push(row(`conv2d weight-grad ${name}`, shape, 'GFLOP/s', flops, dwT, null));
    for (const q of [x, w, dy]) q.dispose();
  }
}

// ---- memory-bound kernels, in GB/s of bytes read + written ----
const N = 1 << 22; // 4 Mi elements, 16 MiB
if (want('copy')) {
  // the device-to-device copy bandwidth: the ceiling for memory-bound kernels
  const src = engine.pool.acquire(N * 4);
  const dst = engine.pool.acquire(N * 4);
  const o = await timeOp(async () => {
    for (let i = 0; i < 4; i++) engine.commandEncoder().copyBufferToBuffer(src, 0, dst, 0, N * 4);
    await engine.sync();
  }, 4, opts.time);
  rows.push(row('copyBufferToBuffer', `${N}`, 'GB/s', 2 * N * 4, o, null));
  engine.pool.release(src);
  engine.pool.release(dst);
}
if (want('add')) {
  const x = randUniform(engine, [N], { seed: 3 });
  const y = randUniform(engine, [N], { seed: 4 });
  const o = await ours(() => add(x, y), 4);
  let t = null;
  if (tfjs) {
    const tx = tfjs.tf.randomUniform([N]);
    const ty = tfjs.tf.randomUniform([N]);
    t = await theirs(() => tfjs.tf.add(tx, ty), 4);
    tfjs.tf.dispose([tx, ty]);
  }
  rows.push(row('add', `${N}`, 'GB/s', 3 * N * 4, o, t));
  const bias = randUniform(engine, [64, 1, 1], { seed: 5 });
  const xb = x.reshape([16, 64, 64, 64]);
  const ob = await ours(() => add(xb, bias), 4);
  rows.push(row('add (broadcast bias)', '16x64x64x64 + 64x1x1', 'GB/s', 2 * N * 4, ob, null));
  tidy(() => [x, y, bias, xb].forEach((q) => q.dispose()));
}
if (want('sum')) {
  const x = randUniform(engine, [1024, 4096], { seed: 6 });
  const o = await ours(() => sum(x, [1]), 4);
  let t = null;
  if (tfjs) {
    const tx = tfjs.tf.randomUniform([1024, 4096]);
    t = await theirs(() => tfjs.tf.sum(tx, 1), 4);
    tfjs.tf.dispose(tx);
  }
  rows.push(row('sum (last axis)', '1024x4096', 'GB/s', N * 4, o, t));
  x.dispose();
}
if (want('softmax')) {
  const x = randUniform(engine, [4096, 1024], { seed: 7 });
  const o = await ours(() => softmax(x), 4);
  let t = null;
  if (tfjs) {
    const tx = tfjs.tf.randomUniform([4096, 1024]);
    t = await theirs(() => tfjs.tf.softmax(tx as tfType.Tensor2D), 4);
    tfjs.tf.dispose(tx);
  }
  rows.push(row('softmax', '4096x1024', 'GB/s', 2 * N * 4, o, t));
  x.dispose();
}

// ---- layer kernels of the models ----
if (want('group_norm')) {
  const x = randUniform(engine, [8, 64, 64, 64], { seed: 8 });
  const w = randUniform(engine, [64], { seed: 9 });
  const b = randUniform(engine, [64], { seed: 10 });
  const o = await ours(() => groupNorm(x, 32, w, b, { silu: true }), 2);
  rows.push(row('group_norm+silu (32 groups)', '8x64x64x64', 'GB/s', 3 * x.size * 4, o, null));
  for (const q of [x, w, b]) q.dispose();
}
if (want('attention')) {
  for (const [T, d] of [[64, 128], [256, 128]]) {
    const q = randUniform(engine, [8, 1, T, d], { seed: 11 });
    const o = await ours(() => attention(q, q, q), 2);
    rows.push(row('attention fwd (fused)', `8x${T} tokens x${d}`, 'GFLOP/s', 8 * 4 * T * T * d, o, null));
    q.dispose();
  }
}
if (want('pool')) {
  const x = randUniform(engine, [8, 64, 64, 64], { seed: 12 });
  const o = await ours(() => maxPool2d(x, 3, { stride: 2, ceilMode: true }), 2);
  let t = null;
  if (tfjs) {
    const tx = tfjs.tf.randomUniform([8, 64, 64, 64]);
    t = await theirs(() => tfjs.tf.maxPool(tx as tfType.Tensor4D, 3, 2, 'valid'), 2);
    tfjs.tf.dispose(tx);
  }
  rows.push(row('max_pool 3x3 s2', '8x64x64x64', 'GB/s', 1.25 * x.size * 4, o, t));
  const u = await ours(() => upsampleNearest(x, 2), 2);
  let tu = null;
  if (tfjs) {
    const tx = tfjs.tf.randomUniform([8, 64, 64, 64]);
    tu = await theirs(() => tfjs.tf.image.resizeNearestNeighbor(tx as tfType.Tensor4D, [128, 128]), 2);
    tfjs.tf.dispose(tx);
  }
  rows.push(row('upsample nearest x2', '8x64x64x64', 'GB/s', 5 * x.size * 4, u, tu));
  x.dispose();
}
if (want('channel') || want('diffusion')) {
  const z = randUniform(engine, [64, 512], { seed: 13 });
  const snr = tensor(engine, new Array(64).fill(5), [64]);
  const o = await ours(() => awgnChannel(z, { snrDb: snr, seed: 1 }), 4);
  rows.push(row('awgn channel (power norm + noise)', '64x512', 'GB/s', 2 * z.size * 4, o, null));
  const x = randUniform(engine, [8, 3, 64, 64], { seed: 14 });
  const d = await ours(() => diffusionStep(x, x, { cx: 1, ce: 0.5, sigma: 0.1, seed: 1 }), 4);
  rows.push(row('diffusion step (fused, on-GPU noise)', '8x3x64x64', 'GB/s', 3 * x.size * 4, d, null));
  for (const q of [z, snr, x]) q.dispose();
}

if (want('lpips')) {
  const { Lpips } = await import('../src/metrics/lpips.js');
  const { readFileSync } = await import('node:fs');
  const lp = Lpips.load(engine, new Uint8Array(readFileSync(new URL('../../shared/data/lpips/lpips_squeeze_v0.1.safetensors', import.meta.url))));
  for (const [n, s] of [[16, 64], [2, 256]]) {
    const a = randUniform(engine, [n, 3, s, s], { seed: 15 });
    const b = randUniform(engine, [n, 3, s, s], { seed: 16 });
    const o = await ours(() => lp.distance(a, b), 1);
    rows.push({ name: 'lpips squeeze (image pairs/s)', shape: `${n}x3x${s}x${s}`, unit: 'pairs/s', ours: n / (o.medianMs / 1000), tfjs: null, ratio: null, jaxjs: null, ort: null, firstRunMs: o.firstRunMs, medianMs: o.medianMs });
    a.dispose();
    b.dispose();
  }
  lp.dispose();
}

// ---- end-to-end: sampler step latency, CommIN step split, training throughput, peak memory ----
if (want('sampler') || want('train')) {
  const { UNet, SMALL_UNET, PAPER_UNET } = await import('../src/models/unet.js');
  const { Schedule } = await import('../src/models/diffusion.js');
  const { Inn, DEFAULT_INN } = await import('../src/models/inn.js');
  const { comminSample } = await import('../src/models/commin.js');
  const { DeepJSCC, DEFAULT_JSCC } = await import('../src/models/deepjscc.js');
  const { Adam, backward, losses, noGrad } = await import('../src/index.js');
  const { diffusionStep, stepCoefficients } = await import('../src/kernels/diffusion_step.js');
  const sched = new Schedule();
  const msRow = (name: string, shape: string, ms: number, firstRunMs: number | null = null): Row =>
    ({ name, shape, unit: 'ms', ours: ms, tfjs: null, ratio: null, jaxjs: null, ort: null, firstRunMs, medianMs: ms });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // one plain sampler step: U-Net forward + fused update, batch 1
  const plainStep = async (cfg: typeof SMALL_UNET, reps: number, label: string) => {
    const u = new UNet(engine, cfg, 1);
    const x = randUniform(engine, [1, 3, cfg.resolution, cfg.resolution], { seed: 1 }, -1, 1);
    const step = async () => {
      const t0 = performance.now();
      const y = noGrad(() => tidy(() => diffusionStep(x, u.forward(x, [500]), { ...stepCoefficients.ddim(0.5, 0.6, 0), sigma: 0 })));
      await engine.sync();
      y.dispose();
      return performance.now() - t0;
    };
    const first = await step();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push(await step());
    rows.push(msRow(`sampler step (U-Net fwd + update) ${label}`, `1x3x${cfg.resolution}x${cfg.resolution}, ${(u.params.count() / 1e6).toFixed(1)}M params`, median(times), first));
    u.dispose();
    x.dispose();
  };
  await plainStep(SMALL_UNET, 20, 'small config');
  // the paper config takes minutes per step on a CPU adapter: opt in with BENCH_PAPER=1
  if (process.env.BENCH_PAPER) await plainStep(PAPER_UNET, 2, 'paper config (random weights)');
  // a CommIN step, split into its phases (the paper config at 256×256 is opt-in like above)
  const comminSplit = async (cfg: typeof SMALL_UNET, steps: number, skip: number, label: string) => {
    const u = new UNet(engine, cfg, 1);
    const inn = new Inn(engine, DEFAULT_INN, 1);
    const R = cfg.resolution;
    const y = randUniform(engine, [1, 3, R, R], { seed: 2 });
    const split: Record<string, number[]> = { unet: [], inn: [], guidance: [], update: [] };
    const out = await comminSample(u, inn, sched, y, { method: 'ddim', steps, seed: 1, zeta: 0.4, startT: 500, profile: true,
      onStep: ({ i, ms }) => { if (i >= skip) for (const k of Object.keys(split)) split[k].push(ms[k as keyof typeof ms]); } });
    out.dispose();
    for (const [k, v] of Object.entries(split)) rows.push(msRow(`CommIN step: ${k === 'guidance' ? 'guidance backward' : k === 'unet' ? 'U-Net forward' : k === 'inn' ? 'INN forward + inverse' : 'update'}`, `1x3x${R}x${R} ${label}`, median(v)));
    u.dispose();
    inn.dispose();
    y.dispose();
  };
  await comminSplit(SMALL_UNET, 12, 2, 'small U-Net');
  if (process.env.BENCH_PAPER) await comminSplit(PAPER_UNET, 4, 1, 'paper U-Net (random weights)');
  // training throughput
  const trainRate = async (name: string, make: () => { step: () => void; dispose: () => void }, batch: number, reps: number) => {
    const m = make();
    m.step();
    await engine.sync();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) {
      m.step();
      await engine.throttle();
    }
    await engine.sync();
    const s = (performance.now() - t0) / 1000;
    rows.push({ name, shape: `batch ${batch}`, unit: 'images/s', ours: (reps * batch) / s, tfjs: null, ratio: null, jaxjs: null, ort: null, firstRunMs: null, medianMs: (s * 1000) / reps });
    m.dispose();
  };
  await trainRate('training DeepJSCC 64×64 BCR 1/48', () => {
    const m = new DeepJSCC(engine, DEFAULT_JSCC, 1);
    const opt = new Adam(m.params.list());
    const x = randUniform(engine, [16, 3, 64, 64], { seed: 3 });
    const snr = tensor(engine, new Array(16).fill(5), [16]);
    return { step: () => tidy(() => { opt.zeroGrad(); backward(losses.mse(m.forward(x, snr, 1), x)); opt.update(); }), dispose: () => { m.dispose(); opt.dispose(); x.dispose(); } };
  }, 16, 10);
  await trainRate('training U-Net 64×64 (small config, ε-loss)', () => {
    const m = new UNet(engine, SMALL_UNET, 1);
    const opt = new Adam(m.params.list());
    const x = randUniform(engine, [8, 3, 64, 64], { seed: 4 }, -1, 1);
    return { step: () => tidy(() => { opt.zeroGrad(); backward(losses.mse(m.forward(x, new Array(8).fill(300)), x)); opt.update(); }), dispose: () => { m.dispose(); opt.dispose(); x.dispose(); } };
  }, 8, 3);
  rows.push({ name: 'peak GPU memory of the run (buffer pool)', shape: '-', unit: 'MiB', ours: engine.pool.peakAllocatedBytes / 2 ** 20, tfjs: null, ratio: null, jaxjs: null, ort: null });
}

printTable(rows);
const out = {
  date: new Date().toISOString(),
  adapter: engine.adapterInfo,
  node: process.version,
  rows,
};
mkdirSync('bench/results', { recursive: true });
const stamp = out.date.replace(/[:.]/g, '-');
writeFileSync(`bench/results/${stamp}.json`, JSON.stringify(out, null, 2));
if (opts.filter) {
  // a partial run does not replace the full results
  console.log(`wrote bench/results/${stamp}.json (filtered run: latest.json unchanged)`);
} else {
  writeFileSync('bench/results/latest.json.tmp', JSON.stringify(out, null, 2));
  renameSync('bench/results/latest.json.tmp', 'bench/results/latest.json');
  console.log(`wrote bench/results/latest.json and bench/results/${stamp}.json`);
}
engine.destroy();
