// --model and --bcr on transmit, demo and eval: --model names a family (natural: photos at their own size;
// faces: the 64×64 face models) or a checkpoint file; --bcr k/n picks the family's bundled DeepJSCC of that
// bandwidth ratio (models/natural_bcr<k>-<n>, models/deepjscc_64_bcr<k>-<n>); eval takes a list, a BCR sweep.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { fraction } from './args.js';
import { MODELS_DIR } from '../defaults.js';
import { latentLayout, sameBcr } from '../../networks/deepjscc.js';
import { FAMILIES, isFamilyName, type FamilyName } from '../../pipeline/families.js';

/** The bundled DeepJSCC of a family for a BCR. */
export const bundledJscc = (bcr: [number, number], family: FamilyName = 'faces') => join(MODELS_DIR, FAMILIES[family].jsccFile(bcr));

/** The BCRs with a bundled AWGN-trained DeepJSCC of a family, e.g. ['1/24', '1/48']. */
export function bundledBcrs(family: FamilyName = 'faces'): string[] {
  const pattern = new RegExp(`^${FAMILIES[family].jsccFile([0, 0]).replace('0-0', '(\\d+)-(\\d+)').replace('.', '\\.')}$`);
  const found = existsSync(MODELS_DIR) ? readdirSync(MODELS_DIR).map((f) => pattern.exec(f)).filter((m) => m !== null) : [];
  return found.sort((a, b) => Number(a[2]) / Number(a[1]) - Number(b[2]) / Number(b[1])).map((m) => `${m[1]}/${m[2]}`);
}

/** "1/24,1/48" → the BCRs, each once and each one a DeepJSCC can send. */
function bcrList(v: string): [number, number][] {
  const bcrs = v.split(',').map((s) => fraction(s));
  if (bcrs.some((b, i) => bcrs.findIndex((c) => sameBcr(b, c)) !== i)) throw new InvalidArgumentError(`'${v}' names a BCR twice`);
  for (const b of bcrs) {
    try {
      latentLayout({ size: 64, bcr: b });
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  }
  return bcrs;
}

/** The bundled file of a family for each BCR, each existing (else an error naming the file and how to make it). */
export function familyModels(family: FamilyName, bcrs: [number, number][]): string[] {
  return bcrs.map((b) => {
    const f = bundledJscc(b, family);
    if (!existsSync(f)) {
      const how = family === 'faces'
        ? `commin train jscc --bcr ${b.join('/')} --init ${bundledJscc([1, 48])} --out ${f}`
        : `commin train jscc --crops --size 128 --data DIR --bcr ${b.join('/')} --init ${bundledJscc([1, 48], 'natural')} --out ${f} (tools/train_natural.sh)`;
      throw new Error(`no bundled ${family} DeepJSCC for BCR ${b.join('/')} ('${f}'; bundled: ${bundledBcrs(family).join(', ') || 'none'}); train one with: ${how}, or pass --model FILE`);
    }
    return f;
  });
}

/** The family --model names, or null for a file. */
export const familyArg = (model: string): FamilyName | null => (isFamilyName(model) ? model : null);

/**
 * The DeepJSCC files of a command: --model FILE, or --model FAMILY (default: the command's) with --bcr's BCRs
 * (default 1/48). --bcr with a file is refused: it picks within a family.
 */
export function chosenModels(o: { bcr?: [number, number][]; model: string }): string[] {
  const family = familyArg(o.model);
  if (!family) {
    if (o.bcr) throw new Error(`--bcr picks a bundled model of a family: pass --model natural or --model faces with it, not the file '${o.model}'`);
    return [o.model];
  }
  return familyModels(family, o.bcr ?? [[1, 48]]);
}

/** The one DeepJSCC file of a one-model command. */
export const chosenModel = (o: { bcr?: [number, number][]; model: string }): string => chosenModels(o)[0];

/** --bcr on a command with --model (one BCR) or eval (a comma-separated list). */
export function addBcrOption(cmd: Command, several: boolean): Command {
  const list = (f: FamilyName) => bundledBcrs(f).join(', ') || 'none';
  const what = several ? 'bandwidth ratios, comma-separated (e.g. 1/48,1/96,1/192,1/384): the --model family\'s bundled DeepJSCC models side by side' : 'bandwidth ratio (e.g. 1/96): the --model family\'s bundled DeepJSCC of that ratio';
  const opt = new Option('--bcr <k/n>', `${what} (bundled: natural ${list('natural')}; faces ${list('faces')}; default 1/48)`)
    .argParser((v: string) => {
      const bcrs = bcrList(v);
      if (!several && bcrs.length > 1) throw new InvalidArgumentError(`'${v}': one BCR here (eval compares several)`);
      return bcrs;
    });
  if (several) opt.conflicts(['models']);
  return cmd.addOption(opt);
}
