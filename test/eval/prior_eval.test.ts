import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Lpips } from '../../src/metrics/lpips.js';
import { Schedule } from '../../src/algorithms/diffusion.js';
import { UNet, type UNetConfig } from '../../src/networks/unet.js';
import { evaluatePrior, type PriorEvalOptions } from '../../src/eval/prior_eval.js';
import type { ImageSet } from '../../src/data/folder.js';
import { useEngine } from '../helpers.js';
import { LPIPS_FILE } from '../data_helpers.js';
import { Rng } from '../reference/rng.js';

const engine = useEngine();
const R = 32;
const TINY: UNetConfig = { resolution: R, inChannels: 3, outChannels: 3, ch: 8, chMult: [1, 2], numResBlocks: 1, attnResolutions: [], dropout: 0, groups: 4, eps: 1e-6 };
const schedule = new Schedule({ kind: 'linear', T: 20, betaStart: 1e-4, betaEnd: 0.2 });
const lpips = () => Lpips.load(engine(), new Uint8Array(readFileSync(LPIPS_FILE)));

/** Smooth random images (a few blobs of colour), so features are not all alike. */
function imageSet(n: number, seed: number): ImageSet {
  const rng = new Rng(seed);
  const pixels = new Uint8Array(n * R * R * 3);
  for (let k = 0; k < n; k++) {
    const [cx, cy, r] = [rng.uniform(0, R), rng.uniform(0, R), rng.uniform(4, 14)];
    const col = [rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)];
    const bg = [rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)];
    for (let y = 0; y < R; y++)
      for (let x = 0; x < R; x++)
        for (let c = 0; c < 3; c++) pixels[((k * R + y) * R + x) * 3 + c] = (x - cx) ** 2 + (y - cy) ** 2 < r * r ? col[c] : bg[c];
  }
  return { size: R, names: Array.from({ length: n }, (_, i) => `img${i}`), pixels };
}

const OPTS: PriorEvalOptions = { count: 6, sampleSteps: 3, batch: 4, seed: 1, clip: true, timesteps: [4, 15], denoiseCount: 5 };

describe('prior evaluation', () => {
  it('samples, scores against the validation set next to the training floor, and checks x̂0 at each t', async () => {
    const unet = new UNet(engine(), TINY, 1);
    const lp = lpips();
    const val = imageSet(10, 1), train = imageSet(12, 2);
    const r = await evaluatePrior(unet, schedule, lp, val, train, OPTS);
    expect(r.samples).toMatchObject({ count: 6, steps: 3 });
    expect(r.reference.count).toBe(10);
    expect(r.grid.shape).toEqual([6, 3, R, R]);
    expect(r.grid.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(r.denoise.map((d) => d.t)).toEqual([4, 15]);
    for (const d of r.denoise) expect(Number.isFinite(d.psnr) && d.lpips >= 0).toBe(true);
    // an untrained U-Net's samples are far from the faces; the floor is not
    expect(r.samples.fdSqueeze).toBeGreaterThan(r.trainingFloor.fdSqueeze);
    expect(r.fdRatio).toBeCloseTo(r.samples.fdSqueeze / r.trainingFloor.fdSqueeze, 2);
    // given the training faces as "samples", the samples' distances are the floor's exactly
    const same = await evaluatePrior(unet, schedule, lp, val, train, { ...OPTS, samples: train });
    expect(same.samples.fdSqueeze).toBe(same.trainingFloor.fdSqueeze);
    expect(same.samples.kidSqueeze).toBe(same.trainingFloor.kidSqueeze);
    expect(same.fdRatio).toBe(1);
    unet.dispose();
    lp.dispose();
  });

  it('refuses a timestep outside the schedule and too few training faces for the floor', async () => {
    const unet = new UNet(engine(), TINY, 1);
    const lp = lpips();
    const val = imageSet(4, 3);
    await expect(evaluatePrior(unet, schedule, lp, val, imageSet(3, 4), OPTS)).rejects.toThrow(/6 training faces wanted for the floor, the folder has 3/);
    await expect(evaluatePrior(unet, schedule, lp, val, imageSet(8, 4), { ...OPTS, samples: imageSet(8, 5), timesteps: [20] })).rejects.toThrow(/timestep 20 is outside \[0, 19\]/);
    unet.dispose();
    lp.dispose();
  });
});
