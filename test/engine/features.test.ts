// Features off and default limits on demand (Engine.create / COMMIN_DISABLE_FEATURES / COMMIN_LIMITS), and
// the subgroup variants chosen only where the adapter's smallest subgroup has the lanes they need.
import { describe, expect, it } from 'vitest';
import { Engine, matmul, tensor, tidy, conv2d } from '../../src/index.js';
import { matmulVariants } from '../../src/kernels/matmul.js';
import { convForwardVariants, convWeightGradVariants, convGeometry } from '../../src/kernels/conv2d/index.js';
import { resolveDeviceOptions } from '../../src/engine/device.js';
import { tuneScope } from '../../src/engine/engine.js';
import { testRng } from '../helpers.js';

/** An engine as the variant lists see it: an adapter with these subgroup facts (a faked description). */
const fake = (subgroups: boolean, subgroupMinSize: number) =>
  ({ features: { subgroups, subgroupMinSize, shaderF16: false, timestampQuery: false }, limits: { maxStorageBufferBindingSize: 2 ** 27, maxComputeWorkgroupStorageSize: 16384 } }) as unknown as Engine;

describe('features and limits', () => {
  it('subgroup variants need their lane count: 8 for the matmul and conv rows, 4 for the weight-gradient slide', () => {
    const g = convGeometry([1, 32, 16, 16], [32, 32, 3, 3], { padding: 1 });
    const sg = (vs: readonly string[]) => vs.filter((v) => v.endsWith('_sg'));
    expect(sg(matmulVariants(fake(true, 8)))).toEqual(['rows8x4_sg']);
    expect(sg(convForwardVariants(g, fake(true, 8)))).toEqual(['k3rows_sg']);
    for (const [min, wanted] of [[4, ['k3slide_sg']], [32, ['k3slide_sg']], [128, ['k3slide_sg']]] as const) expect(sg(convWeightGradVariants(g, fake(true, min)))).toEqual(wanted);
    // an adapter whose smallest subgroup has 4 lanes: no variant that needs 8
    expect(sg(matmulVariants(fake(true, 4)))).toEqual([]);
    expect(sg(convForwardVariants(g, fake(true, 4)))).toEqual([]);
    // without subgroups, none
    for (const vs of [matmulVariants(fake(false, 0)), convForwardVariants(g, fake(false, 0)), convWeightGradVariants(g, fake(false, 0))]) expect(sg(vs)).toEqual([]);
  });

  it('disableFeatures: the engine sees no subgroups or f16, compiles no subgroup pipeline, and still computes', async () => {
    const e = await Engine.create({ disableFeatures: ['subgroups', 'shader-f16'], limits: 'default' });
    try {
      expect(e.features.subgroups).toBe(false);
      expect(e.features.shaderF16).toBe(false);
      expect(e.limits.maxComputeInvocationsPerWorkgroup).toBe(256);
      expect(e.limits.maxStorageBufferBindingSize).toBe(134217728);
      const rng = testRng();
      const a = tensor(e, Array.from({ length: 67 * 33 }, () => rng.uniform(-1, 1)), [67, 33]);
      const b = tensor(e, Array.from({ length: 33 * 40 }, () => rng.uniform(-1, 1)), [33, 40]);
      const x = tensor(e, Array.from({ length: 2 * 32 * 12 * 12 }, () => rng.uniform(-1, 1)), [2, 32, 12, 12]);
      const w = tensor(e, Array.from({ length: 32 * 32 * 9 }, () => rng.uniform(-1, 1)), [32, 32, 3, 3]);
      const [c, y] = tidy(() => [matmul(a, b), conv2d(x, w, null, { padding: 1 })]);
      const cv = await c.data();
      let s = 0;
      const av = await a.data(), bv = await b.data();
      for (let k = 0; k < 33; k++) s += av[5 * 33 + k] * bv[k * 40 + 7];
      expect(cv[5 * 40 + 7]).toBeCloseTo(s, 4);
      expect((await y.data()).every(Number.isFinite)).toBe(true);
      const compiled = [...(e as unknown as { pipelines: Map<string, unknown> }).pipelines.keys()];
      expect(compiled.length).toBeGreaterThan(0);
      expect(compiled.filter((k) => /_sg/.test(k))).toEqual([]);
    } finally {
      e.destroy();
    }
  });

  it('the environment: COMMIN_DISABLE_FEATURES adds to the option, COMMIN_LIMITS sets the limits; bad names are errors', () => {
    const saved = { f: process.env.COMMIN_DISABLE_FEATURES, l: process.env.COMMIN_LIMITS };
    try {
      process.env.COMMIN_DISABLE_FEATURES = 'subgroups, shader-f16';
      process.env.COMMIN_LIMITS = 'default';
      const r = resolveDeviceOptions({ disableFeatures: ['timestamp-query'] });
      expect([...r.disable].sort()).toEqual(['shader-f16', 'subgroups', 'timestamp-query']);
      expect(r.limits).toBe('default');
      process.env.COMMIN_DISABLE_FEATURES = 'subgroup';
      expect(() => resolveDeviceOptions({})).toThrow(/unknown feature 'subgroup' \(the engine's optional features: subgroups, shader-f16, timestamp-query\)/);
      process.env.COMMIN_DISABLE_FEATURES = '';
      process.env.COMMIN_LIMITS = 'big';
      expect(() => resolveDeviceOptions({})).toThrow(/limits: 'big' is not 'adapter' or 'default' \(COMMIN_LIMITS\)/);
    } finally {
      if (saved.f === undefined) delete process.env.COMMIN_DISABLE_FEATURES; else process.env.COMMIN_DISABLE_FEATURES = saved.f;
      if (saved.l === undefined) delete process.env.COMMIN_LIMITS; else process.env.COMMIN_LIMITS = saved.l;
    }
  });

  it('the autotuner keys its choices by features and limits: another configuration never reads them', () => {
    const info = { vendor: 'mesa', architecture: 'cpu', device: 'llvmpipe', description: 'lavapipe' };
    const lim = (wg: number) => ({ maxComputeWorkgroupStorageSize: wg, maxComputeInvocationsPerWorkgroup: 256, maxStorageBufferBindingSize: 2 ** 27, maxStorageBuffersPerShaderStage: 8 }) as GPUSupportedLimits;
    const feats = (sg: boolean) => ({ subgroups: sg, subgroupMinSize: sg ? 8 : 0, shaderF16: false, timestampQuery: false });
    const a = tuneScope({ adapterInfo: info, features: feats(true) }, lim(32768));
    expect(tuneScope({ adapterInfo: info, features: feats(false) }, lim(32768))).not.toBe(a);
    expect(tuneScope({ adapterInfo: info, features: feats(true) }, lim(16384))).not.toBe(a);
    expect(tuneScope({ adapterInfo: info, features: feats(true) }, lim(32768))).toBe(a);
  });
});
