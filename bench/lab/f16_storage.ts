// Kernel lab: does half-precision storage pay on this adapter? matmul_rows_sg (A shared through the
// subgroup, 4 vec4 loads of B per lane per 4 values of k) against the same kernel reading B, or A and B,
// as f16 pairs packed in u32 (unpack2x16float, f32 accumulation): half the bytes and half the scalar
// loads of that operand. Validated against float64 on the f16-rounded operands; interleaved timing.
//   npx tsx bench/lab/f16_storage.ts [rounds]
import { readFileSync } from 'node:fs';
import { Engine } from '../../src/index.js';
import { registerShader } from '../../src/engine/shaders.js';
import { empty } from '../../src/kernels/util.js';
import { f16ToF32, f32ToF16 } from '../../src/engine/safetensors.js';

const engine = await Engine.create();
const ROUNDS = Number(process.argv[2] ?? 5);
const base = readFileSync(new URL('../../shaders/matmul_rows_sg.wgsl', import.meta.url), 'utf8')
  .replace('#include "lib/matmul_vec4_io"', readFileSync(new URL('../../shaders/lib/matmul_vec4_io.wgsl', import.meta.url), 'utf8'));
const packed = (src: string, operand: 'A' | 'B') =>
  src.replace(`var<storage, read> ${operand}: array<vec4<f32>>;`, `var<storage, read> ${operand}h: array<vec2<u32>>;\nfn ${operand}(i: u32) -> vec4<f32> { let q = ${operand}h[i]; return vec4<f32>(unpack2x16float(q.x), unpack2x16float(q.y)); }`)
    .replace(new RegExp(`\\b${operand}\\[([^\\]]+)\\]`, 'g'), `${operand}($1)`);
const KERNELS = { f32: base, f16B: packed(base, 'B'), f16AB: packed(packed(base, 'B'), 'A') };
const kernels = Object.fromEntries(Object.entries(KERNELS).map(([k, src]) => [k, registerShader(`lab_f16_${k}`, src)]));

function operand(n: number, seed: number) {
  let s = seed;
  const v = new Float32Array(n).map(() => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1 || 0.5);
  const halves = Uint16Array.from(v, f32ToF16);
  const rounded = Float64Array.from(halves, f16ToF32);
  const buf = (data: ArrayBufferView, floats: number) => { const t = empty(engine, [floats]); engine.write(t.buffer, data); return t; };
  return { full: buf(Float32Array.from(rounded), n), half: buf(new Uint32Array(halves.buffer), n / 2), rounded };
}

const rows: Record<string, unknown>[] = [];
for (const [M, N, K] of [[257, 256, 256], [1024, 64, 288], [4096, 128, 128]]) {
  const a = operand(M * K, 11), b = operand(K * N, 12), c = empty(engine, [M * N]);
  const run = (k: string) => engine.launch(kernels[k], {
    buffers: [k === 'f16AB' ? a.half.buffer : a.full.buffer, k === 'f32' ? b.full.buffer : b.half.buffer, c.buffer],
    uniforms: { M, N, K, batch: 1, strideA: 0, strideB: 0, strideC: M * N }, overrides: { WG_X: 16 },
    workgroups: [Math.ceil(N / 4 / 16), Math.ceil(M / 8), 1],
  });
  // validate: every kernel against float64 on the same (f16-representable) values
  const want = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let kk = 0; kk < K; kk++) { const av = a.rounded[i * K + kk]; for (let j = 0; j < N; j++) want[i * N + j] += av * b.rounded[kk * N + j]; }
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (const k of Object.keys(KERNELS)) {
    run(k);
    const got = new Float32Array(await engine.read(c.buffer, 0, M * N * 4));
    const err = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0) / scale;
    if (!(err < 1e-5)) throw new Error(`${k} ${M}×${N}×${K}: max error ${err.toExponential(2)} of max |C|`);
  }
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(KERNELS).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) for (const k of Object.keys(KERNELS)) {
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) run(k);
    await engine.sync();
    times[k].push((performance.now() - t0) / 5);
  }
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
  const gf = (k: string) => (2 * M * N * K) / med(times[k]) / 1e6;
  const row = { shape: `${M}×${N}×${K}`, ...Object.fromEntries(Object.keys(KERNELS).map((k) => [k, +gf(k).toFixed(2)])) };
  rows.push(row);
  console.log(JSON.stringify(row));
  for (const t of [a.full, a.half, b.full, b.half, c]) t.dispose();
}
engine.destroy();
