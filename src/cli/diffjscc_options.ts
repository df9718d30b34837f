// The DiffJSCC flags shared by `transmit`, `demo` and `eval`: the control branch's file and single sampler
// fields over the defaults the pipeline resolves (src/pipeline/diffjscc_settings.ts).
import type { Command } from 'commander';
import { DEFAULT_DIFFJSCC_START_T, DEFAULT_DIFFJSCC_STEPS, DEFAULT_DIFFJSCC_ZETA, type DiffJsccSettings } from '../pipeline/diffjscc_settings.js';
import { nonNegativeInt, nonNegativeNumber, positiveInt } from './args.js';

export function addDiffJsccOptions(cmd: Command): Command {
  return cmd
    // no default here: the system looks beside the prior (src/pipeline/system.ts controlPath)
    .option('--control <file>', 'diffjscc: the control branch on the prior (tools/convert_control.ts; default: control_<size>.safetensors beside --prior)')
    .option('--diffjscc-zeta <x>', `diffjscc: step size ≥ 0 of the guidance ‖x̂0 − y‖ (default ${DEFAULT_DIFFJSCC_ZETA}: the controlled prior alone)`, nonNegativeNumber)
    .option('--diffjscc-steps <n>', `diffjscc: DDIM steps (default ${DEFAULT_DIFFJSCC_STEPS})`, positiveInt)
    .option('--diffjscc-start-t <n>', `diffjscc: start from y noised to this timestep (default ${DEFAULT_DIFFJSCC_START_T})`, nonNegativeInt);
}

export interface DiffJsccFlags { diffjsccZeta?: number; diffjsccSteps?: number; diffjsccStartT?: number }

/** The settings the flags select (unset flags keep the defaults). */
export function diffjsccSettings(o: DiffJsccFlags): DiffJsccSettings {
  return { zeta: o.diffjsccZeta, steps: o.diffjsccSteps, startT: o.diffjsccStartT };
}
