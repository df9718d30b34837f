// Winograd convolution (src/kernels/conv2d/winograd.ts) against the direct float64 convolution on fresh
// random inputs of odd shapes: F(2×2, 3×3) to the direct kernels' tolerance, F(4×4, 3×3) to a looser one
// (its transforms scale values by up to 8 and 1/24, so float32 rounding grows).
import { describe, expect, it } from 'vitest';
import { conv2dInputGradRaw, conv2dRaw, conv2dWeightGradRaw, convForwardVariants, convGeometry, convWeightGradVariants } from '../../src/kernels/conv2d/index.js';
import { WINOGRAD_VARIANTS, type WinogradVariant } from '../../src/kernels/conv2d/winograd.js';
import { tensor } from '../../src/index.js';
import { conv2dRef, conv2dWeightGradRef, size } from '../reference/ops.js';
import { expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

/** rtol, and atol per unit of the output's largest magnitude. */
const TOL: Record<WinogradVariant, [number, number]> = { winograd2: [1e-4, 1e-5], winograd4: [1e-3, 1e-4] };

type Pad4 = [number, number, number, number];
const CASES: { x: number[]; w: number[]; pad: Pad4 }[] = [
  { x: [1, 5, 13, 11], w: [7, 5, 3, 3], pad: [1, 1, 1, 1] }, // odd H and W, C and K not multiples of 4
  { x: [3, 6, 9, 15], w: [10, 6, 3, 3], pad: [1, 1, 1, 1] }, // batch 3
  { x: [3, 19, 7, 5], w: [17, 19, 3, 3], pad: [1, 1, 1, 1] }, // outputs narrower than a tile row or two
  { x: [1, 3, 10, 9], w: [5, 3, 3, 3], pad: [0, 1, 2, 0] }, // asymmetric padding
  { x: [1, 2, 2, 3], w: [3, 2, 3, 3], pad: [1, 1, 1, 1] }, // smaller than one tile
  { x: [1, 66, 11, 9], w: [37, 66, 3, 3], pad: [1, 1, 1, 1] }, // many channels: the long sums
];
const refOpts = (pad: Pad4) => ({ stride: [1, 1] as [number, number], pad, dil: [1, 1] as [number, number], groups: 1 });
const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('conv2d winograd', () => {
  for (const v of WINOGRAD_VARIANTS) {
    it(`${v}: forward with bias against the float64 direct convolution`, async () => {
      const rng = testRng();
      for (const k of CASES) {
        const x = rng.f32(size(k.x));
        const w = rng.f32(size(k.w));
        const b = rng.f32(k.w[0]);
        const g = convGeometry(k.x, k.w, { padding: k.pad });
        const y = conv2dRaw(tensor(engine(), x, k.x), tensor(engine(), w, k.w), tensor(engine(), b, [k.w[0]]), g, 'none', null, null, 1, v);
        const r = conv2dRef(x, k.x, w, k.w, b, refOpts(k.pad)).out;
        expect(y.shape).toEqual([k.x[0], k.w[0], g.OH, g.OW]);
        expectClose(await y.data(), r, TOL[v][0], TOL[v][1] * maxAbs(r), `${v} ${JSON.stringify(k)}`);
      }
    });

    it(`${v}: fused activations and residual (the forward kernels' epilogue)`, async () => {
      const rng = testRng();
      const k = CASES[1];
      const g = convGeometry(k.x, k.w, { padding: k.pad });
      const x = rng.f32(size(k.x));
      const w = rng.f32(size(k.w));
      const b = rng.f32(k.w[0]);
      const slope = rng.f32(k.w[0], 0, 0.5);
      const res = rng.f32(g.N * g.Cout * g.OH * g.OW);
      const r = conv2dRef(x, k.x, w, k.w, b, refOpts(k.pad)).out;
      const plane = g.OH * g.OW;
      const acts = {
        relu: (q: number) => Math.max(q, 0),
        prelu: (q: number, i: number) => (q > 0 ? q : q * slope[Math.floor(i / plane) % g.Cout]),
        silu: (q: number) => q / (1 + Math.exp(-q)),
      };
      const T = (d: Float64Array, s: number[]) => tensor(engine(), d, s);
      // one residual mode per activation: each combination is a pipeline to compile (seconds on a CPU adapter)
      for (const [act, sign] of [['relu', 1], ['prelu', -1], ['silu', 0]] as const) {
        const f = acts[act];
        const y = conv2dRaw(T(x, k.x), T(w, k.w), T(b, [g.Cout]), g, act, T(slope, [g.Cout]), sign ? T(res, [g.N, g.Cout, g.OH, g.OW]) : null, sign || 1, v);
        const want = r.map((q, i) => (sign ? res[i] + sign * f(q, i) : f(q, i)));
        expectClose(await y.data(), want, TOL[v][0], TOL[v][1] * maxAbs(want), `${v} ${act} residual ${sign}`);
      }
    });

    it(`${v}: input gradient of a 3×3 pad-1 convolution (itself one, with flipped weights)`, async () => {
      const rng = testRng();
      for (const k of [CASES[1], CASES[5]]) {
        const g = convGeometry(k.x, k.w, { padding: k.pad });
        const w = rng.f32(size(k.w));
        const dy = rng.f32(g.N * g.Cout * g.OH * g.OW);
        // dx = the convolution of dy with w flipped in space, channels swapped, padding 1
        const wf = new Float64Array(w.length);
        for (let co = 0; co < g.Cout; co++) for (let ci = 0; ci < g.Cin; ci++) for (let t = 0; t < 9; t++) wf[(ci * g.Cout + co) * 9 + 8 - t] = w[(co * g.Cin + ci) * 9 + t];
        const ref = conv2dRef(dy, [g.N, g.Cout, g.OH, g.OW], wf, [g.Cin, g.Cout, 3, 3], null, refOpts([1, 1, 1, 1])).out;
        const dx = conv2dInputGradRaw(tensor(engine(), dy, [g.N, g.Cout, g.OH, g.OW]), tensor(engine(), w, k.w), g, 'auto', v);
        expectClose(await dx.data(), ref, TOL[v][0], TOL[v][1] * maxAbs(ref), `${v} dx ${JSON.stringify(k)}`);
      }
    });

    it(`${v}: weight gradient against the float64 reference (every case: odd sizes, padding, batch)`, async () => {
      const rng = testRng();
      for (const k of CASES) {
        const g = convGeometry(k.x, k.w, { padding: k.pad });
        const x = rng.f32(size(k.x));
        const dy = rng.f32(g.N * g.Cout * g.OH * g.OW);
        const ref = conv2dWeightGradRef(x, k.x, dy, k.w, refOpts(k.pad));
        const dw = conv2dWeightGradRaw(tensor(engine(), x, k.x), tensor(engine(), dy, [g.N, g.Cout, g.OH, g.OW]), g, v);
        expect(dw.shape).toEqual(k.w);
        expectClose(await dw.data(), ref, TOL[v][0], TOL[v][1] * maxAbs(ref), `${v} dW ${JSON.stringify(k)}`);
      }
    });
  }

  it('a recorded forward keeps its input transform for the weight gradient, which takes it: dW unchanged, nothing left kept', async () => {
    const { backward, conv2d, mul, noGrad, requireGrad, sum } = await import('../../src/index.js');
    const { keptInputKey } = await import('../../src/kernels/conv2d/winograd.js');
    const rng = testRng();
    const e = engine();
    const k = { x: [1, 32, 33, 35], w: [32, 32, 3, 3], pad: [1, 1, 1, 1] as Pad4 }; // F(4×4) both ways by default; P not a multiple of 4
    const g = convGeometry(k.x, k.w, { padding: k.pad });
    expect([convForwardVariants(g, e)[0], convWeightGradVariants(g, e)[0]]).toEqual(['winograd4', 'winograd4']);
    const xd = rng.f32(size(k.x));
    const up = rng.f32(g.N * g.Cout * g.OH * g.OW);
    const ref = conv2dWeightGradRef(xd, k.x, up, k.w, refOpts(k.pad));
    const x = tensor(e, xd, k.x);
    const w = requireGrad(tensor(e, rng.f32(size(k.w)), k.w));
    noGrad(() => conv2d(x, w, null, { padding: 1 }).dispose());
    expect(e.derived.take(x, keptInputKey(g, 4))).toBeNull(); // nothing kept without a gradient to come
    const y = conv2d(x, w, null, { padding: 1 });
    const kept = e.derived.stats();
    backward(sum(mul(y, tensor(e, up, y.shape))));
    expect(e.derived.stats().hits).toBe(kept.hits + 1); // taken by the weight gradient
    expect(e.derived.take(x, keptInputKey(g, 4))).toBeNull();
    expectClose(await w.grad!.data(), ref, TOL.winograd4[0], TOL.winograd4[1] * maxAbs(ref), 'dW from the kept V');
  });

  it('is offered to the autotuner for 3×3 stride-1 convolutions of 32+ channels: F(4×4) the default on 32×32+ maps, F(2×2) on smaller ones from 64', () => {
    const variants = (x: number[], w: number[], o = {}) => convForwardVariants(convGeometry(x, w, { padding: 1, ...o }), engine());
    expect(variants([1, 64, 16, 16], [64, 64, 3, 3]).slice(0, 2)).toEqual(['winograd2', 'winograd4']);
    expect(variants([1, 32, 32, 32], [32, 32, 3, 3]).slice(0, 2)).toEqual(['winograd4', 'winograd2']);
    expect(variants([2, 64, 64, 48], [96, 64, 3, 3]).slice(0, 2)).toEqual(['winograd4', 'winograd2']);
    expect(variants([1, 32, 32, 31], [32, 32, 3, 3])[0]).not.toMatch(/winograd/); // 31 columns: below the size
    const mid = variants([1, 64, 16, 16], [32, 64, 3, 3]);
    expect(mid.slice(-2)).toEqual(['winograd2', 'winograd4']);
    expect(mid[0]).not.toMatch(/winograd/);
    expect(variants([1, 16, 16, 16], [16, 16, 3, 3])).not.toContain('winograd2');
    expect(variants([1, 32, 16, 16], [16, 32, 3, 3])).not.toContain('winograd2');
    expect(variants([1, 64, 16, 16], [64, 64, 3, 3], { stride: 2 })).not.toContain('winograd2');
    expect(variants([1, 64, 16, 16], [64, 32, 3, 3], { groups: 2 })).not.toContain('winograd2');
    expect(variants([1, 64, 16, 16], [64, 64, 3, 3], { dilation: 2, padding: 2 })).not.toContain('winograd2');
  });

  it('is the weight gradient\'s default for 3×3 stride-1 convolutions of 32+ channels, F(4×4) first; never for smaller or strided ones', () => {
    const variants = (x: number[], w: number[], o = {}) => convWeightGradVariants(convGeometry(x, w, { padding: 1, ...o }), engine());
    expect(variants([8, 32, 64, 64], [32, 32, 3, 3]).slice(0, 2)).toEqual(['winograd4', 'winograd2']);
    expect(variants([1, 128, 8, 8], [64, 128, 3, 3]).slice(0, 3)).toEqual(['winograd4', 'winograd2', 'k3slide']);
    expect(variants([1, 16, 16, 16], [32, 16, 3, 3])[0]).toBe('k3slide');
    expect(variants([1, 64, 16, 16], [64, 64, 3, 3], { stride: 2 })).not.toContain('winograd4');
    expect(variants([1, 64, 16, 16], [64, 32, 3, 3], { groups: 2 })).not.toContain('winograd4');
    // forced on a small convolution (the tests above), refused where it cannot compute the gradient
    const strided = convGeometry([1, 4, 8, 8], [4, 4, 3, 3], { padding: 1, stride: 2 });
    expect(() => conv2dWeightGradRaw(tensor(engine(), new Float32Array(256), [1, 4, 8, 8]), tensor(engine(), new Float32Array(64), [1, 4, 4, 4]), strided, 'winograd4'))
      .toThrow(/variant 'winograd4' does not apply/);
  });

  it('is left out where its transformed operands would exceed a storage binding (direct default where neither fits)', () => {
    // V holds 4× (F(2×2)) or 2.25× (F(4×4)) the input's floats: a batch of 64×64×64 inputs (1 MiB each)
    // past the binding limit for both, and one that only F(4×4) fits
    const mib = engine().limits.maxStorageBufferBindingSize / 2 ** 20;
    const variants = (n: number) => convForwardVariants(convGeometry([n, 64, 64, 64], [64, 64, 3, 3], { padding: 1 }), engine());
    expect(variants(Math.floor(mib / 2.25) + 1).filter((v) => v.startsWith('winograd'))).toEqual([]);
    const onlyF4 = variants(Math.floor(mib / 4) + 1);
    expect(onlyF4[0]).toBe('winograd4');
    expect(onlyF4).not.toContain('winograd2');
  });
});
