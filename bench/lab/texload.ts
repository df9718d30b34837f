// Micro-benchmark, raw WebGPU: per-lane loads from a storage buffer vs textureLoad from an rgba32float
// texture (lavapipe fetches texels without the per-lane bounds-check branches of storage loads).
import { Engine } from '../../src/index.js';

const engine = await Engine.create(process.env.NO_ROBUST ? { dawnFlags: ['enable-dawn-features=disable_robustness'] } : {});
const device = (engine as unknown as { device: GPUDevice }).device;
const ITER = 1024;
const W = 64, H = 64; // 4096 texels = 4096 vec4
const common = `@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  var s = vec4<f32>(0.0);`;
const SRC: Record<string, string> = {
  storage: `@group(0) @binding(0) var<storage, read> X: array<vec4<f32>>;\n${common}
  for (var i = 0u; i < ${ITER}u; i++) { s += X[(i * 64u + li) & 4095u]; }
  out[gid.x] = s.x + s.y + s.z + s.w; }`,
  ubo: `@group(0) @binding(0) var<uniform> X: array<vec4<f32>, 4096>;\n${common}
  for (var i = 0u; i < ${ITER}u; i++) { s += X[(i * 64u + li) & 4095u]; }
  out[gid.x] = s.x + s.y + s.z + s.w; }`,
  texture: `@group(0) @binding(0) var X: texture_2d<f32>;\n${common}
  for (var i = 0u; i < ${ITER}u; i++) { let j = (i * 64u + li) & 4095u; s += textureLoad(X, vec2<u32>(j & 63u, j >> 6u), 0); }
  out[gid.x] = s.x + s.y + s.z + s.w; }`,
};
const buf = device.createBuffer({ size: 4096 * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
const data = new Float32Array(4096 * 4).map(() => Math.random());
device.queue.writeBuffer(buf, 0, data);
const tex = device.createTexture({ size: [W, H], format: 'rgba32float', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
device.queue.writeTexture({ texture: tex }, data, { bytesPerRow: W * 16 }, [W, H]);
const out = device.createBuffer({ size: 64 * 256 * 4, usage: GPUBufferUsage.STORAGE });
for (const [name, code] of Object.entries(SRC)) {
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const bg = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: name === 'texture' ? tex.createView() : { buffer: buf } }, { binding: 1, resource: { buffer: out } }] });
  const run = async (n: number) => {
    const enc = device.createCommandEncoder();
    for (let i = 0; i < n; i++) {
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bg);
      pass.dispatchWorkgroups(256);
      pass.end();
    }
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
  };
  await run(1);
  const t: number[] = [];
  for (let s = 0; s < 5; s++) { const t0 = performance.now(); await run(5); t.push((performance.now() - t0) / 5); }
  t.sort((a, b) => a - b);
  console.log(`${name.padEnd(10)} ${t[2].toFixed(2)} ms  ${((64 * 256 * ITER * 4) / t[2] / 1e6).toFixed(2)} G lane-scalar loads/s`);
}
