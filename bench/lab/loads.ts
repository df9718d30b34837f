// Micro-benchmark: the cost of a per-lane (divergent) load from storage, uniform and workgroup memory,
// of a uniform (same address in every lane) storage load, and of f16 storage (packed pairs in u32, or
// vec4<f16> where shader-f16 exists) widened to f32, on the current adapter.
import { Engine, randUniform } from '../../src/index.js';
import { registerShader } from '../../src/engine/shaders.js';
import { empty } from '../../src/kernels/util.js';

const engine = await Engine.create();
const ITER = 1024;
const head = `@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  var s = vec4<f32>(0.0);`;
const tail = `  out[gid.x] = s.x + s.y + s.z + s.w;\n}`;
const KERNELS: Record<string, string> = {
  storage_lane: `@group(0) @binding(0) var<storage, read> X: array<vec4<f32>>;\n${head}
  for (var i = 0u; i < ${ITER}u; i++) { s += X[(i * 64u + li) & 4095u]; }\n${tail}`,
  // half-precision storage: the same four values per iteration from half the bytes, widened to f32
  storage_lane_f16pair: `@group(0) @binding(0) var<storage, read> X: array<vec2<u32>>;\n${head}
  for (var i = 0u; i < ${ITER}u; i++) { let p = X[(i * 64u + li) & 4095u]; s += vec4<f32>(unpack2x16float(p.x), unpack2x16float(p.y)); }\n${tail}`,
  storage_lane_vec4h: `enable f16;\n@group(0) @binding(0) var<storage, read> X: array<vec4<f16>>;\n${head}
  for (var i = 0u; i < ${ITER}u; i++) { s += vec4<f32>(X[(i * 64u + li) & 4095u]); }\n${tail}`,
  storage_uniform: `@group(0) @binding(0) var<storage, read> X: array<vec4<f32>>;\n${head}
  for (var i = 0u; i < ${ITER}u; i++) { s += X[(i * 64u + wid.x) & 4095u]; }\n${tail}`,
  ubo_lane: `@group(0) @binding(0) var<uniform> X: array<vec4<f32>, 4096>;\n${head}
  for (var i = 0u; i < ${ITER}u; i++) { s += X[(i * 64u + li) & 4095u]; }\n${tail}`,
  alu_only: `@group(0) @binding(0) var<storage, read> X: array<vec4<f32>>;\n${head}
  var a0 = X[li]; var a1 = X[li + 64u]; var a2 = X[li + 128u]; var a3 = X[li + 192u];
  var t0 = vec4<f32>(0.0); var t1 = vec4<f32>(0.0); var t2 = vec4<f32>(0.0); var t3 = vec4<f32>(0.0);
  let m = X[wid.x];
  for (var i = 0u; i < ${ITER}u; i++) { t0 = t0 * m + a0; t1 = t1 * m + a1; t2 = t2 * m + a2; t3 = t3 * m + a3; s = s * m + a0; }
  s += t0 + t1 + t2 + t3;\n${tail}`,
  alu_lean: `@group(0) @binding(0) var<storage, read> X: array<vec4<f32>>;\n${head}
  var t0 = X[li]; var t1 = X[li + 64u]; var t2 = X[li + 128u]; var t3 = X[li + 192u];
  let m = X[wid.x]; let c = X[wid.x + 1u];
  for (var i = 0u; i < ${ITER}u; i++) { t0 = t0 * m + c; t1 = t1 * m + c; t2 = t2 * m + c; t3 = t3 * m + c; }
  s += t0 + t1 + t2 + t3;\n${tail}`,
  alu_lean_unroll4: `@group(0) @binding(0) var<storage, read> X: array<vec4<f32>>;\n${head}
  var t0 = X[li]; var t1 = X[li + 64u]; var t2 = X[li + 128u]; var t3 = X[li + 192u];
  let m = X[wid.x]; let c = X[wid.x + 1u];
  for (var i = 0u; i < ${ITER / 4}u; i++) { t0 = (((t0 * m + c) * m + c) * m + c) * m + c; t1 = (((t1 * m + c) * m + c) * m + c) * m + c; t2 = (((t2 * m + c) * m + c) * m + c) * m + c; t3 = (((t3 * m + c) * m + c) * m + c) * m + c; }
  s += t0 + t1 + t2 + t3;\n${tail}`,
  storage_lane_x4: `@group(0) @binding(0) var<storage, read> X: array<vec4<f32>>;\n${head}
  for (var i = 0u; i < ${ITER}u; i += 4u) { let b = (i * 64u + li) & 4095u; s += X[b] + X[(b + 64u) & 4095u] + X[(b + 128u) & 4095u] + X[(b + 192u) & 4095u]; }\n${tail}`,
  shared_lane: `@group(0) @binding(0) var<storage, read> X: array<vec4<f32>>;\nvar<workgroup> W: array<vec4<f32>, 1024>;\n${head}
  for (var j = li; j < 1024u; j += 64u) { W[j] = X[j]; }
  workgroupBarrier();
  for (var i = 0u; i < ${ITER}u; i++) { s += W[(i * 64u + li) & 1023u]; }\n${tail}`,
};
const x = randUniform(engine, [4096 * 4], { seed: 1 });
const out = empty(engine, [64 * 256]);
const only = process.argv[2];
for (const [name, src] of Object.entries(KERNELS)) {
  if (only && name !== only) continue;
  const kernel = registerShader(`lab_load_${name}`, src);
  const run = () => engine.launch(kernel, { buffers: name.startsWith('ubo') ? [out.buffer] : [x.buffer, out.buffer], workgroups: [256] });
  try {
    run();
    await engine.sync();
  } catch (e) {
    console.log(name, 'failed:', (e as Error).message.split('\n')[0]);
    continue;
  }
  const t: number[] = [];
  for (let s = 0; s < 5; s++) {
    const t0 = performance.now();
    for (let r = 0; r < 5; r++) run();
    await engine.sync();
    t.push((performance.now() - t0) / 5);
  }
  t.sort((a, b) => a - b);
  const loads = 64 * 256 * ITER * 4; // scalar loads
  console.log(`${name.padEnd(16)} ${(t[2]).toFixed(2)} ms  ${(loads / t[2] / 1e6).toFixed(2)} G scalar loads/s`);
}
