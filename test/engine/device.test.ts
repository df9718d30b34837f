import { describe, expect, it } from 'vitest';
import { runProcess } from '../run_process.js';
import { Engine, registerShader, tensor, add, WebGPUError } from '../../src/index.js';
import { useEngine } from '../helpers.js';

const engine = useEngine();

describe('device', () => {
  it('reports the adapter and detected features', () => {
    const e = engine();
    expect(typeof e.adapterInfo.description).toBe('string');
    for (const f of ['shaderF16', 'subgroups', 'timestampQuery'] as const) expect(typeof e.features[f]).toBe('boolean');
    // the kernels want the adapter's storage limit, not the 128 MiB default floor
    expect(e.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
  });

  it('a shader that does not compile is reported with the kernel name and shapes', async () => {
    const broken = registerShader(
      'deliberately_broken',
      `@group(0) @binding(0) var<storage, read_write> y: array<f32>;
       @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) { y[g.x] = undefined_thing; }`,
    );
    const e = engine();
    const y = tensor(e, [1, 2, 3], [3]);
    e.launch(broken, { buffers: [y.buffer], workgroups: [1], label: '[3]' });
    const err = await e.sync().then(() => null, (x: unknown) => x);
    expect(err).toBeInstanceOf(WebGPUError);
    expect(String((err as Error).message)).toMatch(/kernel 'deliberately_broken \[3\]'.*undefined_thing/s);
    // the engine keeps working afterwards
    expect(Array.from(await add(y, y).data())).toEqual([2, 4, 6]);
  });

  it('a wrong number of buffers is refused before it reaches WebGPU', () => {
    const e = engine();
    // @ts-expect-error: the types refuse it too (test/engine/kernel_types.test.ts); this is the run-time check
    expect(() => e.launch('fill', { buffers: [], workgroups: [1] })).toThrow(/kernel 'fill' takes 1 buffers \(y\), got 0/);
  });

  it('a tensor used after dispose() is a clear error', () => {
    const t = tensor(engine(), [1, 2], [2]);
    t.dispose();
    expect(() => add(t, t)).toThrow(/used after dispose/);
  });

  it('a lost device makes every later call fail with the reason', async () => {
    const e = await Engine.create();
    e.device.destroy();
    await e.device.lost;
    expect(() => tensor(e, [1], [1])).toThrow(/device lost/);
  });

  it('a Node process that used the engine exits by itself, cleanly', async () => {
    const script = `
      import { Engine, tensor, matmul } from './src/index.ts';
      const e = await Engine.create();
      const a = tensor(e, [1, 2, 3, 4], [2, 2]);
      console.log('result', Array.from(await matmul(a, a).data()).join(','));
    `;
    const r = await runProcess(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      timeout: 60_000,
    });
    expect(r.stderr).not.toMatch(/Segmentation|Assertion|Aborted|futex/i);
    expect(r.stdout).toContain('result 7,10,15,22');
    expect(r.status).toBe(0);
  });
});

describe('queue back-pressure', () => {
  it('a loop that never waits gets a clear error instead of exhausting the driver; throttle() keeps it flowing', async () => {
    const { fill } = await import('../../src/index.js');
    const e = await Engine.create();
    const t = fill(e, [4], 1);
    const err = (() => {
      try {
        for (let i = 0; i < 100; i++) {
          add(t, t).dispose();
          e.flush();
        }
      } catch (x) {
        return x as Error;
      }
      return null;
    })();
    expect(err?.message).toMatch(/submissions are waiting on the GPU.*throttle/);
    await e.sync();
    for (let i = 0; i < 100; i++) {
      add(t, t).dispose();
      await e.throttle();
    }
    expect(Array.from(await add(t, t).data())).toEqual([2, 2, 2, 2]);
    e.destroy();
  });
  it('work queued on an idle GPU goes out early, in doubling submits, with the same results', async () => {
    const { fill, affine } = await import('../../src/index.js');
    const sizes = async (firstSubmit: number) => {
      const e = await Engine.create({ firstSubmit });
      const submits: number[] = [];
      const queue = e.device.queue;
      const submit = queue.submit.bind(queue);
      let before = e.dispatchCount;
      queue.submit = (cbs: Iterable<GPUCommandBuffer>) => {
        submits.push(e.dispatchCount - before);
        before = e.dispatchCount;
        submit(cbs);
      };
      let x = fill(e, [3], 1);
      await e.sync();
      submits.length = 0;
      before = e.dispatchCount;
      for (let i = 0; i < 40; i++) x = affine(x, i % 2 ? 0.5 : 3, 0); // 40 dispatches, nothing awaited
      const out = Array.from(await x.data());
      queue.submit = submit;
      e.destroy();
      return { submits: submits.filter((n) => n > 0), out };
    };
    const early = await sizes(4);
    const whole = await sizes(0);
    // the GPU idles only before the first submit: 4, then 8, 16, and the rest at the readback
    expect(early.submits).toEqual([4, 8, 16, 12]);
    expect(whole.submits).toEqual([40]);
    expect(early.out).toEqual(whole.out);
    expect(early.out[0]).toBeCloseTo(1.5 ** 20, 0);
    await expect(Engine.create({ firstSubmit: -1 })).rejects.toThrow(/firstSubmit must be an integer ≥ 0, got -1/);
  });
});

describe('kernel profiling (timestamp queries)', () => {
  it('reports GPU time per kernel, and per kernel and shape label with byLabel', async (ctx) => {
    const { fill } = await import('../../src/index.js');
    const e = engine();
    ctx.skip(!e.features.timestampQuery, 'this adapter has no timestamp-query feature');
    const t = fill(e, [1 << 16], 1);
    const u = fill(e, [3, 5], 2);
    e.startProfile();
    for (let i = 0; i < 3; i++) add(t, t).dispose();
    const prof = await e.stopProfile();
    const row = prof.find((p) => p.kernel === 'binary');
    expect(row?.count).toBe(3);
    expect(row!.ms).toBeGreaterThanOrEqual(0);
    e.startProfile({ byLabel: true });
    for (let i = 0; i < 2; i++) add(t, t).dispose();
    add(u, u).dispose();
    const labelled = await e.stopProfile();
    expect(labelled.find((p) => p.kernel === 'binary add [65536] [65536]')?.count).toBe(2);
    expect(labelled.find((p) => p.kernel === 'binary add [3,5] [3,5]')?.count).toBe(1);
    u.dispose();
    t.dispose();
  });
});
