// The CommIN sampler options shared by `transmit`, `demo` and `eval`, with one set of defaults.
import type { Command } from 'commander';
import { DEFAULT_START_T, DEFAULT_STEPS } from '../models/commin.js';
import { nonNegativeInt, number, positiveInt } from './args.js';
import { DEFAULT_PRIOR } from './defaults.js';

export function addCommInOptions(cmd: Command): Command {
  return cmd
    .option('--prior <file>', 'CommIN: diffusion prior (U-Net safetensors)', DEFAULT_PRIOR)
    .option('--steps <n>', 'CommIN: DDIM steps', positiveInt, DEFAULT_STEPS)
    .option('--start-t <n>', 'CommIN: start from y noised to this timestep', nonNegativeInt, DEFAULT_START_T)
    .option('--zeta <x>', 'CommIN: guidance step size (default 0.3 / 0.4 / 0.5 from low to high SNR)', number);
}
