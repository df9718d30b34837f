// Per-kernel rows at the models' shapes: ours against tfjs-backend-webgpu and jax-js (same Dawn adapter)
// and onnxruntime-node (CPU, the reference a CPU user would pick).
import {
  Adam, add, attention, avgPool, awgnChannel, backward, conv2d, convTranspose2d, noGrad, transpose, diffusionStep, groupNorm, matmul, maxPool2d, mul, randUniform,
  requireGrad, softmax, sum, tensor, tidy, upsampleNearest,
} from '../src/index.js';
import { conv2dInputGradRaw, conv2dRaw, conv2dWeightGradRaw, convGeometry } from '../src/kernels/conv2d/index.js';
import type * as tfType from '@tensorflow/tfjs-core';
import { timeOp } from './harness.js';
import { rateRow, timeJax, timeOrt, timeOurs, timeTfjs, type BenchContext } from './context.js';

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

export async function matmulRows(c: BenchContext): Promise<void> {
  // square, attention-like batched, conv-as-GEMM (1×1 convs, im2col shapes), and the scalar path
  for (const [b, m, k, n] of [[1, 1024, 1024, 1024], [1, 256, 256, 256], [8, 256, 64, 256], [1, 4096, 288, 64], [1, 1000, 100, 10]]) {
    const a = randUniform(c.engine, [b, m, k], { seed: 1 });
    const w = randUniform(c.engine, [b, k, n], { seed: 2 });
    const reps = m * n * k * b > 1e8 ? 1 : 4;
    matmul(a, w).dispose();
    await c.engine.autotune(); // tune this shape (if enabled) before timing
    const o = await timeOurs(c, () => matmul(a, w), reps);
    const t = await timeTfjs(c, (tf) => {
      const ta = tf.randomUniform([b, m, k]) as tfType.Tensor3D;
      const tw = tf.randomUniform([b, k, n]) as tfType.Tensor3D;
      return { op: () => tf.matMul(ta, tw), inputs: [ta, tw] };
    }, reps);
    const j = await timeJax(c, (jx) => {
      const ja = jx.rand([b, m, k]);
      const jw = jx.rand([b, k, n]);
      return { op: () => jx.jax.numpy.matmul(ja.ref, jw.ref), inputs: [ja, jw] };
    }, reps);
    const r = await timeOrt(c, { op: 'MatMul', inputs: { a: [b, m, k], b: [b, k, n] }, output: [b, m, n] }, reps);
    c.rows.push(rateRow('matmul', `${b}x${m}x${k}x${n}`, 'GFLOP/s', 2 * b * m * n * k, o, { tfjs: t, jaxjs: j, ort: r }));
    a.dispose();
    w.dispose();
  }
}

const CONVS: [string, number[], number[], number, number][] = [
  // label, x, w, stride, pad
  ['3x3 64→64 (U-Net)', [8, 64, 64, 64], [64, 64, 3, 3], 1, 1],
  ['3x3 128→128 16×16', [8, 128, 16, 16], [128, 128, 3, 3], 1, 1],
  ['5x5 s2 3→16 (DeepJSCC)', [8, 3, 64, 64], [16, 3, 5, 5], 2, 2],
  ['5x5 32→32 16×16 (DeepJSCC)', [8, 32, 16, 16], [32, 32, 5, 5], 1, 2],
  ['1x1 128→256', [8, 128, 16, 16], [256, 128, 1, 1], 1, 0],
];

export async function convRows(c: BenchContext): Promise<void> {
  for (const [name, xs, ws, s, p] of CONVS) {
    const x = randUniform(c.engine, xs, { seed: 1 }, -1, 1);
    const w = randUniform(c.engine, ws, { seed: 2 }, -1, 1);
    const g = convGeometry(xs, ws, { stride: s, padding: p });
    const ys = [g.N, g.Cout, g.OH, g.OW];
    const flops = 2 * g.N * g.Cout * g.OH * g.OW * g.cinG * g.KH * g.KW;
    const shape = `x[${xs}] w[${ws}] s${s}`;
    const tfPad = p === 0 ? 'valid' : ([[0, 0], [p, p], [p, p], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]);
    const convAttrs = { kernel_shape: [g.KH, g.KW], pads: [p, p, p, p], strides: [s, s] };

    // the path the models take: 1×1 convolutions run as matmuls (src/kernels/conv2d.ts conv1x1)
    const is1x1 = g.KH === 1 && g.KW === 1 && s === 1;
    const [w2, x3] = is1x1 ? [w.reshape([g.Cout, g.Cin]), x.reshape([g.N, g.Cin, g.H * g.W])] : [w, x];
    const forward = () => (is1x1 ? noGrad(() => conv2d(x, w, null, { stride: s, padding: p })) : conv2dRaw(x, w, null, g));
    forward().dispose();
    await c.engine.autotune();
    const fwd = await timeOurs(c, forward, 1);
    const t = await timeTfjs(c, (tf) => {
      const tx = tf.randomUniform([xs[0], xs[2], xs[3], xs[1]]) as tfType.Tensor4D; // tfjs convs are NHWC
      const tw = tf.randomUniform([ws[2], ws[3], ws[1], ws[0]]) as tfType.Tensor4D;
      return { op: () => tf.conv2d(tx, tw, s, tfPad), inputs: [tx, tw] };
    }, 1);
    const j = await timeJax(c, (jx) => {
      const jxx = jx.rand(xs);
      const jw = jx.rand(ws);
      return { op: () => jx.jax.lax.conv(jxx.ref, jw.ref, [s, s], [[p, p], [p, p]]), inputs: [jxx, jw] };
    }, 1);
    const r = await timeOrt(c, { op: 'Conv', inputs: { x: xs, w: ws }, output: ys, attributes: convAttrs });
    c.rows.push(rateRow(`conv2d ${name}`, shape, 'GFLOP/s', flops, fwd, { tfjs: t, jaxjs: j, ort: r }));

    // input gradient (= conv_transpose of dy): tfjs conv2dTranspose, ONNX ConvTranspose
    const dy = randUniform(c.engine, ys, { seed: 3 }, -1, 1);
    const dy3 = is1x1 ? dy.reshape([g.N, g.Cout, g.OH * g.OW]) : dy;
    const inputGrad = () => (is1x1 ? tidy(() => matmul(transpose(w2), dy3)) : conv2dInputGradRaw(dy, w, g));
    inputGrad().dispose();
    await c.engine.autotune();
    const dxT = await timeOurs(c, inputGrad, 1);
    const tdx = await timeTfjs(c, (tf) => {
      const tdy = tf.randomUniform([g.N, g.OH, g.OW, g.Cout]) as tfType.Tensor4D;
      const tw = tf.randomUniform([ws[2], ws[3], ws[1], ws[0]]) as tfType.Tensor4D;
      return { op: () => tf.conv2dTranspose(tdy, tw, [xs[0], xs[2], xs[3], xs[1]], s, p === 0 ? 'valid' : 'same'), inputs: [tdy, tw] };
    }, 1);
    const outPad = xs[2] - ((g.OH - 1) * s - 2 * p + g.KH);
    const rdx = await timeOrt(c, { op: 'ConvTranspose', inputs: { dy: ys, w: ws }, output: xs, attributes: { ...convAttrs, output_padding: [outPad, outPad] } });
    c.rows.push(rateRow(`conv2d input-grad ${name}`, shape, 'GFLOP/s', flops, dxT, { tfjs: tdx, ort: rdx }));

    // weight gradient: no peer exposes it as an op (tfjs keeps conv2DBackpropFilter internal)
    const weightGrad = () => (is1x1 ? tidy(() => sum(matmul(dy3, transpose(x3)), [0])) : conv2dWeightGradRaw(x, dy, g));
    weightGrad().dispose();
    await c.engine.autotune();
    const dwT = await timeOurs(c, weightGrad, 1);
    c.rows.push(rateRow(`conv2d weight-grad ${name}`, shape, 'GFLOP/s', flops, dwT));
    for (const q of new Set([x, w, dy, w2, x3, dy3])) q.dispose();
  }

  // conv_transpose2d forward: the DeepJSCC decoder's upsampling layer
  const [xs, ws, os] = [[8, 32, 16, 16], [32, 16, 5, 5], [8, 16, 32, 32]];
  const x = randUniform(c.engine, xs, { seed: 4 }, -1, 1);
  const w = randUniform(c.engine, ws, { seed: 5 }, -1, 1);
  const flops = 2 * prod(xs) * ws[1] * 25;
  const o = await timeOurs(c, () => convTranspose2d(x, w, null, { stride: 2, padding: 2, outputPadding: 1 }), 1);
  const t = await timeTfjs(c, (tf) => {
    const tx = tf.randomUniform([8, 16, 16, 32]) as tfType.Tensor4D;
    const tw = tf.randomUniform([5, 5, 16, 32]) as tfType.Tensor4D;
    return { op: () => tf.conv2dTranspose(tx, tw, [8, 32, 32, 16], 2, 'same'), inputs: [tx, tw] };
  }, 1);
  const r = await timeOrt(c, { op: 'ConvTranspose', inputs: { x: xs, w: ws }, output: os, attributes: { kernel_shape: [5, 5], pads: [2, 2, 2, 2], strides: [2, 2], output_padding: [1, 1] } });
  c.rows.push(rateRow('conv_transpose2d 5x5 s2 32→16 (DeepJSCC)', `x[${xs}] w[${ws}]`, 'GFLOP/s', flops, o, { tfjs: t, ort: r }));
  x.dispose();
  w.dispose();
}

/** Memory-bound kernels, in GB/s of bytes read + written; the copy row is their ceiling. */
export async function memoryRows(c: BenchContext): Promise<void> {
  const N = 1 << 22; // 4 Mi elements, 16 MiB
  if (c.want('copy')) {
    const src = c.engine.pool.acquire(N * 4);
    const dst = c.engine.pool.acquire(N * 4);
    const o = await timeOp(async () => {
      for (let i = 0; i < 4; i++) c.engine.commandEncoder().copyBufferToBuffer(src, 0, dst, 0, N * 4);
      await c.engine.sync();
    }, 4, c.time);
    c.rows.push(rateRow('copyBufferToBuffer (device-to-device copy)', `${N}`, 'GB/s', 2 * N * 4, o));
    c.engine.pool.release(src);
    c.engine.pool.release(dst);
  }
  if (c.want('add')) {
    const x = randUniform(c.engine, [N], { seed: 3 });
    const y = randUniform(c.engine, [N], { seed: 4 });
    const o = await timeOurs(c, () => add(x, y), 4);
    const t = await timeTfjs(c, (tf) => {
      const [a, b] = [tf.randomUniform([N]), tf.randomUniform([N])];
      return { op: () => tf.add(a, b), inputs: [a, b] };
    }, 4);
    const j = await timeJax(c, (jx) => {
      const [a, b] = [jx.rand([N]), jx.rand([N])];
      return { op: () => a.ref.add(b.ref), inputs: [a, b] };
    }, 4);
    const r = await timeOrt(c, { op: 'Add', inputs: { a: [N], b: [N] }, output: [N] }, 4);
    c.rows.push(rateRow('add', `${N}`, 'GB/s', 3 * N * 4, o, { tfjs: t, jaxjs: j, ort: r }));
    const bias = randUniform(c.engine, [64, 1, 1], { seed: 5 });
    const xb = x.reshape([16, 64, 64, 64]);
    const ob = await timeOurs(c, () => add(xb, bias), 4);
    const tb = await timeTfjs(c, (tf) => {
      const [a, b] = [tf.randomUniform([16, 64, 64, 64]), tf.randomUniform([64, 1, 1])];
      return { op: () => tf.add(a, b), inputs: [a, b] };
    }, 4);
    const rb = await timeOrt(c, { op: 'Add', inputs: { a: [16, 64, 64, 64], b: [64, 1, 1] }, output: [16, 64, 64, 64] }, 4);
    c.rows.push(rateRow('add (broadcast bias)', '16x64x64x64 + 64x1x1', 'GB/s', 2 * N * 4, ob, { tfjs: tb, ort: rb }));
    tidy(() => [x, y, bias, xb].forEach((q) => q.dispose()));
  }
  if (c.want('small op')) {
    // the rate of a tiny op (256 floats), 200 per sync: what a loop of many small dispatches pays per op,
    // the CPU's encode (bind groups, uniforms, the API calls) included
    const n = 256;
    const k = 200;
    const x = randUniform(c.engine, [n], { seed: 6 });
    const y = randUniform(c.engine, [n], { seed: 7 });
    const o = await timeOurs(c, () => add(x, y), k);
    const t = await timeTfjs(c, (tf) => {
      const [a, b] = [tf.randomUniform([n]), tf.randomUniform([n])];
      return { op: () => tf.add(a, b), inputs: [a, b] };
    }, k);
    const j = await timeJax(c, (jx) => {
      const [a, b] = [jx.rand([n]), jx.rand([n])];
      return { op: () => a.ref.add(b.ref), inputs: [a, b] };
    }, k);
    const rate = (tm: { medianMs: number } | null) => (tm ? 1000 / tm.medianMs : null);
    const ours = rate(o)!;
    const tf = rate(t);
    c.rows.push({ name: 'add, tiny (ops per second: dispatch cost)', shape: `${n}, ${k} per sync`, unit: 'ops/s', ours, tfjs: tf, ratio: tf ? ours / tf : null, jaxjs: rate(j), ort: null, firstRunMs: o.firstRunMs, medianMs: o.medianMs });
    x.dispose();
    y.dispose();
  }
  if (c.want('sum')) {
    const x = randUniform(c.engine, [1024, 4096], { seed: 6 });
    const o = await timeOurs(c, () => sum(x, [1]), 4);
    const t = await timeTfjs(c, (tf) => {
      const a = tf.randomUniform([1024, 4096]);
      return { op: () => tf.sum(a, 1), inputs: [a] };
    }, 4);
    const j = await timeJax(c, (jx) => {
      const a = jx.rand([1024, 4096]);
      return { op: () => jx.jax.numpy.sum(a.ref, 1), inputs: [a] };
    }, 4);
    const r = await timeOrt(c, { op: 'ReduceSum', inputs: { x: [1024, 4096] }, output: [1024], attributes: { axes: [1], keepdims: 0 }, opset: 11 }, 4);
    c.rows.push(rateRow('sum (last axis)', '1024x4096', 'GB/s', N * 4, o, { tfjs: t, jaxjs: j, ort: r }));
    x.dispose();
  }
  if (c.want('softmax')) {
    const x = randUniform(c.engine, [4096, 1024], { seed: 7 });
    const o = await timeOurs(c, () => softmax(x), 4);
    const t = await timeTfjs(c, (tf) => {
      const a = tf.randomUniform([4096, 1024]) as tfType.Tensor2D;
      return { op: () => tf.softmax(a), inputs: [a] };
    }, 4);
    const j = await timeJax(c, (jx) => {
      const a = jx.rand([4096, 1024]);
      return { op: () => jx.jax.nn.softmax(a.ref), inputs: [a] };
    }, 4);
    const r = await timeOrt(c, { op: 'Softmax', inputs: { x: [4096, 1024] }, output: [4096, 1024], attributes: { axis: -1 } }, 4);
    c.rows.push(rateRow('softmax', '4096x1024', 'GB/s', 2 * N * 4, o, { tfjs: t, jaxjs: j, ort: r }));
    x.dispose();
  }
  if (c.want('adam')) {
    const p = requireGrad(randUniform(c.engine, [N], { seed: 8 }));
    p.grad = randUniform(c.engine, [N], { seed: 9 });
    const opt = new Adam([p]);
    const o = await timeOp(async () => {
      for (let i = 0; i < 4; i++) opt.update();
      await c.engine.sync();
    }, 4, c.time);
    // reads p, g, m, v; writes p, m, v
    c.rows.push(rateRow('adam update (fused)', `${N} params`, 'GB/s', 7 * N * 4, o));
    opt.dispose();
    p.dispose();
  }
}

/** Layer kernels of the models other than conv and matmul. */
export async function layerRows(c: BenchContext): Promise<void> {
  if (c.want('group_norm')) {
    // a training batch, and one image at the U-Net's top level (the sampler's shape)
    for (const shape of [[8, 64, 64, 64], [1, 32, 64, 64]]) {
      const C = shape[1];
      const x = randUniform(c.engine, shape, { seed: 8 });
      const w = randUniform(c.engine, [C], { seed: 9 });
      const b = randUniform(c.engine, [C], { seed: 10 });
      const o = await timeOurs(c, () => groupNorm(x, 32, w, b), 2);
      const r = await timeOrt(c, { op: 'GroupNormalization', inputs: { x: shape, scale: [C], bias: [C] }, output: shape, attributes: { num_groups: 32, epsilon: 1e-5 }, opset: 21 }, 2);
      // reads x twice (statistics, then normalise) and writes y
      c.rows.push(rateRow('group_norm (32 groups)', shape.join('x'), 'GB/s', 3 * x.size * 4, o, { ort: r }));
      const os = await timeOurs(c, () => groupNorm(x, 32, w, b, { silu: true }), 2);
      c.rows.push(rateRow('group_norm+silu (fused)', shape.join('x'), 'GB/s', 3 * x.size * 4, os));
      const xg = requireGrad(x);
      const dy = randUniform(c.engine, shape, { seed: 11 });
      const fb = await timeOp(async () => {
        tidy(() => backward(sum(mul(groupNorm(xg, 32, w, b), dy))));
        xg.grad?.dispose();
        xg.grad = null;
        await c.engine.sync();
      }, 1, c.time);
      c.rows.push(rateRow('group_norm fwd + bwd (training; incl. the loss mul/sum)', shape.join('x'), 'GB/s', 9 * x.size * 4, fb));
      for (const q of [x, w, b, dy]) q.dispose();
    }
  }
  if (c.want('attention')) {
    for (const [T, d] of [[64, 128], [256, 128]]) {
      const flops = 8 * 4 * T * T * d;
      for (const variant of ['fused', 'matmul'] as const) {
        const q = randUniform(c.engine, [8, 1, T, d], { seed: 11 });
        const o = await timeOurs(c, () => attention(q, q, q, undefined, variant), 2);
        c.rows.push(rateRow(`attention fwd (${variant} variant)`, `8x${T} tokens x${d}`, 'GFLOP/s', flops, o));
        const qg = requireGrad(randUniform(c.engine, [8, 1, T, d], { seed: 12 }));
        const fb = await timeOp(async () => {
          tidy(() => backward(sum(attention(qg, qg, qg, undefined, variant))));
          qg.grad?.dispose();
          qg.grad = null;
          await c.engine.sync();
        }, 1, c.time);
        // backward ≈ 2.5× the forward's matmul work (dQ, dK, dV and the recomputed scores)
        c.rows.push(rateRow(`attention fwd + bwd (${variant} variant)`, `8x${T} tokens x${d}`, 'GFLOP/s', 3.5 * flops, fb));
        q.dispose();
        qg.dispose();
      }
    }
  }
  if (c.want('pool')) {
    const shape: [number, number, number, number] = [8, 64, 64, 64];
    const x = randUniform(c.engine, shape, { seed: 12 });
    const o = await timeOurs(c, () => maxPool2d(x, 3, { stride: 2, ceilMode: true }), 2);
    const t = await timeTfjs(c, (tf) => {
      const a = tf.randomUniform(shape) as tfType.Tensor4D;
      return { op: () => tf.maxPool(a, 3, 2, 'valid'), inputs: [a] };
    }, 2);
    const r = await timeOrt(c, { op: 'MaxPool', inputs: { x: shape }, output: [8, 64, 32, 32], attributes: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } }, 2);
    c.rows.push(rateRow('max_pool 3x3 s2', shape.join('x'), 'GB/s', 1.25 * x.size * 4, o, { tfjs: t, ort: r }));
    const u = await timeOurs(c, () => upsampleNearest(x, 2), 2);
    const tu = await timeTfjs(c, (tf) => {
      const a = tf.randomUniform(shape) as tfType.Tensor4D;
      return { op: () => tf.image.resizeNearestNeighbor(a, [128, 128]), inputs: [a] };
    }, 2);
    c.rows.push(rateRow('upsample nearest x2', shape.join('x'), 'GB/s', 5 * x.size * 4, u, { tfjs: tu }));
    // 2×2 average pooling, which is also the gradient of the U-Net's upsampling (shaders/block_sum.wgsl)
    const ap = await timeOurs(c, () => avgPool(x, 2), 2);
    const tap = await timeTfjs(c, (tf) => {
      const a = tf.randomUniform(shape) as tfType.Tensor4D;
      return { op: () => tf.avgPool(a, 2, 2, 'valid'), inputs: [a] };
    }, 2);
    const rap = await timeOrt(c, { op: 'AveragePool', inputs: { x: shape }, output: [8, 64, 32, 32], attributes: { kernel_shape: [2, 2], strides: [2, 2] } }, 2);
    c.rows.push(rateRow('avg_pool 2x2 (= upsample x2 backward)', shape.join('x'), 'GB/s', 1.25 * x.size * 4, ap, { tfjs: tap, ort: rap }));
    x.dispose();
  }
  if (c.want('channel') || c.want('diffusion')) {
    const z = randUniform(c.engine, [64, 512], { seed: 13 });
    const snr = tensor(c.engine, new Array(64).fill(5), [64]);
    const o = await timeOurs(c, () => awgnChannel(z, { snrDb: snr, seed: 1 }), 4);
    c.rows.push(rateRow('awgn channel (power norm + noise)', '64x512', 'GB/s', 2 * z.size * 4, o));
    const x = randUniform(c.engine, [8, 3, 64, 64], { seed: 14 });
    const d = await timeOurs(c, () => diffusionStep(x, x, { cx: 1, ce: 0.5, sigma: 0.1, seed: 1 }), 4);
    c.rows.push(rateRow('diffusion step (fused, on-GPU noise)', '8x3x64x64', 'GB/s', 3 * x.size * 4, d));
    for (const q of [z, snr, x]) q.dispose();
  }
}
