// The engine's cache of tensors derived from unchanged sources (conv weight re-layouts, Winograd
// transforms): made once while the source is unchanged, made again after any kernel, transfer or host write into
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
  it('makes once while the source is unchanged; a kernel write, a transfer or a host write into it makes again', async () => {
    const e = engine();
    const rng = testRng();
    const src = tensor(e, rng.f32(37), [37]);
    const first = Array.from(await src.data(), (v) => 2 * v);
    let made = 0;
    const derive = () => e.derived.get(src, 'twice', () => (made++, affine(src, 2, 0)));
    // each lookup is a view for the caller to dispose, on one cached storage
    const a = derive();
    const a2 = derive();
    expect(a2).not.toBe(a);
    expect(a2.buffer).toBe(a.buffer);
    a2.dispose();
    expect(made).toBe(1);
    expectClose(await a.data(), first, 0, 0);
    // a kernel that binds src read_write (a reversed strided copy into it)
    const other = tensor(e, rng.f32(37), [37]);
    const d0 = e.dispatchCount;
    copyStrided(other, src, [37], [-1], [1], 36, 0, 'overwrite reversed');
    expect(e.dispatchCount - d0).toBe(1);
    const b = derive();
    expect(made).toBe(2);
    expect(b.buffer).not.toBe(a.buffer);
    expectClose(await b.data(), Array.from(await other.data(), (v) => 2 * v).reverse(), 0, 0);
    expectClose(await a.data(), first, 0, 0); // a view taken before keeps its (stale) data until disposed
    a.dispose();
    b.dispose();
    // a transfer command into it: a contiguous copy, then a clear
    const t0 = e.transferCount;
    copyStrided(other, src, [37], [1], [1], 0, 0, 'overwrite');
    expect(e.transferCount - t0).toBe(1);
    const b2 = derive();
    expect(made).toBe(3);
    expectClose(await b2.data(), Array.from(await other.data(), (v) => 2 * v), 0, 0);
    b2.dispose();
    e.clearBytes(src.buffer, 0, 4 * 37);
    const b3 = derive();
    expect(made).toBe(4);
    expectClose(await b3.data(), new Array(37).fill(0), 0, 0);
    b3.dispose();
    // a host write
    const fresh = Float32Array.from(rng.f32(37));
    e.write(src.buffer, fresh);
    const c = derive();
    expect(made).toBe(5);
    expectClose(await c.data(), Array.from(fresh, (v) => 2 * v), 0, 0);
    // another key is another entry; disposing the source drops both
    const before = e.derived.stats().entries;
    e.derived.get(src, 'thrice', () => affine(src, 3, 0)).dispose();
    expect(e.derived.stats().entries).toBe(before + 1);
    src.dispose();
    expect(e.derived.stats().entries).toBe(before - 1);
    expectClose(await c.data(), Array.from(fresh, (v) => 2 * v), 0, 0); // the caller's view still holds
    c.dispose();
    other.dispose();
  });

  it('keeps within its byte budget, the least recently used source going first; held views outlive eviction', async () => {
    const e = await Engine.create({ derivedCacheBytes: 3 * 100 * 4 });
    try {
      const srcs = [0, 1, 2, 3].map((i) => tensor(e, new Array(100).fill(i + 1), [100]));
      const views = srcs.slice(0, 3).map((s) => e.derived.get(s, 'copy', () => affine(s, 1, 0)));
      expect(e.derived.stats()).toMatchObject({ entries: 3, bytes: 1200 });
      e.derived.get(srcs[0], 'copy', () => { throw new Error('a hit must not make'); }).dispose(); // 0 is now the most recent
      let made = 0;
      views.push(e.derived.get(srcs[3], 'copy', () => (made++, affine(srcs[3], 1, 0)))); // over budget: 1 goes
      expect(e.derived.stats()).toMatchObject({ entries: 3, bytes: 1200 });
      e.derived.get(srcs[1], 'copy', () => (made++, affine(srcs[1], 1, 0))).dispose(); // evicted: made again
      expect(made).toBe(2);
      for (const [i, v] of views.entries()) expect(Array.from(await v.data())).toEqual(new Array(100).fill(i + 1));
      views.forEach((v) => v.dispose());
    } finally {
      e.destroy();
    }
  });

  it('with no budget nothing is kept, and a lookup made inside another one\'s use stays valid', async () => {
    const e = await Engine.create({ derivedCacheBytes: 0 });
    try {
      const src = tensor(e, [1, 2, 3, 4], [4]);
      const outer = e.derived.get(src, 'double', () => affine(src, 2, 0));
      const inner = e.derived.get(outer, 'plus one', () => affine(outer, 1, 1)); // evicts outer's entry
      expect(Array.from(await outer.data())).toEqual([2, 4, 6, 8]);
      expect(Array.from(await inner.data())).toEqual([3, 5, 7, 9]);
      expect(e.derived.stats()).toMatchObject({ entries: 0, bytes: 0 });
      inner.dispose();
      outer.dispose();
      expect(e.pool.stats().inUseBytes).toBe(256); // src alone
      src.dispose();
    } finally {
      e.destroy();
    }
  });

  it('take hands a fresh entry over once (then forgets it) and gives nothing for a stale one', async () => {
    const e = engine();
    const rng = testRng();
    const src = tensor(e, rng.f32(21), [21]);
    const expected = Array.from(await src.data(), (v) => 2 * v);
    e.derived.get(src, 'twice', () => affine(src, 2, 0)).dispose();
    const { entries, bytes } = e.derived.stats();
    const t = e.derived.take(src, 'twice');
    expectClose(await t!.data(), expected, 0, 0);
    expect(e.derived.stats()).toMatchObject({ entries: entries - 1, bytes: bytes - 21 * 4 });
    expect(e.derived.take(src, 'twice')).toBeNull();
    t!.dispose();
    e.derived.get(src, 'twice', () => affine(src, 2, 0)).dispose();
    e.write(src.buffer, Float32Array.from(rng.f32(21)));
    expect(e.derived.take(src, 'twice')).toBeNull(); // written since: not handed over
    expect(e.derived.stats().entries).toBe(entries - 1);
    src.dispose();
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
        const first = e.derived.stats().misses;
        // the layout, Winograd's U, and (a gradient of w being recorded) the input transform V
        expect(first - made, 'the first call derives at most three').toBeLessThanOrEqual(3);
        const y2 = conv2d(x, w, null, { stride, padding: 1 });
        expect(e.derived.stats().misses, 'the second call reuses them').toBe(first);
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
