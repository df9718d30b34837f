// `--method(s) a,b,c`: reconstruction methods from the pipeline's registry, and the model files a CLI
// command hands the pipeline.
import { metaJson } from '../../util/meta.js';
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseMethods, type Method } from '../../pipeline/index.js';
import { fileSource } from '../../pipeline/file_source.js';
import { innFileName, type ByteSource } from '../../pipeline/source.js';
import { DEFAULT_ADV_MODEL, DEFAULT_GAN_MODEL, MODELS_DIR } from '../defaults.js';
import { checkpointMeta } from '../../eval/models.js';
import { DEFAULT_JSCC } from '../../networks/deepjscc.js';

export function methodList(v: string): Method[] {
  try {
    return parseMethods(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export const innFile = (dir: string, snr: number, bcr?: [number, number]) => join(dir, innFileName(snr, bcr));

export interface ModelFlags { model: string; lpips?: string; prior?: string; inn?: string; innDir?: string; advModel?: string; ganModel?: string; control?: string }

/**
 * The files named by the common flags: --model, --lpips, --prior, --adv-model, --gan-model, --control (absent:
 * the system looks beside the prior), and --inn (one SNR) or --inn-dir.
 */
export function cliSource(o: ModelFlags): ByteSource {
  return fileSource({
    jscc: o.model, lpips: o.lpips, prior: o.prior, adv: o.advModel ?? DEFAULT_ADV_MODEL, gan: o.ganModel ?? DEFAULT_GAN_MODEL, control: o.control,
    inn: (snr, bcr) => o.inn ?? innFile(o.innDir ?? MODELS_DIR, snr, bcr),
  });
}

/** A DeepJSCC checkpoint's image size and BCR, from its metadata without loading its tensors (64, 1/48 where unrecorded or absent). */
export function jsccShape(file: string): { size: number; bcr: [number, number] } {
  const cfg = existsSync(file) ? metaJson<{ size?: number; bcr?: [number, number] }>(checkpointMeta(file), 'config', file, {}) : {};
  return { size: Number(cfg.size ?? DEFAULT_JSCC.size), bcr: cfg.bcr ?? DEFAULT_JSCC.bcr };
}
