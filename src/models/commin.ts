// The CommIN sampler: diffusion sampling guided by an INN that mimics the channel. After each reverse step
// the x̂0 estimate is decomposed by the INN, its coarse part is replaced by the one that matches the
// received image y, the INN is inverted (x_inn: details from the prior, coarse content from the channel),
// and x_{t−1} moves along −ζ·∇_{x_t} ‖x_inn − x̂0‖ (the gradient flows through the U-Net; x_inn is a fixed
// target of the step, as in the reference code).
import type { Tensor } from '../engine/tensor.js';
import { backward, noGrad, requireGrad } from '../engine/autograd.js';
import { keep, tidy, tidyAsync } from '../engine/scope.js';
import { affine, clamp, mul, sqrt, square, sub } from '../kernels/elementwise.js';
import { randNormal } from '../kernels/random.js';
import { sum } from '../kernels/reduce.js';
import { avgPool } from '../kernels/resample.js';
import { tensor } from '../kernels/create.js';
import { diffusionStep, stepCoefficients } from '../kernels/diffusion_step.js';
import { qSample, samplerTimesteps, type Schedule } from './diffusion.js';
import type { Inn } from './inn.js';
import type { UNet } from './unet.js';

export interface CommInOptions {
  method: 'ddpm' | 'ddim';
  steps?: number;
  eta?: number;
  seed: number;
  /** Guidance step size ζ (0: the plain sampler). */
  zeta: number;
  /** 'l2' (the norm, as the reference code) or 'l2sq' (its square). */
  distance?: 'l2' | 'l2sq';
  /** Start from y noised to this timestep instead of pure noise (fewer steps). */
  startT?: number;
  onStep?: (info: { i: number; t: number; count: number; x0: Tensor; ms: StepTimes }) => void | Promise<void>;
  /** Measure the split of each step (adds a GPU sync per phase). */
  profile?: boolean;
}

export interface StepTimes {
  unet: number;
  inn: number;
  guidance: number;
  update: number;
}

/** Default start timestep: y noised to t, then denoised (chosen on validation faces outside the evaluation set). */
export const DEFAULT_START_T = 100;
/** Default DDIM steps from DEFAULT_START_T down to 0. */
export const DEFAULT_STEPS = 10;

/** Default ζ for the three SNRs of the reference evaluation, low to high. */
export function defaultZeta(snrDb: number): number {
  return snrDb <= 2 ? 0.3 : snrDb <= 5 ? 0.4 : 0.5;
}

/** The coarse target the INN's coarse part must match: y itself (undecimated) or y averaged over 2^J blocks. */
export function coarseTarget(inn: Inn, y01: Tensor): Tensor {
  return inn.cfg.mode === 'decimated' ? avgPool(y01, 2 ** inn.cfg.levels) : affine(y01, 1, 0);
}

/**
 * Reconstructs images from the received images y [N, 3, R, R] in [0, 1]. Returns x clamped to [0, 1].
 */
export async function comminSample(unet: UNet, inn: Inn, s: Schedule, y01: Tensor, o: CommInOptions): Promise<Tensor> {
  // the guidance needs ∂/∂x_t only: freeze the networks so backward computes no weight gradients
  const frozen = [...unet.params.list(), ...inn.params.list()].filter((p) => p.requiresGrad);
  for (const p of frozen) p.requiresGrad = false;
  try {
    return await sampleFrozen(unet, inn, s, y01, o);
  } finally {
    for (const p of frozen) p.requiresGrad = true;
  }
}

async function sampleFrozen(unet: UNet, inn: Inn, s: Schedule, y01: Tensor, o: CommInOptions): Promise<Tensor> {
  const e = unet.engine;
  const shape = [...y01.shape];
  const N = shape[0];
  const target = keep(noGrad(() => coarseTarget(inn, y01)));
  const ts = samplerTimesteps(s, { method: o.method, steps: o.steps, init: o.startT !== undefined ? { x0: y01, startT: o.startT } : undefined });
  let x: Tensor;
  if (o.startT !== undefined) {
    x = keep(noGrad(() => tidy(() => qSample(affine(y01, 2, -1), randNormal(e, shape, { seed: o.seed, offset: 0x7fffffff }), new Array(N).fill(o.startT), s))));
  } else x = keep(randNormal(e, shape, { seed: o.seed, offset: 0x7ffffffe }));
  const now = async (on: boolean) => {
    if (on) await e.sync();
    return performance.now();
  };
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    const tPrev = i + 1 < ts.length ? ts[i + 1] : -1;
    const ab = s.alphaBar(t), abPrev = s.alphaBar(tPrev);
    const c = o.method === 'ddpm' ? stepCoefficients.ancestral(ab, abPrev, true) : stepCoefficients.ddim(ab, abPrev, o.eta ?? 0);
    const sigma = tPrev < 0 ? 0 : (c.sigma ?? 0);
    const times: StepTimes = { unet: 0, inn: 0, guidance: 0, update: 0 };
    let t0 = await now(!!o.profile);
    const guided = o.zeta !== 0;
    const xt = guided ? requireGrad(x) : x;
    // one scope for the whole step: the U-Net's intermediates live until the guidance backward, then go
    const step = await tidyAsync(async () => {
      const run = () => {
        const eps = unet.forward(xt, new Array(N).fill(t));
        const x0 = diffusionStep(xt, eps, stepCoefficients.x0(ab));
        const prev = noGrad(() => diffusionStep(xt, eps, { ...c, sigma, seed: o.seed, offset: t }));
        return { x0, prev };
      };
      const inner = guided ? run() : noGrad(run);
      let t1 = await now(!!o.profile);
      times.unet = t1 - t0;
      if (!guided) return { out: inner.prev, x0: inner.x0 };
      const x0img = affine(inner.x0, 0.5, 0.5);
      // x_inn: the INN code of x̂0 with its coarse part replaced by the channel's (no gradient: a target)
      const xInn = noGrad(() => {
        const code = inn.forward(x0img);
        return inn.inverse({ coarse: target, details: code.details });
      });
      t0 = await now(!!o.profile);
      times.inn = t0 - t1;
      const d2 = sum(square(sub(xInn, x0img)));
      backward((o.distance ?? 'l2') === 'l2' ? sqrt(d2) : d2);
      t1 = await now(!!o.profile);
      times.guidance = t1 - t0;
      const out = noGrad(() => sub(inner.prev, mul(xt.grad!, tensor(e, [o.zeta], [1]))));
      return { out, x0: noGrad(() => affine(inner.x0, 1, 0)) };
    });
    const t2 = performance.now();
    xt.grad?.dispose();
    xt.grad = null;
    x.dispose();
    x = step.out;
    times.update = (await now(!!o.profile)) - t2;
    await o.onStep?.({ i, t, count: ts.length, x0: step.x0, ms: times });
    step.x0.dispose();
    await e.throttle();
  }
  target.dispose();
  const out = noGrad(() => tidy(() => clamp(affine(x, 0.5, 0.5), 0, 1)));
  x.dispose();
  return out;
}
