// The fused diffusion update (shaders/ddpm_step.wgsl): y = cx·x + ce·ε + σ·z, z ~ N(0,1) seeded on the
// GPU. Differentiable in x and ε (the guided sampler back-propagates through the x̂0 estimate).
import { needsGrad, record } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import { scaleBy } from './elementwise.js';
import { startQuad } from './random.js';
import { empty, gridStride, sameEngine, sameShape, shapeStr } from './util.js';

export interface StepCoefficients {
  cx: number;
  ce: number;
  /** Standard deviation of the added noise (0: none). */
  sigma?: number;
  seed?: number;
  /** Counter offset, e.g. the step index, so each step draws fresh noise from one seed. */
  offset?: number;
  /** Noise stream start (a multiple of 4), as in `RandomOptions.start`. */
  start?: number;
}

/** One fused update y = cx·x + ce·ε + σ·z (z ~ N(0, 1) seeded on the GPU); x and ε of one shape, differentiable in both. */
export function diffusionStep(x: Tensor, eps: Tensor, c: StepCoefficients): Tensor {
  const e = sameEngine(x, eps);
  if (!sameShape(x.shape, eps.shape)) throw new Error(`diffusion step: x and ε differ: ${shapeStr(x.shape, eps.shape)}`);
  const sigma = c.sigma ?? 0;
  const seed = c.seed ?? 0;
  if (sigma !== 0 && (!Number.isInteger(seed) || seed < 0)) throw new Error(`diffusion step: seed must be a non-negative integer, got ${seed}`);
  const y = empty(e, x.shape);
  e.launch('ddpm_step', {
    buffers: [x.buffer, eps.buffer, y.buffer],
    uniforms: { n: x.size, seedLo: seed % 2 ** 32, seedHi: Math.floor(seed / 2 ** 32), offset: c.offset ?? 0, startQuad: startQuad(c.start), cx: c.cx, ce: c.ce, sigma },
    workgroups: gridStride(e, Math.ceil(x.size / 4), 64),
    label: shapeStr(x.shape),
  });
  // ε is often held fixed (a guidance step without the U-Net's Jacobian): no gradient computed for it then
  return record(y, 'diffusion_step', [x, eps], (g) => tidy(() => [needsGrad(x) ? scaleBy(g, c.cx) : null, needsGrad(eps) ? scaleBy(g, c.ce) : null]));
}

/** Coefficients from a schedule: ᾱ_t (alphaBar) and ᾱ_{t−1} (alphaBarPrev, 1 at t = 0). */
export const stepCoefficients = {
  /** x̂0 = (x_t − √(1−ᾱ_t)·ε)/√ᾱ_t */
  x0(alphaBar: number): StepCoefficients {
    return { cx: 1 / Math.sqrt(alphaBar), ce: -Math.sqrt(1 - alphaBar) / Math.sqrt(alphaBar) };
  },
  /** DDPM ancestral: x_{t−1} = (x_t − β_t/√(1−ᾱ_t)·ε)/√α_t + σ_t·z, σ_t² = β_t or β̃_t (posterior). */
  ancestral(alphaBar: number, alphaBarPrev: number, posteriorVariance = false): StepCoefficients {
    const alpha = alphaBar / alphaBarPrev;
    const beta = 1 - alpha;
    const sigma2 = posteriorVariance ? (beta * (1 - alphaBarPrev)) / (1 - alphaBar) : beta;
    return { cx: 1 / Math.sqrt(alpha), ce: -beta / (Math.sqrt(alpha) * Math.sqrt(1 - alphaBar)), sigma: Math.sqrt(sigma2) };
  },
  /** DDIM: x_{t−1} = √ᾱ_{t−1}·x̂0 + √(1−ᾱ_{t−1}−σ²)·ε + σ·z, σ = η·√((1−ᾱ_{t−1})/(1−ᾱ_t))·√(1−ᾱ_t/ᾱ_{t−1}). */
  ddim(alphaBar: number, alphaBarPrev: number, eta: number): StepCoefficients {
    const sigma = ddimSigma(alphaBar, alphaBarPrev, eta);
    const x0 = stepCoefficients.x0(alphaBar);
    const dir = Math.sqrt(Math.max(0, 1 - alphaBarPrev - sigma * sigma));
    return { cx: Math.sqrt(alphaBarPrev) * x0.cx, ce: Math.sqrt(alphaBarPrev) * x0.ce + dir, sigma };
  },
};

function ddimSigma(alphaBar: number, alphaBarPrev: number, eta: number): number {
  return eta * Math.sqrt((1 - alphaBarPrev) / (1 - alphaBar)) * Math.sqrt(1 - alphaBar / alphaBarPrev);
}

/**
 * The same updates written in x_t and x̂0 (for samplers that clip x̂0 and recompute ε from it):
 * x_{t−1} = cx·x_t + ce·x̂0 + σ·z — pass x̂0 where `diffusionStep` takes ε. Without clipping they equal
 * `stepCoefficients` exactly (in real arithmetic).
 */
export const stepCoefficientsFromX0 = {
  /** The DDPM posterior mean μ̃(x_t, x̂0) = √ᾱ_{t−1}β_t/(1−ᾱ_t)·x̂0 + √α_t(1−ᾱ_{t−1})/(1−ᾱ_t)·x_t, σ² = β̃_t or β_t. */
  ancestral(alphaBar: number, alphaBarPrev: number, posteriorVariance = false): StepCoefficients {
    const alpha = alphaBar / alphaBarPrev;
    const beta = 1 - alpha;
    const sigma2 = posteriorVariance ? (beta * (1 - alphaBarPrev)) / (1 - alphaBar) : beta;
    return { cx: (Math.sqrt(alpha) * (1 - alphaBarPrev)) / (1 - alphaBar), ce: (Math.sqrt(alphaBarPrev) * beta) / (1 - alphaBar), sigma: Math.sqrt(sigma2) };
  },
  /** DDIM with ε' = (x_t − √ᾱ_t·x̂0)/√(1−ᾱ_t): x_{t−1} = √ᾱ_{t−1}·x̂0 + √(1−ᾱ_{t−1}−σ²)·ε' + σ·z. */
  ddim(alphaBar: number, alphaBarPrev: number, eta: number): StepCoefficients {
    const sigma = ddimSigma(alphaBar, alphaBarPrev, eta);
    const dir = Math.sqrt(Math.max(0, 1 - alphaBarPrev - sigma * sigma)) / Math.sqrt(1 - alphaBar);
    return { cx: dir, ce: Math.sqrt(alphaBarPrev) - dir * Math.sqrt(alphaBar), sigma };
  },
};
