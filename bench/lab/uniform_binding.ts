// Lab: what binding a kernel's uniform values costs per dispatch, in raw WebGPU (no engine): 200 one-
// invocation dispatches per submit, each on its own output buffer, the values bound as a uniform buffer
// at a dynamic offset, at static offsets (one cached bind group per slot), with a bind group made per
// dispatch, as read-only storage either way, or not at all. Median of 11 submits, µs per dispatch.
//   npx tsx bench/lab/uniform_binding.ts
import { Engine } from '../../src/index.js';

const e = await Engine.create({ autotune: false });
const dev: GPUDevice = (e as unknown as { device: GPUDevice }).device;
const code = (uni: 'none' | 'uniform' | 'storage') => `
${uni === 'none' ? '' : `struct Params { n: u32, a: u32, b: u32, c: u32 }
@group(0) @binding(1) var<${uni === 'uniform' ? 'uniform' : 'storage, read'}> p: Params;`}
@group(0) @binding(0) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) gid: vec3<u32>) { if (gid.x < ${uni === 'none' ? '1u' : 'p.n'}) { y[gid.x] = 1.0; } }`;
const ys = Array.from({ length: 200 }, () => dev.createBuffer({ size: 1024, usage: GPUBufferUsage.STORAGE }));
const ubig = dev.createBuffer({ size: 256 * 512, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
const data = new Uint32Array(256 * 512 / 4); for (let i = 0; i < 512; i++) data[i * 64] = 1; dev.queue.writeBuffer(ubig, 0, data);
async function run(name: string, uni: 'none' | 'uniform' | 'storage', dynamic: boolean, perDispatchBG: boolean) {
  const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }];
  if (uni !== 'none') entries.push({ binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: uni === 'uniform' ? 'uniform' : 'read-only-storage', hasDynamicOffset: dynamic } });
  const bgl = dev.createBindGroupLayout({ entries });
  const pipe = dev.createComputePipeline({ layout: dev.createPipelineLayout({ bindGroupLayouts: [bgl] }), compute: { module: dev.createShaderModule({ code: code(uni) }), entryPoint: 'main' } });
  const mk = (i: number) => dev.createBindGroup({ layout: bgl, entries: [{ binding: 0, resource: { buffer: ys[i] } }, ...(uni === 'none' ? [] : [{ binding: 1, resource: { buffer: ubig, offset: dynamic ? 0 : (i % 512) * 256, size: 16 } }])] });
  const cached = ys.map((_, i) => mk(i));
  const once = async () => {
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipe);
    for (let i = 0; i < 200; i++) {
      const bg = perDispatchBG ? mk(i) : cached[i];
      if (dynamic) pass.setBindGroup(0, bg, [(i % 512) * 256]); else pass.setBindGroup(0, bg);
      pass.dispatchWorkgroups(1);
    }
    pass.end();
    dev.queue.submit([enc.finish()]);
    await dev.queue.onSubmittedWorkDone();
  };
  for (let i = 0; i < 3; i++) await once();
  const t: number[] = [];
  for (let r = 0; r < 11; r++) { const t0 = performance.now(); await once(); t.push(performance.now() - t0); }
  t.sort((a, b) => a - b);
  console.log(name.padEnd(40), (t[5] * 5).toFixed(1), 'µs per dispatch');
}
for (let k = 0; k < 2; k++) {
  await run('storage only', 'none', false, false);
  await run('uniform, dynamic offset', 'uniform', true, false);
  await run('uniform, static offsets', 'uniform', false, false);
  await run('uniform, static, bind group per dispatch', 'uniform', false, true);
  await run('read-only storage params, dynamic', 'storage', true, false);
  await run('read-only storage params, static', 'storage', false, false);
}
e.destroy();
