// The GAN-inversion flags shared by `transmit`, `demo` and `eval`: single fields over the defaults the
// pipeline resolves (src/pipeline/inverse_settings.ts).
import type { Command } from 'commander';
import { DEFAULT_INVERSE_ITERS, DEFAULT_INVERSE_LAMBDA, DEFAULT_INVERSE_RESTARTS, type InverseSettings } from '../pipeline/inverse_settings.js';
import { nonNegativeInt, nonNegativeNumber, positiveInt } from './args.js';
import { DEFAULT_GAN_MODEL } from './defaults.js';

export function addInverseOptions(cmd: Command): Command {
  return cmd
    .option('--gan-model <file>', 'inverse: the face GAN checkpoint (commin train gan)', DEFAULT_GAN_MODEL)
    .option('--inverse-iters <n>', `inverse: Adam steps on z per random start (default ${DEFAULT_INVERSE_ITERS})`, nonNegativeInt)
    .option('--inverse-restarts <n>', `inverse: random starts of z per image, the best kept (default ${DEFAULT_INVERSE_RESTARTS})`, positiveInt)
    .option('--inverse-lambda <x>', `inverse: weight of the LPIPS term ≥ 0 (default ${DEFAULT_INVERSE_LAMBDA}, untuned; 0 = MSE alone)`, nonNegativeNumber);
}

export interface InverseFlags { inverseIters?: number; inverseRestarts?: number; inverseLambda?: number }

/** The settings the flags select (unset flags keep the defaults). */
export function inverseSettings(o: InverseFlags): InverseSettings {
  return { iters: o.inverseIters, restarts: o.inverseRestarts, lambda: o.inverseLambda };
}
