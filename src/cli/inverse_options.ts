// The GAN-inversion flags shared by `transmit`, `demo` and `eval`: single fields over the defaults the
// pipeline resolves (src/pipeline/inverse_settings.ts).
import type { Command } from 'commander';
import { DEFAULT_ILO_ITERS, DEFAULT_ILO_LAYERS, DEFAULT_ILO_RADIUS, DEFAULT_INVERSE_ITERS, DEFAULT_INVERSE_LAMBDA, DEFAULT_INVERSE_RESTARTS, type InverseSettings } from '../pipeline/inverse_settings.js';
import { nonNegativeInt, nonNegativeNumber, positiveInt } from './args.js';
import { DEFAULT_GAN_MODEL } from './defaults.js';

export function addInverseOptions(cmd: Command): Command {
  return cmd
    .option('--gan-model <file>', 'inverse: the face GAN checkpoint (commin train gan)', DEFAULT_GAN_MODEL)
    .option('--inverse-iters <n>', `inverse: Adam steps on z per random start (default ${DEFAULT_INVERSE_ITERS})`, nonNegativeInt)
    .option('--inverse-restarts <n>', `inverse: random starts of z per image, the best kept (default ${DEFAULT_INVERSE_RESTARTS})`, positiveInt)
    .option('--inverse-lambda <x>', `inverse: weight of the LPIPS term ≥ 0 (default ${DEFAULT_INVERSE_LAMBDA}; 0 = MSE alone)`, nonNegativeNumber)
    .option('--inverse-ilo-iters <n>', `inverse: Adam steps on each intermediate layer after z (ILO; default ${DEFAULT_ILO_ITERS}, 0 = z alone)`, nonNegativeInt)
    .option('--inverse-ilo-layers <n>', `inverse: intermediate layers optimised in turn (default ${DEFAULT_ILO_LAYERS})`, nonNegativeInt)
    .option('--inverse-ilo-radius <x>', `inverse: each layer's ball radius, a fraction of its starting norm (default ${DEFAULT_ILO_RADIUS})`, nonNegativeNumber);
}

export interface InverseFlags { inverseIters?: number; inverseRestarts?: number; inverseLambda?: number; inverseIloIters?: number; inverseIloLayers?: number; inverseIloRadius?: number }

/** The settings the flags select (unset flags keep the defaults). */
export function inverseSettings(o: InverseFlags): InverseSettings {
  return { iters: o.inverseIters, restarts: o.inverseRestarts, lambda: o.inverseLambda, iloIters: o.inverseIloIters, iloLayers: o.inverseIloLayers, iloRadius: o.inverseIloRadius };
}
