// Per-image scores of a reconstruction against the originals (LPIPS when the system has its weights).
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/autograd.js';
import { psnr } from '../metrics/psnr.js';
import { ssim } from '../metrics/ssim.js';
import type { System } from './system.js';

export interface Scores { psnr: number[]; ssim: number[]; lpips?: number[] }

/** PSNR (dB), SSIM and, when the system has LPIPS weights, LPIPS per image of reconstructions r against originals x. */
export async function score(system: System, x: Tensor, r: Tensor): Promise<Scores> {
  const out: Scores = { psnr: await psnr(x, r), ssim: await ssim(x, r) };
  if (system.lpips) {
    const d = noGrad(() => system.lpips!.distance(x, r));
    out.lpips = Array.from(await d.data());
    d.dispose();
  }
  return out;
}
