import { describe, expect, it } from 'vitest';
import { conv2d, conv2dInputGradRaw, conv2dRaw, conv2dWeightGradRaw, convForwardVariants, convGeometry, convTranspose2d, convWeightGradVariants } from '../../src/kernels/conv2d/index.js';
import { inputGradByZeroInsertion } from '../../src/kernels/conv2d/launch_input_grad.js';
import { tensor } from '../../src/index.js';
import { conv2dRef, conv2dWeightGradRef, convTranspose2dRef, size } from '../reference/ops.js';
import { checkGrad, expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

interface Case {
  x: number[]; w: number[]; stride: [number, number]; pad: [number, number, number, number]; dil: [number, number]; groups: number; bias: boolean;
}
const c = (x: number[], w: number[], stride = 1, pad: number | [number, number, number, number] = 0, groups = 1, dil = 1, bias = true): Case => ({
  x, w, stride: [stride, stride], pad: typeof pad === 'number' ? [pad, pad, pad, pad] : pad, dil: [dil, dil], groups, bias,
});

const CASES: Case[] = [
  c([1, 1, 1, 1], [1, 1, 1, 1]),
  c([2, 3, 17, 13], [5, 3, 3, 3], 1, 1), // odd sizes, Cout not a multiple of 4
  c([2, 3, 16, 16], [16, 3, 5, 5], 2, 2), // DeepJSCC's 5×5 stride 2
  c([1, 8, 9, 11], [8, 1, 3, 3], 1, 1, 8), // depthwise
  c([2, 6, 7, 10], [9, 2, 3, 3], 1, 1, 3), // grouped
  c([1, 4, 12, 12], [4, 4, 3, 3], 1, 2, 1, 2), // dilated
  c([3, 5, 8, 8], [7, 5, 3, 3], 2, [0, 1, 0, 1]), // DDPM downsample: asymmetric pad, stride 2
  c([2, 16, 6, 5], [20, 16, 1, 1], 1, 0, 1, 1, false), // 1×1, no bias
  c([1, 3, 5, 5], [2, 3, 5, 5], 1, 0), // kernel the size of the input
  c([2, 8, 4, 6], [12, 8, 1, 1], 1, 0), // 1×1 through the matmul path
];

const refOpts = (k: Case) => ({ stride: k.stride, pad: k.pad, dil: k.dil, groups: k.groups });
const opts = (k: Case) => ({ stride: k.stride, padding: k.pad, dilation: k.dil, groups: k.groups });

describe('conv2d', () => {
  it(`forward against a direct-loop reference over ${CASES.length} geometries`, async () => {
    const rng = testRng();
    for (const k of CASES) {
      const x = rng.f32(size(k.x));
      const w = rng.f32(size(k.w));
      const b = k.bias ? rng.f32(k.w[0]) : null;
      const y = conv2d(tensor(engine(), x, k.x), tensor(engine(), w, k.w), b ? tensor(engine(), b, [k.w[0]]) : null, opts(k));
      const r = conv2dRef(x, k.x, w, k.w, b, refOpts(k));
      expect(y.shape).toEqual(r.shape);
      expectClose(await y.data(), r.out, 1e-4, 1e-5, JSON.stringify(k));
    }
  });

  it('every forward variant (general, k3rows, rows, k3rows_sg) on 3- and 5-wide kernels: odd sizes, H stride/dilation, stride 2, groups, bias + relu', async () => {
    const rng = testRng();
    const geos: Case[] = [
      c([2, 5, 13, 19], [7, 5, 3, 3], 1, 1), // widths not a multiple of 8
      { ...c([1, 6, 11, 9], [10, 3, 3, 3], 1, 1, 2), stride: [2, 1] }, // grouped, stride 2 along H only
      { ...c([2, 3, 10, 21], [5, 3, 2, 3], 1, [1, 0, 0, 2]), dil: [2, 1] }, // KH 2, asymmetric pad, dilated H
      c([1, 4, 5, 3], [9, 4, 3, 3], 1, 1), // output narrower than one block
      c([2, 3, 9, 21], [6, 3, 5, 5], 1, 2), // DeepJSCC's 5×5
      { ...c([1, 4, 12, 7], [6, 2, 3, 5], 1, [0, 1, 3, 0], 2), stride: [2, 1] }, // 3×5, grouped, asymmetric pad
      c([2, 5, 17, 37], [7, 5, 3, 3], 2, 1), // 3×3 stride 2 (downsampling): odd sizes, more than one block of 8 outputs
      c([1, 6, 9, 16], [10, 3, 3, 3], 2, [0, 1, 1, 0], 2), // stride 2, grouped, asymmetric pad (the U-Net's downsample)
      { ...c([1, 3, 6, 23], [5, 3, 3, 3], 1, 1), stride: [1, 2] }, // stride 2 along W only
    ];
    for (const k of geos) {
      const x = rng.f32(size(k.x));
      const w = rng.f32(size(k.w));
      const b = rng.f32(k.w[0]);
      const r = conv2dRef(x, k.x, w, k.w, b, refOpts(k));
      const g = convGeometry(k.x, k.w, opts(k));
      const sg = engine().features.subgroupMinSize >= 8;
      const offered = k.w[3] === 5 ? ['rows', 'general'] : k.stride[1] === 2 ? [...(sg ? ['k3rows_sg'] : []), 'general'] : [...(sg ? ['k3rows_sg'] : []), 'k3rows', 'rows', 'general'];
      expect(convForwardVariants(g, engine())).toEqual(offered);
      for (const v of convForwardVariants(g, engine())) {
        const y = conv2dRaw(tensor(engine(), x, k.x), tensor(engine(), w, k.w), tensor(engine(), b, [k.w[0]]), g, 'relu', null, null, 1, v);
        expectClose(await y.data(), r.out.map((q) => Math.max(q, 0)), 1e-4, 1e-5, `${v} ${JSON.stringify(k)}`);
      }
    }
  });

  it('fused activations: relu, prelu, silu', async () => {
    const rng = testRng();
    const k = CASES[1];
    const x = rng.f32(size(k.x));
    const w = rng.f32(size(k.w));
    const b = rng.f32(k.w[0]);
    const slope = rng.f32(k.w[0], 0, 0.5);
    const r = conv2dRef(x, k.x, w, k.w, b, refOpts(k)).out;
    const plane = r.length / k.x[0] / k.w[0];
    const acts = {
      relu: (v: number) => Math.max(v, 0),
      prelu: (v: number, i: number) => (v > 0 ? v : v * slope[Math.floor(i / plane) % k.w[0]]),
      silu: (v: number) => v / (1 + Math.exp(-v)),
    };
    for (const [act, f] of Object.entries(acts)) {
      const y = conv2d(tensor(engine(), x, k.x), tensor(engine(), w, k.w), tensor(engine(), b, [k.w[0]]), {
        ...opts(k), activation: act as 'relu', slope: tensor(engine(), slope, [k.w[0]]),
      });
      expectClose(await y.data(), r.map((v, i) => f(v, i)), 1e-4, 1e-5, act);
    }
  });

  it('gradients of x, w and bias match finite differences', async () => {
    const rng = testRng();
    for (const k of [c([2, 3, 6, 5], [5, 3, 3, 3], 1, 1), c([1, 4, 7, 7], [6, 2, 3, 3], 2, [0, 1, 0, 1], 2), c([1, 3, 6, 6], [4, 3, 5, 5], 2, 2), c([1, 4, 5, 5], [4, 1, 3, 3], 1, 2, 4, 2), c([2, 4, 2, 2], [3, 4, 1, 1], 1, 0)]) {
      await checkGrad(
        engine(), rng,
        (x, w, b) => conv2d(x, w, b, opts(k)),
        (x, w, b) => conv2dRef(x, k.x, w, k.w, b, refOpts(k)).out,
        [{ data: rng.f32(size(k.x)), shape: k.x }, { data: rng.f32(size(k.w)), shape: k.w }, { data: rng.f32(k.w[0]), shape: [k.w[0]] }],
      );
    }
  });

  it('gradient through a fused relu and a separate silu', async () => {
    const rng = testRng();
    const k = c([1, 2, 5, 5], [4, 2, 3, 3], 1, 1);
    for (const act of ['relu', 'silu'] as const) {
      const f = act === 'relu' ? (v: number) => Math.max(v, 0) : (v: number) => v / (1 + Math.exp(-v));
      await checkGrad(
        engine(), rng,
        (x, w) => conv2d(x, w, null, { ...opts(k), activation: act }),
        (x, w) => conv2dRef(x, k.x, w, k.w, null, refOpts(k)).out.map(f),
        [{ data: rng.f32(size(k.x)), shape: k.x }, { data: rng.f32(size(k.w)), shape: k.w }],
      );
    }
  });

  it('every weight-gradient variant (k3slide, k3slide_sg, k3, general) against the reference gradient', async () => {
    const rng = testRng();
    const geos: Case[] = [
      c([2, 5, 9, 11], [6, 5, 3, 3], 1, 1), // widths not a multiple of 4 (tail columns)
      { ...c([1, 6, 8, 13], [4, 3, 3, 3], 1, [1, 0, 2, 1], 2), stride: [2, 1] }, // groups, asymmetric pad, stride 2 along H
      { ...c([2, 3, 7, 6], [5, 3, 2, 3], 1, 0), dil: [2, 1] }, // KH 2, dilated H, no pad
      c([1, 4, 6, 6], [3, 4, 3, 3], 2, 1), // stride 2
      c([2, 3, 8, 9], [4, 3, 5, 5], 1, 2), // 5×5: general only
    ];
    for (const k of geos) {
      const g = convGeometry(k.x, k.w, opts(k));
      const x = rng.f32(size(k.x));
      const dy = rng.f32(g.N * g.Cout * g.OH * g.OW);
      const ref = conv2dWeightGradRef(x, k.x, dy, k.w, refOpts(k));
      const variants = convWeightGradVariants(g, engine());
      const sg = engine().features.subgroupMinSize >= 4 ? ['k3slide_sg'] : [];
      expect(variants).toEqual(k.w[3] !== 3 ? ['general'] : k.stride[1] === 1 ? ['k3slide', ...sg, 'k3', 'general'] : ['k3', 'general']);
      for (const v of variants) {
        const dw = conv2dWeightGradRaw(tensor(engine(), x, k.x), tensor(engine(), dy, [g.N, g.Cout, g.OH, g.OW]), g, v);
        expectClose(await dw.data(), ref, 1e-4, 1e-5 * Math.sqrt(g.N * g.OH * g.OW), `${v} ${JSON.stringify(k)}`);
      }
    }
  });

  it('strided input gradients (3×3 stride 2 by zero insertion, others by output phase) equal the gather kernel and a scatter reference', async () => {
    const rng = testRng();
    const geos: Case[] = [
      c([2, 3, 16, 16], [16, 3, 5, 5], 2, 2), // DeepJSCC's 5×5 stride 2
      c([3, 5, 8, 8], [7, 5, 3, 3], 2, [0, 1, 0, 1]), // DDPM downsample
      c([1, 4, 13, 11], [6, 2, 3, 3], 2, 1, 2), // 3×3 stride 2: odd sizes (the last row and column get no dy), groups
      c([1, 32, 32, 32], [32, 32, 3, 3], 2, [0, 1, 0, 1]), // 32 channels on 32×32: the stride-1 gradient on Winograd F(4×4)
      c([1, 4, 13, 11], [6, 4, 3, 3], 3, [2, 0, 1, 2]), // stride 3, odd sizes, asymmetric pad
      { ...c([1, 6, 9, 10], [4, 3, 4, 2], 1, [3, 1, 0, 1], 2), stride: [2, 3] }, // groups, pad above the phase's taps
      c([2, 3, 7, 9], [5, 3, 1, 1], 2, 0), // 1×1 stride 2: phases without taps stay zero
    ];
    for (const k of geos) {
      const g = convGeometry(k.x, k.w, opts(k));
      const w = rng.f32(size(k.w));
      const dy = rng.f32(g.N * g.Cout * g.OH * g.OW);
      // dx[n, ci, oh·s + kh − pad, ow·s + kw − pad] += dy[n, co, oh, ow] · w[co, ci, kh, kw]
      const ref = new Float64Array(size(k.x));
      for (let n = 0; n < g.N; n++) for (let co = 0; co < g.Cout; co++) for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) {
        const grp = Math.floor(co / g.coutG);
        const d = dy[((n * g.Cout + co) * g.OH + oh) * g.OW + ow];
        for (let ci = 0; ci < g.cinG; ci++) for (let kh = 0; kh < g.KH; kh++) for (let kw = 0; kw < g.KW; kw++) {
          const ih = oh * g.strideH + kh - g.padTop;
          const iw = ow * g.strideW + kw - g.padLeft;
          if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
          ref[((n * g.Cin + grp * g.cinG + ci) * g.H + ih) * g.W + iw] += d * w[((co * g.cinG + ci) * g.KH + kh) * g.KW + kw];
        }
      }
      for (const method of ['auto', 'gather'] as const) {
        const dx = conv2dInputGradRaw(tensor(engine(), dy, [g.N, g.Cout, g.OH, g.OW]), tensor(engine(), w, k.w), g, method);
        expectClose(await dx.data(), ref, 1e-4, 1e-5, `${method} ${JSON.stringify(k)}`);
      }
      // the 3×3 stride-2 cases take the zero-insertion path ('auto' above), the others do not apply to it
      const zi = inputGradByZeroInsertion(tensor(engine(), dy, [g.N, g.Cout, g.OH, g.OW]), tensor(engine(), w, k.w), g);
      expect(zi !== null).toBe(k.w[2] === 3 && k.w[3] === 3 && k.stride[0] === 2 && k.stride[1] === 2);
    }
  });

  it('a large weight-gradient reduction (split over the batch·pixel axis) against the reference gradient', async () => {
    const { requireGrad, backward, mul, sum } = await import('../../src/index.js');
    const rng = testRng();
    const k = c([4, 3, 32, 32], [8, 3, 3, 3], 1, 1);
    const x = rng.f32(size(k.x));
    const w = rng.f32(size(k.w));
    const wt = requireGrad(tensor(engine(), w, k.w));
    const y = conv2d(tensor(engine(), x, k.x), wt, null, opts(k));
    const up = rng.f32(y.size);
    backward(sum(mul(y, tensor(engine(), up, y.shape))));
    const ref = conv2dWeightGradRef(x, k.x, up, k.w, refOpts(k));
    expectClose(await wt.grad!.data(), ref, 1e-4, 1e-4 * Math.sqrt(4 * 32 * 32), 'dW');
  });

  it('shape errors name the shapes', () => {
    const x = tensor(engine(), new Float32Array(2 * 3 * 4 * 4), [2, 3, 4, 4]);
    const w = tensor(engine(), new Float32Array(5 * 2 * 3 * 3), [5, 2, 3, 3]);
    expect(() => conv2d(x, w)).toThrow(/weight \[5,2,3,3\] expects 2 input channels, input \[2,3,4,4\] has 3/);
    const big = tensor(engine(), new Float32Array(5 * 3 * 7 * 7), [5, 3, 7, 7]);
    expect(() => conv2d(x, big)).toThrow(/does not fit/);
  });
});

describe('conv_transpose2d', () => {
  const T = [
    { x: [1, 2, 3, 3], w: [2, 3, 3, 3], s: 1, p: 1, op: 0, g: 1 },
    { x: [2, 8, 4, 5], w: [8, 3, 5, 5], s: 2, p: 2, op: 1, g: 1 }, // DeepJSCC decoder: 5×5, stride 2, output padding 1
    { x: [1, 4, 3, 3], w: [4, 2, 3, 3], s: 2, p: 0, op: 0, g: 2 },
    { x: [1, 3, 5, 4], w: [3, 5, 4, 4], s: 2, p: 1, op: 0, g: 1 },
  ];
  it('forward against a scatter-form reference', async () => {
    const rng = testRng();
    for (const t of T) {
      const x = rng.f32(size(t.x));
      const w = rng.f32(size(t.w));
      const cout = t.w[1] * t.g;
      const b = rng.f32(cout);
      const y = convTranspose2d(tensor(engine(), x, t.x), tensor(engine(), w, t.w), tensor(engine(), b, [cout]), { stride: t.s, padding: t.p, outputPadding: t.op, groups: t.g });
      const r = convTranspose2dRef(x, t.x, w, t.w, b, { stride: [t.s, t.s], pad: [t.p, t.p, t.p, t.p], dil: [1, 1], groups: t.g, outPad: [t.op, t.op] });
      expect(y.shape).toEqual(r.shape);
      expectClose(await y.data(), r.out, 1e-4, 1e-5, JSON.stringify(t));
    }
  });
  it('gradients of x, w and bias', async () => {
    const rng = testRng();
    for (const t of [T[1], T[2]]) {
      const cout = t.w[1] * t.g;
      const ro = { stride: [t.s, t.s] as [number, number], pad: [t.p, t.p, t.p, t.p] as [number, number, number, number], dil: [1, 1] as [number, number], groups: t.g, outPad: [t.op, t.op] as [number, number] };
      await checkGrad(
        engine(), rng,
        (x, w, b) => convTranspose2d(x, w, b, { stride: t.s, padding: t.p, outputPadding: t.op, groups: t.g }),
        (x, w, b) => convTranspose2dRef(x, t.x, w, t.w, b, ro).out,
        [{ data: rng.f32(size(t.x)), shape: t.x }, { data: rng.f32(size(t.w)), shape: t.w }, { data: rng.f32(cout), shape: [cout] }],
      );
    }
  });
});

describe('conv2d with a fused residual (lifting update)', () => {
  it('y = r ± act(conv(x)): forward and gradients of x, w, r', async () => {
    const rng = testRng();
    const k = c([2, 3, 6, 6], [9, 3, 3, 3], 1, 1);
    for (const sign of [1, -1] as const) {
      for (const act of ['none', 'relu'] as const) {
        const f = act === 'relu' ? (v: number) => Math.max(v, 0) : (v: number) => v;
        const ref = (x: Float64Array, w: Float64Array, r: Float64Array) =>
          conv2dRef(x, k.x, w, k.w, null, refOpts(k)).out.map((v, i) => r[i] + sign * f(v));
        const x = rng.f32(size(k.x));
        const w = rng.f32(size(k.w));
        const r = rng.f32(2 * 9 * 36);
        const y = conv2d(tensor(engine(), x, k.x), tensor(engine(), w, k.w), null, { ...opts(k), activation: act, residual: tensor(engine(), r, [2, 9, 6, 6]), residualSign: sign });
        expectClose(await y.data(), ref(x, w, r), 1e-4, 1e-5, `sign ${sign} ${act}`);
        await checkGrad(
          engine(), rng, (xt, wt, rt) => conv2d(xt, wt, null, { ...opts(k), activation: act, residual: rt, residualSign: sign }), ref,
          [{ data: x, shape: k.x }, { data: w, shape: k.w }, { data: r, shape: [2, 9, 6, 6] }],
        );
      }
    }
  });
});
