// The CommIN sampler options shared by `transmit`, `demo` and `eval`: a preset, and flags that override
// single fields of it (resolved by the pipeline, which the web page shares).
import { Option, type Command } from 'commander';
import type { CommInOptions } from '../models/commin.js';
import { DEFAULT_PRESET, PRESETS } from '../models/commin_presets.js';
import { resolveCommin, type CommInSettings } from '../pipeline/commin_settings.js';
import type { Lpips } from '../metrics/lpips.js';
import { nonNegativeInt, nonNegativeNumber, positiveInt } from './args.js';
import { DEFAULT_PRIOR } from './defaults.js';

export function addCommInOptions(cmd: Command): Command {
  return cmd
    .option('--prior <file>', 'commin, dps, diffjscc: the diffusion prior (U-Net safetensors)', DEFAULT_PRIOR)
    .addOption(new Option('--preset <name>', 'CommIN: sampler settings — paper (DDPM, 1,000 steps), indigo (t 400, 100 DDIM steps, η 0.5, INN + LPIPS loss), fast (t 100, 10 DDIM steps)').choices([...PRESETS]).default(DEFAULT_PRESET))
    .option('--steps <n>', 'CommIN: DDIM steps (overrides the preset)', positiveInt)
    .option('--start-t <n>', "CommIN: start from y noised to this timestep (overrides the preset's)", nonNegativeInt)
    .option('--zeta <x>', "CommIN: guidance step size ≥ 0 (overrides the preset's; 0 = no guidance)", nonNegativeNumber)
    .option('--eta <x>', "CommIN: DDIM η (overrides the preset's)", nonNegativeNumber)
    .addOption(new Option('--inn-gradient <form>', "CommIN: the guidance gradient flows through the INN forward (reference) or treats x_inn as fixed (overrides the preset's)").choices(['through', 'detached']))
    .addOption(new Option('--unet-gradient <form>', "CommIN: the guidance gradient flows back through the U-Net (reference) or holds ε̂ fixed, ∇x̂0/√ᾱ_t (overrides the preset's)").choices(['through', 'detached']))
    .option('--no-clip', 'CommIN: do not clip the x̂0 estimate to [−1, 1] at each step');
}

/** The flags as parsed (--no-clip gives clip: false). */
export type CommInFlags = CommInSettings & { clip: boolean };

/** The sampler options these flags select, for one SNR and seed (`lpips` for the indigo loss). */
export function comminOptions(o: CommInFlags, snrDb: number, seed: number, lpips?: Lpips | null): CommInOptions {
  return resolveCommin(o, snrDb, seed, lpips);
}
