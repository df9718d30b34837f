// The command lines that make each kind of model file, for the CLI's messages about a missing model (the
// library names the file; the commands are this package's and its Python tools').
import type { Need } from '../../pipeline/index.js';
import { splitAvailable, type Method, type MissingModel, type System } from '../../pipeline/index.js';

const arg = (s: string) => (/[\s'"]/.test(s) ? `'${s.replace(/'/g, "'\\''")}'` : s);

/** What a model's command line names beyond its file: the system's DeepJSCC; for the control branch also the prior and the image size. */
export interface MakeContext { jscc: string; prior?: string; size?: number }

/** The command that writes a model file (null: bundled, nothing to train). */
export function makeCommand(need: Need, file: string, snr: number, { jscc, prior, size }: MakeContext): string | null {
  switch (need) {
    case 'prior': return `commin train ddpm --out ${arg(file)}`;
    case 'inn': return `commin train inn --snr ${snr} --jscc ${arg(jscc)} --out ${arg(file)}`;
    case 'adv': return `commin train jscc --loss mse+lpips+gan --init ${arg(jscc)} --out ${arg(file)}`;
    case 'gan': return `commin train gan --out ${arg(file)}`;
    case 'control': return controlCommand(file, prior, jscc, size ?? 64);
    case 'lpips': return null;
  }
}

/**
 * A control branch is trained in PyTorch on the decoded training set, then converted: two commands (the
 * branch copies the frozen prior's encoder, so both name the prior).
 */
function controlCommand(file: string, priorFile: string | undefined, jscc: string, size: number): string {
  const prior = arg(priorFile ?? `prior_${size}.safetensors`);
  const pt = `control_${size}.pt`;
  return `/usr/bin/python3 tools/torch_ref/train_control.py --cache "$(npx tsx tools/dataset_cache.ts --size ${size} | sed 's/.*→ //')" `
    + `--prior ${prior} --jscc ${arg(jscc)} --out ${pt} --threads 2 --precision bf16-autocast --resume, `
    + `then npx tsx tools/convert_control.ts ${pt} ${arg(file)} --prior ${prior}`;
}

/** The command for a missing model of a loaded system. */
export function commandFor(system: System, m: MissingModel): string | null {
  const { paths } = system.source;
  return makeCommand(m.need, m.file, m.snr, { jscc: paths.jscc, prior: paths.prior, size: system.jscc.cfg.size });
}

/** "FILE (make it with: COMMAND)": one missing model, for messages. */
export function describeMissing(system: System, m: MissingModel): string {
  const command = commandFor(system, m);
  return command ? `${m.file} (make it with: ${command})` : m.file;
}

/** Methods the user named must run: a missing model is an error naming the file and the command that makes it. */
export async function requireAvailable(system: System, methods: Method[], snrs: number[]): Promise<void> {
  const { skipped } = await splitAvailable(system, methods, snrs);
  if (!skipped.length) return;
  throw new Error(skipped.map(({ method, models }) => {
    const files = models.map((m) => `'${m.file}'`).join(', ');
    const commands = models.map((m) => commandFor(system, m)).filter((c) => c);
    return `${method.label} needs ${files}, which ${models.length === 1 ? 'does' : 'do'} not exist${commands.length ? `; make ${models.length === 1 ? 'it' : 'them'} with: ${commands.join('; ')}` : ''}`;
  }).join('; '));
}

/** The models a method lacks at an SNR, each as "FILE (make it with: COMMAND)". */
export async function missingModels(system: System, method: Method, snr: number): Promise<string[]> {
  const { skipped } = await splitAvailable(system, [method], [snr]);
  return (skipped[0]?.models ?? []).map((m) => describeMissing(system, m));
}
