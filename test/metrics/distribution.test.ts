import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tensor } from '../../src/index.js';
import { Lpips } from '../../src/metrics/lpips.js';
import { frechetDistance, kernelDistance, rows, symmetricEigen } from '../../src/metrics/distribution.js';
import { batchOf, loadImageSet } from '../../src/data/folder.js';
import { faceFolder, HAS_FACES, LPIPS_FILE, NEEDS_FACES } from '../data_helpers.js';
import { testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe('distribution metrics (FD-squeeze, KID-squeeze)', () => {
  it('Jacobi eigen-decomposition reconstructs a symmetric matrix', () => {
    const rng = testRng();
    const n = 6;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.uniform(-1, 1);
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
        expect(s).toBeCloseTo(a[i * n + j], 9);
      }
  });
  it('Fréchet distance of 1-D Gaussians matches the closed form', () => {
    const rng = testRng();
    const x = Array.from({ length: 4000 }, () => Float64Array.of(rng.uniform(-1, 1)));
    const y = x.map((v) => Float64Array.of(2 * v[0] + 3));
    // (μ1−μ2)² + (σ1 − σ2)² with σ2 = 2σ1
    const vx = x.reduce((s, v) => s + v[0] * v[0], 0) / x.length - (x.reduce((s, v) => s + v[0], 0) / x.length) ** 2;
    const mx = x.reduce((s, v) => s + v[0], 0) / x.length;
    expect(frechetDistance(x, y)).toBeCloseTo((mx - (2 * mx + 3)) ** 2 + vx * (4000 / 3999), 4);
  });
  it('on LPIPS-squeeze features: a set against itself ≈ 0, a noised set further', async (ctx) => {
    ctx.skip(!HAS_FACES, NEEDS_FACES);
    const lp = Lpips.load(engine(), new Uint8Array(readFileSync(LPIPS_FILE)));
    const set = loadImageSet(faceFolder(40, 64), 64, { cacheDir: null });
    const idx = set.names.map((_, i) => i);
    const clean = batchOf(set, idx);
    const rng = testRng();
    const noisy = clean.map((v) => Math.min(1, Math.max(0, v + rng.uniform(-0.3, 0.3))));
    const feats = async (d: Float32Array) => rows(await lp.pooledFeatures(tensor(engine(), d, [idx.length, 3, 64, 64])).data(), 512);
    const a = await feats(clean), b = await feats(noisy);
    const kidSelf = kernelDistance(a, a), kidNoise = kernelDistance(a, b);
    expect(Math.abs(kidSelf)).toBeLessThan(0.1 * kidNoise);
    expect(kidNoise).toBeGreaterThan(0);
    expect(Math.abs(frechetDistance(a, a))).toBeLessThan(1e-6 * frechetDistance(a, b) + 1e-9);
    expect(frechetDistance(a, b)).toBeGreaterThan(1e-3);
  });
});
