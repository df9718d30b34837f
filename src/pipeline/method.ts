// What a reconstruction method is: a name, the models it needs beyond DeepJSCC, and a function from what
// the receiver has (y, the received symbols) to a reconstruction. Methods live in methods/, one file each.
import type { Tensor } from '../engine/tensor.js';
import type { StepInfo } from '../algorithms/sampler.js';
import type { CommInDiagnostics } from '../algorithms/commin.js';
import type { DpsDiagnostics } from '../algorithms/dps.js';
import type { DeepJSCC } from '../networks/deepjscc.js';
import type { Schedule } from '../algorithms/diffusion.js';
import type { ChannelSpec } from '../channel/index.js';
import type { Lpips } from '../metrics/lpips.js';
import type { System } from './system.js';
import type { Region } from './region.js';

/** A model file a method needs beyond DeepJSCC (the kinds of model_kinds.ts); 'control' is a control branch on the prior. */
export type Need = 'prior' | 'inn' | 'lpips' | 'adv' | 'gan' | 'control';

/** Per-method settings, keyed by method name; a method reads its own entry (its defaults where absent). */
export type MethodOptions = Record<string, unknown>;

/**
 * A command-line flag a method declares. The CLI turns it into an option of transmit, demo and eval, so the
 * library (which the web page loads) names no command-line package.
 */
export interface FlagSpec {
  /** As commander writes them: '--dps-zeta <x>', or '--no-clip' for a switch that is on by default. */
  flags: string;
  description: string;
  /** The CLI's parser of that name checks the value. */
  parse?: 'positiveInt' | 'nonNegativeInt' | 'nonNegativeNumber';
  choices?: readonly string[];
  default?: string | number | boolean;
}

/** The key a parsed flag has (as commander names it): '--dps-zeta <x>' → dpsZeta, '--no-clip' → clip. */
export const flagKey = (flags: string): string =>
  flags.replace(/^--(no-)?/, '').replace(/\s.*$/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** Run-wide switches beside the flags: per-step diagnostics (--diagnostics), printing them (--verbose), per-phase step times (the web page's readout). */
export interface RunSwitches { diagnostics?: boolean; verbose?: boolean; profile?: boolean }

/** What a sampling method runs, for a command's header line: "DPS (ζ = 1): 20 DDIM steps per SNR from y noised to t = 400". */
export interface SamplerDescription { title: string; method: string; startT?: number }

/** What a summary of a run can name: the SNRs, the seed, the LPIPS weights and the model files the methods read. */
export interface SummaryContext {
  snrs: number[];
  seed: number;
  lpips: Lpips | null;
  /** The model file of that kind the run read (undefined: none). */
  file(need: Need): string | undefined;
}

/** A method's settings: defaults, the flags that override them, and how they are described and recorded. */
export interface MethodSettings<S> {
  defaults: S;
  flags: readonly FlagSpec[];
  /** The settings the parsed flags select (unset flags keep the defaults). */
  fromFlags(flags: Record<string, unknown>, switches?: RunSwitches): S;
  /** The sampler these settings run at an SNR, for a header line (sampling methods only). */
  describe?(settings: S, snr: number, seed: number, lpips: Lpips | null): SamplerDescription;
  /** What a results summary records about these settings (eval's summary.json, under the method's name). */
  summary?(settings: S, ctx: SummaryContext): unknown;
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
  /** Called after each sampling step (awaited), for progress and diagnostics; its tensors are valid during the call only. */
  onStep?: (info: StepEvent) => void | Promise<void>;
}

export interface Method<S = unknown> {
  /** Command-line and CSV name (eval, transmit). */
  name: string;
  /** Display name (demo table, plots, web page). */
  label: string;
  /** The model files it needs beyond DeepJSCC (the kinds of model_kinds.ts). */
  needs: readonly Need[];
  /** Its settings, for methods that have any. */
  settings?: MethodSettings<S>;
  /** A reconstruction in [0, 1], shape of y; may be y itself (the pipeline never disposes y twice). */
  reconstruct(req: ReconstructRequest): Promise<Tensor>;
  /** Sampling steps (onStep calls) per batch at these settings, for progress bars; absent: none. */
  steps?(options: MethodOptions, snr: number, schedule: Schedule): number;
}

/** A method's own entry of `options`, or its defaults. */
export function settingsOf<S>(m: Method<S>, options: MethodOptions | undefined): S {
  return (options?.[m.name] as S | undefined) ?? (m.settings?.defaults as S);
}
