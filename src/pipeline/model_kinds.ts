// The kinds of model file a method can need beyond DeepJSCC, in one table: what each is, the flag that
// names its file, its file in models/ when none is named, how the system loads it, and what it was trained
// for. Methods name their needs by these keys; the CLI adds the flags and the commands that make each file.
import type { Need } from './method.js';
import { controlPath, type System } from './system.js';
import { innFileName } from './source.js';
import { bcrTag } from './families.js';

export interface ModelKind {
  /** What it is, for messages ("a diffusion prior"). */
  what(snr: number): string;
  /** The command-line flag that names its file, where one flag serves every command (absent: the command's own). */
  flag?: `--${string}`;
  /** Its file in the models folder when none is named (size and BCR: the DeepJSCC's). */
  defaultFile(size: number, bcr: [number, number], snr: number): string;
  /** The file a system's paths name for it (undefined: none named). */
  named(system: System, snr: number): string | undefined;
  /** Loads it on first use (cached by the system): false when the source has no such file. */
  present(system: System, snr: number): Promise<boolean>;
  /** Trained on one DeepJSCC's symbols or outputs: a comparison of DeepJSCC models of several BCRs cannot use it. */
  oneJscc: boolean;
  /** Trained on faces: only the face family has it. */
  faces: boolean;
  /** Found beside the prior when no file is named (no default file of its own). */
  besidePrior?: boolean;
}

export const MODEL_KINDS: Record<Need, ModelKind> = {
  prior: {
    what: () => 'a diffusion prior', flag: '--prior', defaultFile: (size) => `prior_${size}.safetensors`,
    named: (s) => s.source.paths.prior, present: async (s) => !!(await s.prior()), oneJscc: false, faces: true,
  },
  inn: {
    // one INN per SNR and BCR: found per BCR, so a BCR comparison can run it
    what: (snr) => `an INN for ${snr} dB`, defaultFile: (_size, bcr, snr) => innFileName(snr, bcr),
    named: (s, snr) => s.source.paths.inn?.(snr, s.jscc.cfg.bcr), present: async (s, snr) => !!(await s.inn(snr)), oneJscc: false, faces: true,
  },
  lpips: {
    what: () => 'LPIPS weights', defaultFile: () => 'lpips_squeeze_v0.1.safetensors',
    named: (s) => s.source.paths.lpips, present: async (s) => !!s.lpips, oneJscc: false, faces: false,
  },
  adv: {
    what: () => 'the adversarially trained DeepJSCC', flag: '--adv-model', defaultFile: (size, bcr) => `deepjscc_adv_${size}_${bcrTag(bcr)}.safetensors`,
    named: (s) => s.source.paths.adv, present: async (s) => !!(await s.adv()), oneJscc: true, faces: false,
  },
  gan: {
    what: () => 'a face GAN', flag: '--gan-model', defaultFile: (size) => `gan_${size}.safetensors`,
    named: (s) => s.source.paths.gan, present: async (s) => !!(await s.gan()), oneJscc: false, faces: true,
  },
  control: {
    what: () => 'a control branch on the prior', flag: '--control', defaultFile: (size) => `control_${size}.safetensors`,
    named: (s) => controlPath(s.source, s.jscc.cfg.size), present: async (s) => !!(await s.control()), oneJscc: true, faces: true, besidePrior: true,
  },
};

export const NEEDS = Object.keys(MODEL_KINDS) as Need[];
