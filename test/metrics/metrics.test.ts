import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';
import { psnr } from '../../src/metrics/psnr.js';
import { msSsim, ssim } from '../../src/metrics/ssim.js';
import { msSsimRef, ssimRef } from '../reference/ssim.js';
import { expectClose, testRng, useEngine } from '../helpers.js';

const engine = useEngine();

describe('image metrics', () => {
  it('PSNR per image against the definition; identical images give Infinity', async () => {
    const rng = testRng();
    const a = rng.f32(2 * 3 * 8 * 8, 0, 1);
    const b = a.map((v, i) => Math.min(1, Math.max(0, v + (i % 7 === 0 ? 0.05 : -0.01))));
    const got = await psnr(tensor(engine(), a, [2, 3, 8, 8]), tensor(engine(), b, [2, 3, 8, 8]));
    for (let n = 0; n < 2; n++) {
      let m = 0;
      for (let i = 0; i < 192; i++) m += (a[n * 192 + i] - b[n * 192 + i]) ** 2;
      expect(got[n]).toBeCloseTo(10 * Math.log10(1 / (m / 192)), 3);
    }
    expect((await psnr(tensor(engine(), a, [2, 3, 8, 8]), tensor(engine(), a, [2, 3, 8, 8])))[0]).toBe(Infinity);
  });
  it('SSIM against an independent float64 reference; SSIM(x, x) = 1', async () => {
    const rng = testRng();
    for (const [N, C, H, W] of [[2, 3, 24, 20], [1, 1, 11, 11], [1, 3, 64, 64]]) {
      const n = C * H * W;
      const a = rng.f32(N * n, 0, 1);
      const b = a.map((v) => Math.min(1, Math.max(0, v + rng.uniform(-0.2, 0.2))));
      const got = await ssim(tensor(engine(), a, [N, C, H, W]), tensor(engine(), b, [N, C, H, W]));
      const ref = Array.from({ length: N }, (_, i) => ssimRef(a.subarray(i * n, (i + 1) * n), b.subarray(i * n, (i + 1) * n), C, H, W)[0]);
      expectClose(got, ref, 1e-4, 1e-4, `${[N, C, H, W]}`);
      expectClose(await ssim(tensor(engine(), a, [N, C, H, W]), tensor(engine(), a, [N, C, H, W])), new Array(N).fill(1), 0, 1e-4);
    }
  });
  it('MS-SSIM against the reference (3 scales at 64×64, 5 at 192×176)', async () => {
    const rng = testRng();
    for (const [C, H, W, scales] of [[3, 64, 64, 3], [1, 192, 176, 5]]) {
      const n = C * H * W;
      // smooth images keep cs positive at the coarse scales
      const a = Float64Array.from({ length: n }, (_, i) => 0.5 + 0.3 * Math.sin((i % W) / 7) * Math.cos(Math.floor(i / W) / 9));
      const b = a.map((v) => v + rng.uniform(-0.05, 0.05));
      const got = await msSsim(tensor(engine(), a, [1, C, H, W]), tensor(engine(), b, [1, C, H, W]));
      expect(got.scales).toBe(scales);
      expect(got.values[0]).toBeCloseTo(msSsimRef(a, b, C, H, W), 4);
    }
  });
  it('images smaller than the window are a clear error', async () => {
    const t = tensor(engine(), new Float32Array(3 * 8 * 8), [1, 3, 8, 8]);
    await expect(ssim(t, t)).rejects.toThrow(/at least 11×11/);
  });
});
