// The CommIN sampler options shared by `transmit`, `demo` and `eval`, with one set of defaults.
import type { Command } from 'commander';
import { DEFAULT_START_T, DEFAULT_STEPS, defaultZeta, type CommInOptions } from '../models/commin.js';
import { nonNegativeInt, nonNegativeNumber, positiveInt } from './args.js';
import { DEFAULT_PRIOR } from './defaults.js';

export function addCommInOptions(cmd: Command): Command {
  return cmd
    .option('--prior <file>', 'CommIN: diffusion prior (U-Net safetensors)', DEFAULT_PRIOR)
    .option('--steps <n>', 'CommIN: DDIM steps', positiveInt, DEFAULT_STEPS)
    .option('--start-t <n>', 'CommIN: start from y noised to this timestep', nonNegativeInt, DEFAULT_START_T)
    .option('--zeta <x>', 'CommIN: guidance step size ≥ 0 (default 0.3 / 0.4 / 0.5 from low to high SNR)', nonNegativeNumber)
    .option('--no-clip', 'CommIN: do not clip the x̂0 estimate to [−1, 1] at each step');
}

/** The sampler options these flags select, for one SNR and seed. */
export function comminOptions(o: { steps: number; startT: number; zeta?: number; clip: boolean }, snrDb: number, seed: number): CommInOptions {
  return { method: 'ddim', steps: o.steps, seed, zeta: o.zeta ?? defaultZeta(snrDb), startT: o.startT, clip: o.clip };
}
