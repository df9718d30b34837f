// --bcr k/n on transmit, demo and eval: the bundled DeepJSCC of that bandwidth ratio
// (models/deepjscc_64_bcr<k>-<n>.safetensors) instead of a --model file; eval takes a list, a BCR sweep.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { fraction } from './args.js';
import { MODELS_DIR } from './defaults.js';
import { latentLayout, sameBcr } from '../models/deepjscc.js';
import { jsccFileName } from '../pipeline/source.js';

const BUNDLED = /^deepjscc_64_bcr(\d+)-(\d+)\.safetensors$/;

/** The bundled 64×64 DeepJSCC for a BCR. */
export const bundledJscc = (bcr: [number, number]) => join(MODELS_DIR, jsccFileName(64, bcr));

/** The BCRs with a bundled AWGN-trained DeepJSCC, e.g. ['1/24', '1/48']. */
export function bundledBcrs(): string[] {
  const found = existsSync(MODELS_DIR) ? readdirSync(MODELS_DIR).map((f) => BUNDLED.exec(f)).filter((m) => m !== null) : [];
  return found.sort((a, b) => Number(a[2]) / Number(a[1]) - Number(b[2]) / Number(b[1])).map((m) => `${m[1]}/${m[2]}`);
}

/** "1/24,1/48" → the bundled models' files, each existing, each BCR once. */
function bcrModels(v: string): string[] {
  const bcrs = v.split(',').map((s) => fraction(s));
  if (bcrs.some((b, i) => bcrs.findIndex((c) => sameBcr(b, c)) !== i)) throw new InvalidArgumentError(`'${v}' names a BCR twice`);
  return bcrs.map((b) => {
    try {
      latentLayout({ size: 64, bcr: b });
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
    const f = bundledJscc(b);
    if (!existsSync(f)) {
      throw new InvalidArgumentError(`no bundled DeepJSCC for BCR ${b.join('/')} ('${f}'; bundled: ${bundledBcrs().join(', ') || 'none'}); train one with: commin train jscc --bcr ${b.join('/')} --init ${bundledJscc([1, 48])} --out ${f}, or pass --model`);
    }
    return f;
  });
}

/** The DeepJSCC file of a one-model command: --bcr's bundled model, else --model. */
export const chosenModel = (o: { bcr?: string[]; model: string }): string => o.bcr?.[0] ?? o.model;

/** --bcr on a command with --model (one BCR) or --models (eval: a comma-separated list). */
export function addBcrOption(cmd: Command, several: boolean): Command {
  const what = several ? 'bandwidth ratios, comma-separated (e.g. 1/24,1/48,1/96,1/192): their bundled DeepJSCC models side by side, as --models' : 'bandwidth ratio (e.g. 1/24): the bundled DeepJSCC of that ratio instead of --model';
  const opt = new Option('--bcr <k/n>', `${what} (${bundledBcrs().join(', ') || 'none'} bundled)`)
    .argParser((v: string) => {
      const files = bcrModels(v);
      if (!several && files.length > 1) throw new InvalidArgumentError(`'${v}': one BCR here (eval compares several)`);
      return files;
    })
    .conflicts(several ? ['model', 'models'] : ['model']);
  return cmd.addOption(opt);
}
