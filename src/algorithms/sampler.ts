// The one diffusion sampling loop. DDPM (ancestral, every timestep) or DDIM (a subsequence, η); x̂0 is
// clipped to [−1, 1] by default and the update is recomputed from the clipped x̂0, as the reference
// samplers do (guided-diffusion's clip_denoised): at t ≈ T, x̂0 multiplies every error of ε̂ by ≈ 1/√ᾱ_t,
// and an unclipped weak prior samples noise. An optional guidance hook moves each step along
// −ζ·∇_{x_t} loss(x̂0) (CommIN, posterior sampling); with no hook or ζ = 0 it is the plain sampler.
import type { Tensor } from '../engine/tensor.js';
import { backward, noGrad, requireGrad } from '../engine/autograd.js';
import { keep, tidy, tidyAsync } from '../engine/scope.js';
import { affine, clamp, scaleBy, square, sub } from '../kernels/elementwise.js';
import { mean } from '../kernels/reduce.js';
import { randNormal } from '../kernels/random.js';
import { diffusionStep, stepCoefficients, stepCoefficientsFromX0 } from '../kernels/diffusion_step.js';
import { qSample, type Schedule } from './diffusion.js';
import type { Engine } from '../engine/engine.js';

/** What the sampler needs of an ε-model: the U-Net itself, or the prior with a control branch (control.ts). */
export interface EpsModel {
  engine: Engine;
  /** Every parameter, held fixed while guiding. */
  params: { list(): Tensor[] };
  forward(x: Tensor, t: number[]): Tensor;
}

/** A guidance term: x_{t−1} = x'_{t−1} − ζ·∇_{x_t} loss(x̂0(x_t)). */
export interface Guidance {
  zeta: number;
  /**
   * The loss of the x̂0 estimate (in [−1, 1], differentiable in x_t through the U-Net). Make it a sum of
   * per-image terms, so that each image's step depends on that image alone.
   */
  loss(x0: Tensor, t: number): Tensor;
  /** Parameters to hold fixed while guiding (the U-Net's always are): no weight gradients are computed. */
  frozen?: Tensor[];
}

/**
 * How ∇_{x_t} reaches x_t from x̂0: 'through' the U-Net (DPS and the reference code: a backward pass
 * through the network every step), or with ε̂ 'detached' — x̂0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t with ε̂ held
 * fixed, so ∇_{x_t} = ∇_{x̂0}/√ᾱ_t on the pixels the clip leaves alone, and no network backward at all.
 */
export type UnetGradient = 'through' | 'detached';

export interface StepTimes {
  /** U-Net forward and the x̂0 estimate. */
  unet: number;
  /** The guidance loss and its backward pass (0 without guidance). */
  guidance: number;
  /** The update x_{t−1}. */
  update: number;
}

export interface StepInfo {
  i: number;
  t: number;
  count: number;
  /** x_{t−1} and the (clipped) x̂0 estimate, both in [−1, 1]; valid during the callback only. */
  x: Tensor;
  x0: Tensor;
  /** Per-phase milliseconds; measured with a GPU sync per phase only when `profile` is set. */
  ms: StepTimes;
  /** ζ·∇_{x_t} loss, the guidance step subtracted from x'_{t−1} (guided steps only; valid during the callback). */
  guidanceStep?: Tensor;
}

export interface SamplerOptions {
  /** 'ddpm' (ancestral, every step) or 'ddim' (subsequence of `steps` timesteps, η). */
  method: 'ddpm' | 'ddim';
  steps?: number;
  eta?: number;
  seed: number;
  /**
   * Index of the batch's first image in a larger run (default 0). Each image draws its noise from its own
   * slice of the seed's stream, so a batch of N gives the same images as N runs of batch 1 with
   * firstImage 0 … N−1 (needs C·R·R to be a multiple of 4).
   */
  firstImage?: number;
  /** Clip x̂0 to [−1, 1] and recompute the update from it (default true). */
  clip?: boolean;
  /** Start from this image (in [−1, 1]) noised to timestep `startT` instead of pure noise at T−1. */
  init?: { x0: Tensor; startT: number };
  /** Posterior variance β̃ for the ancestral sampler (default) or β. */
  posteriorVariance?: boolean;
  guidance?: Guidance;
  /** How the guidance gradient reaches x_t (default 'through'). */
  unetGradient?: UnetGradient;
  onStep?: (info: StepInfo) => void | Promise<void>;
  /** Sync the GPU between phases so `ms` splits a step truthfully (slower). */
  profile?: boolean;
}

/** What every guided method passes on to the sampler, in its own options. */
export interface GuidedRunOptions {
  method: 'ddpm' | 'ddim';
  steps?: number;
  eta?: number;
  seed: number;
  /** Index of the batch's first image in the run: a batch of N equals N runs of batch 1 (see SamplerOptions). */
  firstImage?: number;
  /** Guidance step size ζ (0: the plain sampler). */
  zeta: number;
  /** Clip x̂0 to [−1, 1] (default true). */
  clip?: boolean;
  /** Start from y noised to this timestep instead of pure noise (fewer steps). */
  startT?: number;
  /** How the guidance gradient reaches x_t (default 'through' the U-Net). */
  unetGradient?: UnetGradient;
  profile?: boolean;
}

/** The timesteps a sampler visits, from high to low. */
export function samplerTimesteps(s: Schedule, o: Pick<SamplerOptions, 'method' | 'steps' | 'init'>): number[] {
  const top = o.init ? o.init.startT : s.T - 1;
  if (o.method === 'ddpm') return Array.from({ length: top + 1 }, (_, i) => top - i);
  const n = Math.max(1, Math.min(o.steps ?? 50, top + 1));
  // evenly spaced from `top` down to 0; a single step is taken at `top` (x̂0 from the start)
  const ts = n === 1 ? [top] : Array.from({ length: n }, (_, i) => Math.round((top * (n - 1 - i)) / (n - 1)));
  return [...new Set(ts)];
}

/** Checks the options against the schedule before any work is done. */
export function checkSamplerOptions(s: Schedule, o: SamplerOptions): void {
  if (o.init && (!Number.isInteger(o.init.startT) || o.init.startT < 0 || o.init.startT >= s.T)) {
    throw new Error(`sampler: start timestep must be an integer in [0, ${s.T - 1}], got ${o.init.startT}`);
  }
  if (o.eta !== undefined && !(o.eta >= 0 && o.eta <= 1)) throw new Error(`sampler: η must be in [0, 1], got ${o.eta}`);
  if (o.guidance && !(Number.isFinite(o.guidance.zeta) && o.guidance.zeta >= 0)) throw new Error(`sampler: ζ must be a finite number ≥ 0, got ${o.guidance.zeta}`);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new Error(`sampler: seed must be a non-negative safe integer, got ${o.seed}`);
  if (o.unetGradient !== undefined && o.unetGradient !== 'through' && o.unetGradient !== 'detached') {
    throw new Error(`sampler: unetGradient must be 'through' or 'detached', got '${o.unetGradient as string}'`);
  }
  if (o.firstImage !== undefined && !(Number.isSafeInteger(o.firstImage) && o.firstImage >= 0)) {
    throw new Error(`sampler: firstImage must be a non-negative integer, got ${o.firstImage}`);
  }
}

/** Where this batch's noise starts in the seed's stream (per-image slices, see `firstImage`). */
function noiseStart(shape: number[], firstImage = 0): number {
  const perImage = shape.slice(1).reduce((a, d) => a * d, 1);
  if (firstImage > 0 && perImage % 4 !== 0) throw new Error(`sampler: firstImage needs C·H·W to be a multiple of 4, got [${shape.slice(1)}]`);
  return firstImage * perImage;
}

/**
 * Samples images [N, C, R, R] in [−1, 1] (the last x, not clipped). Noise is seeded per step, so a seed
 * fixes the result.
 */
export async function sample(model: EpsModel, s: Schedule, shape: number[], o: SamplerOptions): Promise<Tensor> {
  checkSamplerOptions(s, o);
  const guided = !!o.guidance && o.guidance.zeta !== 0;
  // guidance needs ∂/∂x_t only: hold the networks fixed so backward computes no weight gradients
  const frozen = guided ? [...model.params.list(), ...(o.guidance!.frozen ?? [])].filter((p) => p.requiresGrad) : [];
  for (const p of frozen) p.requiresGrad = false;
  try {
    return await sampleLoop(model, s, shape, o, guided);
  } finally {
    for (const p of frozen) p.requiresGrad = true;
  }
}

async function sampleLoop(model: EpsModel, s: Schedule, shape: number[], o: SamplerOptions, guided: boolean): Promise<Tensor> {
  const e = model.engine;
  const N = shape[0];
  const ts = samplerTimesteps(s, o);
  const clip = o.clip ?? true;
  const start = noiseStart(shape, o.firstImage);
  const epsThroughUnet = (o.unetGradient ?? 'through') === 'through';
  let x: Tensor;
  if (o.init) {
    const eps = randNormal(e, shape, { seed: o.seed, offset: 0x7fffffff, start });
    x = keep(noGrad(() => tidy(() => qSample(o.init!.x0, eps, new Array(N).fill(o.init!.startT), s))));
    eps.dispose();
  } else x = keep(randNormal(e, shape, { seed: o.seed, offset: 0x7ffffffe, start }));
  const now = async () => {
    if (o.profile) await e.sync();
    return performance.now();
  };
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    const tPrev = i + 1 < ts.length ? ts[i + 1] : -1;
    const ab = s.alphaBar(t), abPrev = s.alphaBar(tPrev);
    const c = o.method === 'ddpm' ? stepCoefficientsFromX0.ancestral(ab, abPrev, o.posteriorVariance ?? true) : stepCoefficientsFromX0.ddim(ab, abPrev, o.eta ?? 0);
    const sigma = tPrev < 0 ? 0 : (c.sigma ?? 0);
    const ms: StepTimes = { unet: 0, guidance: 0, update: 0 };
    let mark = await now();
    const xt = guided ? requireGrad(x) : x;
    // one scope for the whole step: the U-Net's intermediates live until the guidance backward, then go
    const step = await tidyAsync(async () => {
      const estimate = () => {
        const forward = () => model.forward(xt, new Array(N).fill(t));
        const eps = epsThroughUnet ? forward() : noGrad(forward);
        const raw = diffusionStep(xt, eps, stepCoefficients.x0(ab));
        return clip ? clamp(raw, -1, 1) : raw;
      };
      const x0 = guided ? estimate() : noGrad(estimate);
      const prev = noGrad(() => diffusionStep(xt, x0, { ...c, sigma, seed: o.seed, offset: t, start }));
      const afterUnet = await now();
      ms.unet = afterUnet - mark;
      mark = afterUnet;
      if (!guided) return { next: prev, x0, g: null };
      backward(o.guidance!.loss(x0, t));
      const afterGuidance = await now();
      ms.guidance = afterGuidance - mark;
      mark = afterGuidance;
      const g = noGrad(() => scaleBy(xt.grad!, o.guidance!.zeta));
      return { next: noGrad(() => sub(prev, g)), x0: noGrad(() => affine(x0, 1, 0)), g };
    });
    xt.grad?.dispose();
    xt.grad = null;
    x.dispose();
    x = step.next;
    ms.update = (await now()) - mark;
    await o.onStep?.({ i, t, count: ts.length, x, x0: step.x0, ms, guidanceStep: step.g ?? undefined });
    step.x0.dispose();
    step.g?.dispose();
    await e.throttle();
  }
  return x;
}

/** RMS per pixel of each image's guidance step (StepInfo.guidanceStep; [] on unguided steps), read back. */
export async function guidanceRmsPerImage(g: Tensor | undefined): Promise<number[]> {
  if (!g) return [];
  const ms = noGrad(() => tidy(() => mean(square(g), [1, 2, 3])));
  const v = Array.from(await ms.data(), Math.sqrt);
  ms.dispose();
  return v;
}
