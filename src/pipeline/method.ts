// What a reconstruction method is: a name, the models it needs beyond DeepJSCC, and a function from what
// the receiver has (y, the received symbols) to a reconstruction. Methods live in methods/, one file each.
import type { Tensor } from '../engine/tensor.js';
import type { StepInfo } from '../models/sampler.js';
import type { CommInDiagnostics } from '../models/commin.js';
import type { DpsDiagnostics } from '../models/dps.js';
import type { DeepJSCC } from '../models/deepjscc.js';
import type { Schedule } from '../models/diffusion.js';
import type { ChannelSpec } from '../models/channel_spec.js';
import type { CommInSettings } from './commin_settings.js';
import type { DpsSettings } from './dps_settings.js';
import type { InverseSettings } from './inverse_settings.js';
import type { DiffJsccSettings } from './diffjscc_settings.js';
import type { System } from './system.js';
import type { Region } from './region.js';

/** A model file a method needs beyond DeepJSCC; 'control' is DiffJSCC's branch on the prior. */
export type Need = 'prior' | 'inn' | 'lpips' | 'adv' | 'gan' | 'control';

/** Per-method settings, keyed by method; a method reads its own entry. */
export interface MethodOptions {
  commin?: CommInSettings;
  dps?: DpsSettings;
  inverse?: InverseSettings;
  diffjscc?: DiffJsccSettings;
  [method: string]: unknown;
}

/** A sampling step; `diagnostics` from CommIN's INN guidance, `dps` from DPS's channel guidance. */
export type StepEvent = StepInfo & { diagnostics?: CommInDiagnostics; dps?: DpsDiagnostics };

export interface ReconstructRequest {
  system: System;
  /** DeepJSCC's output for the batch, [N, 3, S, S] in [0, 1]: the received symbols, decoded. */
  y: Tensor;
  /** The noisy (equalised) channel symbols of the system's DeepJSCC, [N, c, S/4, S/4] (what its decoder takes). */
  received: Tensor;
  /**
   * Sends the batch's images through another DeepJSCC with the same channel draw keys (seed, firstImage,
   * image index) over the same channel; returns its decoded output in [0, 1], owned by the caller.
   */
  send(jscc: DeepJSCC): Tensor;
  /**
   * The batch's original images [N, 3, S, S] in [0, 1], a copy owned by the caller: for transmitter-side
   * baselines only (a separate source and channel code, which encodes the image itself). A receiver-side
   * method must not read it: the receiver has only y, the received symbols and the channel estimate.
   */
  sourceImages(): Tensor;
  /** The channel the batch went over (AWGN unless the request named another). */
  channel: ChannelSpec;
  /** [N] effective SNR in dB per image after equalisation (snr itself over AWGN), from the receive step. */
  effSnrDb: Tensor;
  /** [N] mean channel power gain per image (|h|² for block fading; 1 over AWGN), from the receive step. */
  channelGain: Tensor;
  /** The nominal SNR in dB. */
  snr: number;
  /** Complex channel symbols each image of the batch was sent in (DeepJSCC's k at the batch's size). */
  symbols: number;
  /** The photo inside a batch padded to the encoder's stride (absent: the whole batch is the image). */
  region?: Region;
  seed: number;
  /** Index of the batch's first image in the run: keys a method's own noise per image, as the sampler's. */
  firstImage: number;
  options: MethodOptions;
  onStep?: (info: StepEvent) => void | Promise<void>;
}

export interface Method {
  /** Command-line and CSV name (eval, transmit). */
  name: string;
  /** Display name (demo table, plots, web page). */
  label: string;
  needs: readonly Need[];
  /** A reconstruction in [0, 1], shape of y; may be y itself (the pipeline never disposes y twice). */
  reconstruct(req: ReconstructRequest): Promise<Tensor>;
  /** Sampling steps (onStep calls) per batch at these settings, for progress bars; absent: none. */
  steps?(options: MethodOptions, snr: number, schedule: Schedule): number;
}
