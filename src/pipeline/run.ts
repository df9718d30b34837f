// One batch through every method: one channel draw, each method's reconstruction, its scores. Callers
// see each reconstruction in `visit` (write it, draw it, take features) before it is freed.
import type { Tensor } from '../engine/tensor.js';
import type { Method, MethodOptions, StepEvent } from './method.js';
import type { System } from './system.js';
import { disposeReceived, receive, sendThrough, type Received } from './receive.js';
import { noGrad } from '../engine/autograd.js';
import { affine } from '../kernels/elementwise.js';
import { AWGN, type ChannelSpec } from '../channel/index.js';
import { score, type Scores } from './score.js';
import { cropRegion, type Region } from './region.js';

export interface MethodResult {
  method: Method;
  out: Tensor;
  scores: Scores;
  /** Wall time of the method on this batch: from the received batch to its finished reconstruction. */
  ms: number;
}

export interface BatchRequest {
  methods: Method[];
  snr: number;
  seed: number;
  /** The channel (default AWGN); its draw is keyed by seed and image index, the same for every method. */
  channel?: ChannelSpec;
  /** Index of the batch's first image in the run (channel offset and sampler noise slice). */
  firstImage?: number;
  options?: MethodOptions;
  /** The photo inside a batch padded to the encoder's stride: reconstructions are cropped to it before scores and visit. */
  region?: Region;
  /** Called after each sampling step of a sampling method (awaited), with the method running it. */
  onStep?: (method: Method, info: StepEvent) => void | Promise<void>;
  /** Called with each method's reconstruction and scores (awaited) before the reconstruction is freed. */
  visit?: (r: MethodResult) => void | Promise<void>;
}

/**
 * Each method on an already received batch (the web page times the channel on its own). x is used for the
 * scores, `send` and `sourceImages` (transmitter-side baselines) only; what rx holds stays the caller's.
 */
export async function reconstructAll(system: System, x: Tensor, rx: Received, req: BatchRequest): Promise<{ method: Method; scores: Scores; ms: number }[]> {
  const { y, received, effSnrDb, channelGain } = rx;
  const firstImage = req.firstImage ?? 0;
  const channel = req.channel ?? AWGN;
  const results = [];
  const region = req.region;
  const symbols = system.jscc.symbolsFor(x.shape[2], x.shape[3]);
  // the photo's own pixels, the reference of the scores
  const original = region ? noGrad(() => cropRegion(x, region)) : x;
  try {
  for (const method of req.methods) {
    const start = performance.now();
    const full = await method.reconstruct({
      system, y, received, effSnrDb, channelGain, channel, snr: req.snr, seed: req.seed, firstImage, options: req.options ?? {}, symbols, region,
      send: (jscc) => sendThrough(jscc, x, req.snr, req.seed, firstImage, channel),
      sourceImages: () => noGrad(() => affine(x, 1, 0)),
      onStep: req.onStep && ((info) => req.onStep!(method, info)),
    });
    const out = region ? noGrad(() => cropRegion(full, region)) : full;
    try {
      // the time includes the GPU work queued for `out`, not the scoring after it
      await system.engine.sync();
      const ms = performance.now() - start;
      const scores = await score(system, original, out);
      await req.visit?.({ method, out, scores, ms });
      results.push({ method, scores, ms });
    } finally {
      if (out !== full) out.dispose();
      if (full !== y) full.dispose();
    }
  }
  } finally {
    if (original !== x) original.dispose();
  }
  return results;
}

/** Sends x (NCHW in [0, 1]) over the channel once and reconstructs it with every method. */
export async function runBatch(system: System, x: Tensor, req: BatchRequest): Promise<{ method: Method; scores: Scores; ms: number }[]> {
  const rx = receive(system, x, req.snr, req.seed, req.firstImage ?? 0, req.channel ?? AWGN);
  try {
    return await reconstructAll(system, x, rx, req);
  } finally {
    disposeReceived(rx);
  }
}
