// What a reconstruction method is: a name, the models it needs beyond DeepJSCC, and a function from the
// received image y to a reconstruction. Methods live in methods/, one file each.
import type { Tensor } from '../engine/tensor.js';
import type { StepInfo } from '../models/sampler.js';
import type { CommInDiagnostics } from '../models/commin.js';
import type { CommInSettings } from './commin_settings.js';
import type { System } from './system.js';

export type Need = 'prior' | 'inn' | 'lpips';

/** Per-method settings, keyed by method; a method reads its own entry. */
export interface MethodOptions {
  commin?: CommInSettings;
  [method: string]: unknown;
}

export type StepEvent = StepInfo & { diagnostics?: CommInDiagnostics };

export interface ReconstructRequest {
  system: System;
  /** DeepJSCC's output for the batch, [N, 3, S, S] in [0, 1]: the received symbols, decoded. */
  y: Tensor;
  snr: number;
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
}
