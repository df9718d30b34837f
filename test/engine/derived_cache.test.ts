// The engine's cache of tensors derived from unchanged sources (conv weight re-layouts, Winograd
// transforms): made once while the source is unchanged, made again after any kernel or host write into
// it, dropped with the source, bounded by its byte budget; convolutions stay exact through weight updates.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { Adam, affine, backward, conv2d, mean, requireGrad, square, tensor, tidy } from '../../src/index.js';
import { copyStrided } from '../../src/kernels/copy.js';
import { convTranspose2d } from '../../src/kernels/conv2d/transpose.js';
import { conv2dRef, convTranspose2dRef, size } from '../reference/ops.js';
import { expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe('derived cache', () => {
  it('makes once while the source is unchanged; a kernel write or a host write into it makes again', async () => {
    const e = engine();
    const rng = testRng();
    const src = tensor(e, rng.f32(37), [37]);
    let made = 0;
    const derive = () => e.derived.get(src, 'twice', () => (made++, affine(src, 2, 0)));
    const a = derive();
    expect(derive()).toBe(a);
    expect(made).toBe(1);
    expectClose(await a.data(), Array.from(await src.data(), (v) => 2 * v), 0, 0);
    // a kernel that binds src read_write (a strided copy into it)
    const other = tensor(e, rng.f32(37), [37]);
    copyStrided(other, src, [37], [1], [1], 0, 0, 'overwrite');
    const b = derive();
    expect(made).toBe(2);
    expect(a.disposed).toBe(true); // the stale one is freed
    expectClose(await b.data(), Array.from(await other.data(), (v) => 2 * v), 0, 0);
    // a host write
    const fresh = Float32Array.from(rng.f32(37));
    e.write(src.buffer, fresh);
    const c = derive();
    expect(made).toBe(3);
    expectClose(await c.data(), Array.from(fresh, (v) => 2 * v), 0, 0);
    // another key is another entry; disposing the source drops both
    const before = e.derived.stats().entries;
    e.derived.get(src, 'thrice', () => affine(src, 3, 0));
    expect(e.derived.stats().entries).toBe(before + 1);
    src.dispose();
    expect(e.derived.stats().entries).toBe(before - 1);
    expect(c.disposed).toBe(true);
    other.dispose();
  });

  it('keeps within its byte budget, the least recently used source going first', async () => {
    const e = await Engine.create({ derivedCacheBytes: 3 * 100 * 4 });
    try {
      const srcs = [0, 1, 2, 3].map((i) => tensor(e, new Array(100).fill(i + 1), [100]));
      const outs = srcs.slice(0, 3).map((s) => e.derived.get(s, 'copy', () => affine(s, 1, 0)));
      expect(e.derived.stats()).toMatchObject({ entries: 3, bytes: 1200 });
      e.derived.get(srcs[0], 'copy', () => { throw new Error('a hit must not make'); }); // 0 is now the most recent
      e.derived.get(srcs[3], 'copy', () => affine(srcs[3], 1, 0)); // over budget: 1 goes
      expect(e.derived.stats()).toMatchObject({ entries: 3, bytes: 1200 });
      expect(outs.map((t) => t.disposed)).toEqual([false, true, false]);
    } finally {
      e.destroy();
    }
  });

  it('convolutions through cached layouts follow every weight update (Adam steps), forward and transposed', async () => {
    const e = engine();
    const rng = testRng();
    // odd shapes; 3×3 stride 1 with 64 channels runs on Winograd by default (its transform cached too)
    const cases: [number[], number[], number][] = [[[2, 5, 9, 7], [6, 5, 3, 3], 1], [[1, 64, 6, 5], [64, 64, 3, 3], 1], [[1, 3, 8, 8], [4, 3, 4, 4], 2]];
    for (const [xs, ws, stride] of cases) {
      const x = tensor(e, rng.f32(size(xs), -1, 1), xs);
      const w = requireGrad(tensor(e, rng.f32(size(ws), -0.5, 0.5), ws));
      const opt = new Adam([w], { lr: 0.05 });
      const o = { stride: [stride, stride] as [number, number], pad: [1, 1, 1, 1] as [number, number, number, number], dil: [1, 1] as [number, number], groups: 1 };
      for (let step = 0; step < 3; step++) {
        const wHost = await w.data();
        const made = e.derived.stats().misses;
        const y1 = conv2d(x, w, null, { stride, padding: 1 });
        const y2 = conv2d(x, w, null, { stride, padding: 1 });
        expect(e.derived.stats().misses - made, 'the second call reuses the layouts').toBeLessThanOrEqual(2);
        const ref = conv2dRef(Float64Array.from(await x.data()), xs, Float64Array.from(wHost), ws, null, o);
        expectClose(await y1.data(), ref.out, 1e-4, 1e-4, `conv ${JSON.stringify(xs)} step ${step}`);
        expect(await y2.data()).toEqual(await y1.data());
        // the transposed convolution (the input-gradient launchers) with the same weights
        const t = convTranspose2d(y1, w, null, { stride, padding: 1 });
        const tref = convTranspose2dRef(Float64Array.from(await y1.data()), ref.shape, Float64Array.from(wHost), ws, null, { ...o, outPad: [0, 0] });
        expectClose(await t.data(), tref.out, 1e-4, 1e-4, `transposed ${JSON.stringify(xs)} step ${step}`);
        y2.dispose();
        t.dispose();
        // a training step changes w in place
        tidy(() => { opt.zeroGrad(); backward(mean(square(conv2d(x, w, null, { stride, padding: 1 })))); opt.update(); });
        y1.dispose();
      }
      opt.dispose();
      w.dispose();
      x.dispose();
    }
  });
});
