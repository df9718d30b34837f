// `--method(s) a,b,c`: reconstruction methods from the pipeline's registry, and the model files a CLI
// command hands the pipeline.
import { InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import { parseMethods, type Method } from '../pipeline/index.js';
import { fileSource } from '../pipeline/file_source.js';
import type { ByteSource } from '../pipeline/source.js';
import { MODELS_DIR } from './defaults.js';

export function methodList(v: string): Method[] {
  try {
    return parseMethods(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export const innFile = (dir: string, snr: number) => join(dir, `inn_snr${snr}.safetensors`);

/** The files named by the common flags: --model, --lpips, --prior, and --inn (one SNR) or --inn-dir. */
export function cliSource(o: { model: string; lpips?: string; prior?: string; inn?: string; innDir?: string }): ByteSource {
  return fileSource({ jscc: o.model, lpips: o.lpips, prior: o.prior, inn: (snr) => o.inn ?? innFile(o.innDir ?? MODELS_DIR, snr) });
}
