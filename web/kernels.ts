// Kernel playground: run a kernel at a chosen shape, compare with the float64 reference, time it.
import { Engine } from '../src/engine/engine.js';
import { tensor } from '../src/kernels/create.js';
import { add, conv2d, matmul, softmax, type Tensor } from '../src/index.js';
import { conv2dRef, matmulRef, softmaxRef } from '../src/util/reference.js';
import { webgpuHelp } from './webgpu_help.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function randomArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

interface Result { kernel: string; shape: number[]; maxError: number; tolerance: number; ok: boolean; medianMs: number; rate: number; unit: string; firstRunMs: number }

async function run(engine: Engine, kernel: string, shape: number[]): Promise<Result> {
  let make: () => Tensor;
  let ref: () => Float64Array;
  let work: number;
  let unit = 'GFLOP/s';
  let tolerance = 1e-4;
  const f64 = (a: Float32Array) => Float64Array.from(a);
  if (kernel === 'matmul') {
    const [M, K, N] = shape;
    const a = randomArray(M * K, 1), b = randomArray(K * N, 2);
    const ta = tensor(engine, a, [M, K]), tb = tensor(engine, b, [K, N]);
    make = () => matmul(ta, tb);
    ref = () => matmulRef(f64(a), f64(b), 1, 1, M, K, N);
    work = 2 * M * N * K;
    tolerance = 1e-5 * Math.sqrt(K) + 1e-4;
  } else if (kernel === 'conv2d') {
    const [N, Cin, H, W, Cout] = shape;
    const x = randomArray(N * Cin * H * W, 3), w = randomArray(Cout * Cin * 9, 4);
    const tx = tensor(engine, x, [N, Cin, H, W]), tw = tensor(engine, w, [Cout, Cin, 3, 3]);
    make = () => conv2d(tx, tw, null, { padding: 1 });
    ref = () => conv2dRef(f64(x), [N, Cin, H, W], f64(w), [Cout, Cin, 3, 3], null, { stride: [1, 1], pad: [1, 1, 1, 1], dil: [1, 1], groups: 1 }).out;
    work = 2 * N * Cout * H * W * Cin * 9;
    tolerance = 1e-5 * Math.sqrt(Cin * 9) + 1e-4;
  } else if (kernel === 'add') {
    const [n] = shape;
    const a = randomArray(n, 5), b = randomArray(n, 6);
    const ta = tensor(engine, a, [n]), tb = tensor(engine, b, [n]);
    make = () => add(ta, tb);
    ref = () => Float64Array.from(a, (v, i) => v + b[i]);
    work = 12 * n;
    unit = 'GB/s';
  } else {
    const [rows, cols] = shape;
    const a = randomArray(rows * cols, 7);
    const ta = tensor(engine, a, [rows, cols]);
    make = () => softmax(ta);
    ref = () => softmaxRef(f64(a), cols);
    work = 8 * rows * cols;
    unit = 'GB/s';
  }
  const t0 = performance.now();
  const first = make();
  const got = await first.data();
  const firstRunMs = performance.now() - t0;
  first.dispose();
  const expected = ref();
  let maxError = 0;
  for (let i = 0; i < expected.length; i++) maxError = Math.max(maxError, Math.abs(got[i] - expected[i]) / (1 + Math.abs(expected[i])));
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const s = performance.now();
    make().dispose();
    await engine.sync();
    times.push(performance.now() - s);
  }
  times.sort((x, y) => x - y);
  const medianMs = times[3];
  return { kernel, shape, maxError, tolerance, ok: maxError <= tolerance, medianMs, rate: work / medianMs / 1e6, unit, firstRunMs };
}

async function main() {
  if (!('gpu' in navigator)) {
    const el = $('nogpu');
    el.textContent = webgpuHelp();
    el.hidden = false;
    return;
  }
  let engine: Engine;
  try {
    engine = await Engine.create();
  } catch (e) {
    const el = $('nogpu');
    el.textContent = e instanceof Error ? e.message : String(e);
    el.hidden = false;
    return;
  }
  const go = async (kernel: string, shape: number[]) => {
    $('error').hidden = true;
    $('status').textContent = 'Running…';
    const r = await run(engine, kernel, shape);
    $('result').textContent =
      `${r.kernel} [${r.shape.join(', ')}] on ${engine.adapterInfo.architecture || 'this adapter'}\n` +
      `max relative error vs float64 reference: ${r.maxError.toExponential(2)} (tolerance ${r.tolerance.toExponential(1)}) — ${r.ok ? 'correct' : 'WRONG'}\n` +
      `median ${r.medianMs.toFixed(2)} ms → ${r.rate.toFixed(2)} ${r.unit}; first run ${r.firstRunMs.toFixed(0)} ms (includes shader compile)`;
    $('status').textContent = 'Done.';
    return r;
  };
  $('run').addEventListener('click', () => {
    const shape = $<HTMLInputElement>('shape').value.split(',').map((s) => Number(s.trim()));
    const kernel = $<HTMLSelectElement>('kernel').value;
    const need = { matmul: 3, conv2d: 5, add: 1, softmax: 2 }[kernel]!;
    if (shape.length !== need || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      $('error').textContent = `${kernel} needs ${need} positive integers, got "${$<HTMLInputElement>('shape').value}"`;
      $('error').hidden = false;
      return;
    }
    go(kernel, shape).catch((e) => { $('error').textContent = String(e instanceof Error ? e.message : e); $('error').hidden = false; });
  });
  (window as unknown as Record<string, unknown>).__kernels = { ready: true, run: go };
}

main().catch((e) => { $('error').textContent = String(e); $('error').hidden = false; });
