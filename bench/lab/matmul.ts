// Kernel lab for matmul (llm.c dev/cuda style): a float64 CPU reference, numbered kernel variants,
// validation on a shape that is not a multiple of any tile, and timing at the model shapes.
// `npx tsx bench/lab/matmul.ts [variant ...]`
import { readFileSync } from 'node:fs';
import { Engine, randUniform, type Tensor } from '../../src/index.js';
import { registerShader, shaderSource } from '../../src/engine/shaders.js';
import { matmulRaw } from '../../src/kernels/matmul.js';
import { empty } from '../../src/kernels/util.js';
import { genPrivateColumn, genUniformRows } from './matmul_gen.js';

const engine = await Engine.create();
type Run = (a: Tensor, b: Tensor, c: Tensor, M: number, N: number, K: number) => void;

function labKernel(file: string, cols: number, rows: number, wg: number, source?: string, wgy = 1): Run {
  const kernel = registerShader(`lab_${file}`, source ?? readFileSync(new URL(`./matmul/${file}.wgsl`, import.meta.url), 'utf8'));
  return (a, b, c, M, N, K) =>
    engine.launch(kernel, {
      buffers: [a.buffer, b.buffer, c.buffer],
      uniforms: { M, N, K, batch: 1, strideA: 0, strideB: 0, strideC: M * N },
      overrides: file.includes('_sg') ? { WG_X: wg } : { WG: wg, ...(source ? { WGY: wgy } : {}) },
      workgroups: [Math.ceil(Math.ceil(N / cols) / wg), Math.ceil(M / rows / wgy), 1],
    });
}

// Timing probes (wrong results): hoist the matching loads out of the k loop (they then load k = 0 only).
function hoist(which: RegExp): string {
  const lines = genUniformRows(8, 1).split('\n');
  const loads = lines.filter((l) => which.test(l));
  const rest = lines.filter((l) => !loads.includes(l));
  rest.splice(rest.findIndex((l) => l.includes('let kMain')), 0, ...loads.map((l) => l.replace(/\bk\b/g, '0u')));
  return rest.join('\n');
}

// matmul_rows_sg with RB blocks of 8 rows per workgroup (fewer, longer workgroups: the per-workgroup
// setup amortised over more rows, for short K). Tried at the Winograd products' shapes: no consistent gain
// (docs/performance.md, "Row blocks per workgroup").
function rowBlocksSource(): string {
  return shaderSource('matmul_rows_sg')
    .replace('override WG_X: u32 = 16u;', 'override WG_X: u32 = 16u;\noverride RB: u32 = 1u;')
    .replace('let r0 = wid.y * 8u;', 'for (var rb = 0u; rb < RB; rb++) {\n  let r0 = (wid.y * RB + rb) * 8u;')
    .replace('if (gid.x >= N4) { return; }', 'if (gid.x < N4) {')
    .replace(/(if \(r0 \+ 7u < p\.M\) \{[^\n]*\})/, '$1\n  }\n  }');
}
const rowBlocksKernel = registerShader('lab_rows_sg_rb', rowBlocksSource());
const rowBlocks = (RB: number): Run => (a, b, c, M, N, K) => {
  const wx = (N / 4) % 16 === 0 ? 16 : 8;
  engine.launch(rowBlocksKernel, { buffers: [a.buffer, b.buffer, c.buffer, a.buffer], uniforms: { M, N, K, batch: 1, strideA: 0, strideB: 0, strideC: M * N }, overrides: { WG_X: wx, RB }, workgroups: [Math.ceil(N / 4 / wx), Math.ceil(M / 8 / RB), 1] });
};

const VARIANTS: Record<string, Run> = {
  rows: (a, b, c, M, N, K) => matmulRaw(a, b, c, M, N, K, 1, 0, 0, 'rows8x4'),
  rows16_sg: labKernel('rows16_sg', 4, 16, 16),
  rows8x8_sg: labKernel('rows8x8_sg', 8, 8, 16),
  rows_sg_wg8: (a, b, c, M, N, K) => engine.launch('matmul_rows_sg', { buffers: [a.buffer, b.buffer, c.buffer, a.buffer], uniforms: { M, N, K, batch: 1, strideA: 0, strideB: 0, strideC: M * N }, overrides: { WG_X: 8 }, workgroups: [Math.ceil(N / 4 / 8), Math.ceil(M / 8), 1] }),
  rows_sg_wg64: (a, b, c, M, N, K) => engine.launch('matmul_rows_sg', { buffers: [a.buffer, b.buffer, c.buffer, a.buffer], uniforms: { M, N, K, batch: 1, strideA: 0, strideB: 0, strideC: M * N }, overrides: { WG_X: 64 }, workgroups: [Math.ceil(N / 4 / 64), Math.ceil(M / 8), 1] }),
  rows_sg_rb2: rowBlocks(2),
  rows_sg_rb4: rowBlocks(4),
  rows_sg: (a, b, c, M, N, K) => engine.launch('matmul_rows_sg', { buffers: [a.buffer, b.buffer, c.buffer, a.buffer], uniforms: { M, N, K, batch: 1, strideA: 0, strideB: 0, strideC: M * N }, overrides: { WG_X: 16 }, workgroups: [Math.ceil(N / 4 / 16), Math.ceil(M / 8), 1] }),
  // the loop counter made subgroup-uniform: A loads become one load + broadcast
  sg_8x1: labKernel('sg_8x1', 4, 8, 16, 'enable subgroups;\n' + genUniformRows(8, 1).replace('let kb0 = bBase + (k + 0u)', 'let ku = subgroupBroadcastFirst(k);\n    let kb0 = bBase + (ku + 0u)').replace(/\+ k \+ 0u\]/g, '+ ku]')),
  // timing probe only (wrong results): every lane reads the same B column, so all loads are uniform
  // timing probe only: the loads of the first k step are reused for every k (no loads in the loop)
  probe_noLoads: labKernel('probe_noLoads', 4, 8, 16, hoist(/let (b\d_0_0|a\d_0|kb0) = /)),
  probe_onlyALoads: labKernel('probe_onlyALoads', 4, 8, 16, hoist(/let (b\d_0_0|kb0) = /)),
  probe_onlyBLoads: labKernel('probe_onlyBLoads', 4, 8, 16, hoist(/let (a\d_0) = /)),
  probe_uniformB: labKernel('probe_uniformB', 4, 8, 16, genUniformRows(8, 1).replace(/let cc0 = .*;/, 'let cc0 = min(wid.x, N4 - 1u);')),
  v1: (a, b, c, M, N, K) => matmulRaw(a, b, c, M, N, K, 1, 0, 0),
  v2: labKernel('v2_uniform_rows', 4, 8, 64),
  v3: labKernel('v3_uniform_rows_2col', 8, 4, 64),
};
for (const [R, Cv, wg, UK] of [[8, 1, 16, 1], [8, 1, 16, 2], [8, 1, 16, 4], [4, 1, 16, 4], [4, 2, 16, 2], [4, 2, 16, 4], [16, 1, 16, 2], [8, 2, 16, 2]] as const) {
  const id = `g_${R}x${Cv}_wg${wg}_uk${UK}`;
  VARIANTS[id] = labKernel(id, 4 * Cv, R, wg, genUniformRows(R, Cv, false, UK));
}
for (const [KC, R, RB, useFma] of [[256, 64, 4, false], [256, 64, 4, true], [128, 64, 8, true], [256, 32, 2, true]] as const) {
  const id = `pc_k${KC}_r${R}_rb${RB}${useFma ? '_fma' : ''}`;
  VARIANTS[id] = labKernel(id, 1, R, 64, genPrivateColumn(KC, R, RB, useFma));
}

function reference(a: Float32Array, b: Float32Array, M: number, N: number, K: number): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) {
    const aik = a[i * K + k];
    for (let j = 0; j < N; j++) c[i * N + j] += aik * b[k * N + j];
  }
  return c;
}

async function validate(run: Run, M: number, N: number, K: number): Promise<number> {
  const a = randUniform(engine, [M, K], { seed: 3 }, -1, 1);
  const b = randUniform(engine, [K, N], { seed: 4 }, -1, 1);
  const c = empty(engine, [M, N]);
  run(a, b, c, M, N, K);
  const ref = reference(await a.data(), await b.data(), M, N, K);
  const got = await c.data();
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / (1 + Math.abs(ref[i])));
  a.dispose(); b.dispose(); c.dispose();
  return worst;
}

async function time(run: Run, M: number, N: number, K: number): Promise<number> {
  const a = randUniform(engine, [M, K], { seed: 1 });
  const b = randUniform(engine, [K, N], { seed: 2 });
  const c = empty(engine, [M, N]);
  const reps = Math.max(1, Math.round(3e8 / (M * N * K)));
  run(a, b, c, M, N, K);
  await engine.sync();
  const samples: number[] = [];
  for (let s = 0; s < 7; s++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) run(a, b, c, M, N, K);
    await engine.sync();
    samples.push((performance.now() - t0) / reps);
  }
  a.dispose(); b.dispose(); c.dispose();
  samples.sort((x, y) => x - y);
  return (2 * M * N * K) / samples[3] / 1e6;
}

const pick = process.argv.slice(2);
// LAB_SHAPES=9216x32x32,...: M×N×K (9216×32×32: the 36 Winograd products 256×32×32 of a batch-1 64×64 conv as one)
const SHAPES = process.env.LAB_SHAPES ? process.env.LAB_SHAPES.split(',').map((s) => s.split('x').map(Number)) : [[1024, 1024, 1024], [256, 256, 256], [4096, 64, 288], [256, 256, 64]];
for (const [name, run] of Object.entries(VARIANTS)) {
  if (pick.length && !pick.includes(name)) continue;
  const err = await validate(run, 37, 52, 68);
  const rates: string[] = [];
  for (const [M, N, K] of SHAPES) rates.push(`${M}x${K}x${N} ${(await time(run, M, N, K)).toFixed(1)}`);
  console.log(`${name}  max rel err ${err.toExponential(1)}  GFLOP/s: ${rates.join('  ')}`);
}
engine.destroy?.();
