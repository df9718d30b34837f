// GAN-prior inversion through the channel code (InverseJSCC): DeepJSCC's output y is a degraded
// measurement of an image on the face GAN's range; find x = G(z) whose noiseless DeepJSCC reconstruction
// D(P(E(x))) is closest to y — per image mean((D(P(E(x))) − y)²) + λ·LPIPS(D(P(E(x))), y), P the
// transmitter's power normalisation (no noise: the receiver does not know the noise, and y already holds it).
// Adam on z from several random starts (all in one batch; the best per image kept), then ILO: Adam on an
// intermediate activation of the generator, projected after every step onto an L2 ball around its start,
// so the image can leave the generator's range a little but not far. The generator, DeepJSCC and LPIPS are
// held fixed (no weight gradients). Losses are summed over images and Adam works per element, so a batch
// of N gives what N single images give; each image's starts are keyed by (seed, firstImage + i).
import type { Tensor } from '../engine/tensor.js';
import { stridesOf } from '../engine/tensor.js';
import { backward, noGrad, requireGrad } from '../engine/autograd.js';
import { keep, tidy } from '../engine/scope.js';
import { Adam } from '../kernels/adam.js';
import { copyStrided, expandTo } from '../kernels/copy.js';
import { fill, tensor } from '../kernels/create.js';
import { add, affine, clamp, div, minimum, mul, sqrt, square, sub } from '../kernels/elementwise.js';
import { randNormal } from '../kernels/random.js';
import { mean, sum } from '../kernels/reduce.js';
import type { Lpips, LpipsTarget } from '../metrics/lpips.js';
import type { DeepJSCC } from '../networks/deepjscc.js';
import type { Generator } from '../networks/generator.js';

export interface InversionOptions {
  /** Adam steps on z (per restart; the restarts run together). */
  iters: number;
  /** Random starts per image. */
  restarts: number;
  /** Weight of the LPIPS term (0: MSE alone; needs `lpips` otherwise). */
  lambda: number;
  /** Adam steps per ILO layer (0: no ILO). */
  iloIters: number;
  /** Intermediate layers optimised in turn (generator blocks 1 … iloLayers). */
  iloLayers: number;
  /** Ball radius per ILO layer, a fraction of the starting activation's L2 norm (per image). */
  iloRadius: number;
  lr: number;
  iloLr: number;
  seed: number;
  /** Index of the batch's first image in the run (keys each image's random starts). */
  firstImage?: number;
  /** Called with the summed loss of every step (a GPU read per step: tests and diagnostics only). */
  onLoss?: (phase: 'z' | 'ilo', iter: number, loss: number) => void;
}

/** What the inversion measures against: the system's DeepJSCC at the channel's SNRs. */
export interface InversionTarget {
  jscc: DeepJSCC;
  lpips: Lpips | null;
  /** Nominal SNR (the encoder's attention). */
  snrDb: number;
  /** Per-image SNR of the decoder's attention (the effective SNR after equalisation; AWGN: the nominal). */
  decoderSnrDb: number[];
}

/** Stream of the random starts of z. */
const Z_OFFSET = 0x1b7e;

/** DeepJSCC's reconstruction of x over a noiseless channel (power normalisation only). */
export function noiselessJscc(jscc: DeepJSCC, x: Tensor, encSnr: Tensor, decSnr: Tensor): Tensor {
  return jscc.decode(jscc.noiseless(jscc.encode(x, encSnr), encSnr), decSnr);
}

/** The images every step compares with: y, and (λ > 0) its LPIPS features, computed once. */
export interface Measurement {
  y: Tensor;
  features: LpipsTarget | null;
}

export function measurementOf(t: InversionTarget, lambda: number, y: Tensor): Measurement {
  if (lambda > 0 && !t.lpips) throw new Error('GAN inversion: λ > 0 needs LPIPS weights');
  return { y, features: lambda > 0 ? t.lpips!.target(y) : null };
}

/** Per-image loss [N]: mean((D(P(E(x))) − y)²) + λ·LPIPS(D(P(E(x))), y). */
export function inversionLoss(t: InversionTarget, lambda: number, x: Tensor, m: Measurement, encSnr: Tensor, decSnr: Tensor): Tensor {
  const r = noiselessJscc(t.jscc, x, encSnr, decSnr);
  const mse = mean(square(sub(r, m.y)), [1, 2, 3]);
  if (lambda === 0) return mse;
  if (!t.lpips || !m.features) throw new Error('GAN inversion: λ > 0 needs LPIPS weights and the measurement\'s features');
  return add(mse, affine(t.lpips.distanceTo(r, m.features), lambda));
}

/** Repeats each image of x [N, …] k times in a row: [N·k, …], image i's copies at i·k … i·k + k − 1. */
function repeatEach(x: Tensor, k: number): Tensor {
  const [N, ...rest] = x.shape;
  return expandTo(x.reshape([N, 1, ...rest]), [N, k, ...rest]).reshape([N * k, ...rest]);
}

/** Projects h onto the L2 balls ‖h_i − h0_i‖ ≤ radius_i (radius [N, 1, …]), in place. */
export function projectToBall(h: Tensor, h0: Tensor, radius: Tensor): void {
  noGrad(() =>
    tidy(() => {
      const axes = h.shape.map((_, i) => i).slice(1);
      const d = sub(h, h0);
      const norm = sqrt(sum(square(d), axes, true));
      const scale = minimum(fill(h.engine, [1], 1), div(radius, add(norm, fill(h.engine, [1], 1e-12))));
      const p = add(h0, mul(d, scale));
      const st = stridesOf(h.shape);
      copyStrided(p, h, h.shape, st, st, 0, 0, 'ball projection');
    }),
  );
}

function checkOptions(o: InversionOptions, g: Generator): void {
  const ints: [string, number, number][] = [['iters', o.iters, 0], ['restarts', o.restarts, 1], ['iloIters', o.iloIters, 0], ['iloLayers', o.iloLayers, 0]];
  for (const [k, v, min] of ints) if (!Number.isInteger(v) || v < min) throw new Error(`GAN inversion: ${k} must be an integer ≥ ${min}, got ${v}`);
  if (o.iloLayers > g.blocks - 1) throw new Error(`GAN inversion: the generator has ${g.blocks - 1} intermediate layers, ${o.iloLayers} asked for`);
  for (const [k, v] of [['lambda', o.lambda], ['iloRadius', o.iloRadius], ['lr', o.lr], ['iloLr', o.iloLr]] as const) {
    if (!(Number.isFinite(v) && v >= 0)) throw new Error(`GAN inversion: ${k} must be a finite number ≥ 0, got ${v}`);
  }
}

export interface InversionResult {
  /** G's image at the solution, clamped to [0, 1], [N, 3, S, S]. */
  image: Tensor;
  /** Per image: the best restart's loss after the z phase, and the loss at the end (after ILO). */
  zLoss: number[];
  loss: number[];
}

/** Adam on `x` (a leaf) for `iters` steps of the summed loss; returns nothing (x is updated in place). */
async function optimise(x: Tensor, lr: number, iters: number, loss: () => Tensor, after: () => void, report?: (i: number, l: number) => void): Promise<void> {
  const opt = new Adam([x], { lr });
  try {
    for (let i = 0; i < iters; i++) {
      const l = tidy(() => {
        opt.zeroGrad();
        const total = sum(loss());
        backward(total);
        opt.update();
        return total;
      });
      after();
      if (report) report(i, await l.item());
      l.dispose();
      await x.engine.throttle();
    }
  } finally {
    opt.zeroGrad();
    opt.dispose();
  }
}

async function readOnce(x: Tensor): Promise<Float32Array> {
  try {
    return await x.data();
  } finally {
    x.dispose();
  }
}

/** Inverts the generator for DeepJSCC's outputs y [N, 3, S, S] in [0, 1]. */
export async function invertGan(gen: Generator, t: InversionTarget, y: Tensor, o: InversionOptions): Promise<InversionResult> {
  checkOptions(o, gen);
  const e = gen.engine;
  const [N, , S] = y.shape;
  if (gen.size !== S) throw new Error(`GAN inversion: the generator makes ${gen.size}×${gen.size} images, y is ${S}×${S}`);
  if (t.decoderSnrDb.length !== N) throw new Error(`GAN inversion: ${t.decoderSnrDb.length} decoder SNRs for ${N} images`);
  if (o.lambda > 0 && !t.lpips) throw new Error('GAN inversion: λ > 0 needs LPIPS weights');
  const R = o.restarts, L = gen.cfg.latent;
  const first = o.firstImage ?? 0;
  if (first > 0 && (R * L) % 4 !== 0) throw new Error(`GAN inversion: firstImage needs restarts·latent to be a multiple of 4, got ${R}·${L}`);
  // only ∂/∂z (∂/∂h) is wanted: hold the networks fixed so backward computes no weight gradients
  const frozen = [...gen.params.list(), ...t.jscc.params.list()].filter((p) => p.requiresGrad);
  for (const p of frozen) p.requiresGrad = false;
  const owned: Tensor[] = [];
  const own = <T extends Tensor>(x: T) => (owned.push(keep(x)), x);
  const measurements: Measurement[] = [];
  const measure = (img: Tensor) => {
    const m = measurementOf(t, o.lambda, img);
    measurements.push(m);
    return m;
  };
  try {
    const snrs = (n: number, k: number) => [
      own(tensor(e, new Array<number>(n * k).fill(t.snrDb), [n * k])),
      own(tensor(e, t.decoderSnrDb.flatMap((s) => new Array<number>(k).fill(s)), [n * k])),
    ];
    // z phase: every restart of every image in one batch, image i's starts at rows i·R … i·R + R − 1
    const [encR, decR] = snrs(N, R);
    const yR = measure(own(noGrad(() => repeatEach(y, R))));
    const z = own(requireGrad(randNormal(e, [N * R, L], { seed: o.seed, offset: Z_OFFSET, start: first * R * L })));
    const zLossOf = () => inversionLoss(t, o.lambda, gen.forward(z), yR, encR, decR);
    await optimise(z, o.lr, o.iters, zLossOf, () => {}, o.onLoss && ((i, l) => o.onLoss!('z', i, l)));
    const perRestart = await readOnce(noGrad(() => tidy(zLossOf)));
    const zHost = await z.data();
    const best = new Float32Array(N * L);
    const zLoss: number[] = [];
    for (let i = 0; i < N; i++) {
      let b = 0;
      for (let r = 1; r < R; r++) if (perRestart[i * R + r] < perRestart[i * R + b]) b = r;
      zLoss.push(perRestart[i * R + b]);
      best.set(zHost.subarray((i * R + b) * L, (i * R + b + 1) * L), i * L);
    }
    // ILO: from the best z, each layer's activation in turn within its ball
    const [enc, dec] = snrs(N, 1);
    const y1 = R === 1 ? yR : measure(y);
    let layer = 0;
    let h = own(tensor(e, best, [N, L]));
    for (let k = 1; k <= o.iloLayers && o.iloIters > 0; k++) {
      const from = h, fromLayer = layer;
      const h0 = own(noGrad(() => tidy(() => gen.forwardFrom(fromLayer, from, k))));
      h = own(requireGrad(noGrad(() => affine(h0, 1, 0))));
      layer = k;
      const radius = own(noGrad(() => tidy(() => affine(sqrt(sum(square(h0), h0.shape.map((_, i) => i).slice(1), true)), o.iloRadius))));
      const cur = h;
      await optimise(cur, o.iloLr, o.iloIters, () => inversionLoss(t, o.lambda, gen.forwardFrom(k, cur), y1, enc, dec), () => projectToBall(cur, h0, radius), o.onLoss && ((i, l) => o.onLoss!('ilo', i, l)));
    }
    const final = h, finalLayer = layer;
    const image = noGrad(() => tidy(() => clamp(gen.forwardFrom(finalLayer, final), 0, 1)));
    const loss = Array.from(await readOnce(noGrad(() => tidy(() => inversionLoss(t, o.lambda, image, y1, enc, dec)))));
    return { image, zLoss, loss };
  } finally {
    for (const p of frozen) p.requiresGrad = true;
    for (const m of measurements) m.features?.dispose();
    for (const x of owned) x.dispose();
  }
}
