// Lab: how fast can any shader move memory on this adapter? A copy and an add written the simplest ways
// (one vec4 per invocation; a grid-stride loop; chunks of a row as in shaders/binary.wgsl; one invocation per
// workgroup, so that every address is uniform), next to the
// engine's add and the device-to-device copy, in GB/s of bytes read + written, interleaved rounds.
//   npx tsx bench/lab/memory_ceiling.ts [rounds]
import { Engine, randUniform, add } from '../../src/index.js';
import { registerShader } from '../../src/engine/shaders.js';
import { empty } from '../../src/kernels/util.js';

const engine = await Engine.create();
const N = 1 << 22; // 4 Mi floats, as the bench's memory rows
const V = N / 4;
const io = (inputs: number) => [
  ...Array.from({ length: inputs }, (_, i) => `@group(0) @binding(${i}) var<storage, read> x${i}: array<vec4<f32>>;`),
  `@group(0) @binding(${inputs}) var<storage, read_write> y: array<vec4<f32>>;`,
].join('\n');
const gid = '@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>';
const KERNELS: Record<string, { inputs: number; wg: [number]; src: string }> = {
  copy_one: { inputs: 1, wg: [V / 256], src: `${io(1)}\n@compute @workgroup_size(256) fn main(${gid}) { y[gid.x] = x0[gid.x]; }` },
  copy_stride: { inputs: 1, wg: [128], src: `${io(1)}\n@compute @workgroup_size(256) fn main(${gid}) {
    for (var i = gid.x; i < ${V}u; i += nwg.x * 256u) { y[i] = x0[i]; } }` },
  copy_chunk: { inputs: 1, wg: [V / 64 / 256], src: `${io(1)}\n@compute @workgroup_size(256) fn main(${gid}) {
    let b = gid.x * 64u; for (var j = b; j < b + 64u; j++) { y[j] = x0[j]; } }` },
  add_one: { inputs: 2, wg: [V / 256], src: `${io(2)}\n@compute @workgroup_size(256) fn main(${gid}) { y[gid.x] = x0[gid.x] + x1[gid.x]; }` },
  add_stride: { inputs: 2, wg: [128], src: `${io(2)}\n@compute @workgroup_size(256) fn main(${gid}) {
    for (var i = gid.x; i < ${V}u; i += nwg.x * 256u) { y[i] = x0[i] + x1[i]; } }` },
  // one invocation per workgroup: every address is uniform across the (masked) SIMD lanes
  add_uniform: { inputs: 2, wg: [V / 256], src: `${io(2)}\n@compute @workgroup_size(1) fn main(@builtin(workgroup_id) wid: vec3<u32>) {
    let b = wid.x * 256u; for (var j = b; j < b + 256u; j++) { y[j] = x0[j] + x1[j]; } }` },
  copy_uniform: { inputs: 1, wg: [V / 256], src: `${io(1)}\n@compute @workgroup_size(1) fn main(@builtin(workgroup_id) wid: vec3<u32>) {
    let b = wid.x * 256u; for (var j = b; j < b + 256u; j++) { y[j] = x0[j]; } }` },
};
const a = randUniform(engine, [N], { seed: 1 });
const b = randUniform(engine, [N], { seed: 2 });
const out = empty(engine, [N]);
const runs: Record<string, { bytes: number; run: () => void }> = {
  device_copy: { bytes: 2 * N * 4, run: () => engine.commandEncoder().copyBufferToBuffer(a.buffer, 0, out.buffer, 0, N * 4) },
  engine_add: { bytes: 3 * N * 4, run: () => add(a, b).dispose() },
};
for (const [name, k] of Object.entries(KERNELS)) {
  const kernel = registerShader(`lab_mem_${name}`, k.src);
  const buffers = [a.buffer, b.buffer].slice(0, k.inputs).concat(out.buffer);
  runs[name] = { bytes: (k.inputs + 1) * N * 4, run: () => engine.launch(kernel, { buffers, workgroups: k.wg }) };
}
// every kernel computes what it says (the adds against the engine's add)
const want = await add(a, b).data();
for (const [name, r] of Object.entries(runs)) {
  r.run();
  const got = await out.data();
  const ref = name.includes('add') ? want : await a.data();
  if (name !== 'engine_add' && got.some((v, i) => v !== ref[i])) throw new Error(`${name}: wrong result`);
}
const rounds = Number(process.argv[2] ?? 7);
const times: Record<string, number[]> = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, r] of Object.entries(runs)) {
    const t0 = performance.now();
    for (let i = 0; i < 8; i++) r.run();
    await engine.sync();
    (times[name] ??= []).push((performance.now() - t0) / 8);
  }
}
for (const [name, t] of Object.entries(times)) {
  t.sort((p, q) => p - q);
  const ms = t[t.length >> 1];
  console.log(`${name.padEnd(12)} ${ms.toFixed(2).padStart(7)} ms  ${(runs[name].bytes / ms / 1e6).toFixed(1).padStart(5)} GB/s`);
}
