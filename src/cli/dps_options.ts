// The DPS sampler flags shared by `transmit`, `demo` and `eval`: single fields over the defaults the
// pipeline resolves (src/pipeline/dps_settings.ts; the web page shares them).
import type { Command } from 'commander';
import { DEFAULT_DPS_START_T, DEFAULT_DPS_STEPS, DEFAULT_DPS_ZETA, type DpsSettings } from '../pipeline/dps_settings.js';
import { nonNegativeInt, nonNegativeNumber, positiveInt } from './args.js';

export function addDpsOptions(cmd: Command): Command {
  return cmd
    .option('--dps-zeta <x>', `DPS: channel guidance step size ≥ 0 (default ${DEFAULT_DPS_ZETA}; 0 = no guidance)`, nonNegativeNumber)
    .option('--dps-steps <n>', `DPS: DDIM steps (default ${DEFAULT_DPS_STEPS})`, positiveInt)
    .option('--dps-start-t <n>', `DPS: start from y noised to this timestep (default ${DEFAULT_DPS_START_T})`, nonNegativeInt);
}

export interface DpsFlags { dpsZeta?: number; dpsSteps?: number; dpsStartT?: number }

/** The settings the flags select (unset flags keep the defaults). */
export function dpsSettings(o: DpsFlags, extra: Pick<DpsSettings, 'diagnostics'> = {}): DpsSettings {
  return { zeta: o.dpsZeta, steps: o.dpsSteps, startT: o.dpsStartT, ...extra };
}
