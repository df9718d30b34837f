// Which model files a method lacks at an SNR, and the command that makes each: callers decide whether that
// is an error (a method the user named) or a skip (a default method whose models are not there).
import type { Method, Need } from './method.js';
import { controlPath, type System } from './system.js';
import { innFileName } from './source.js';

export interface MissingModel {
  need: Need;
  /** The file (or URL) the system looked for. */
  file: string;
  /** The command line that writes it (null: bundled, nothing to train). */
  command: string | null;
}

const arg = (s: string) => (/[\s'"]/.test(s) ? `'${s.replace(/'/g, "'\\''")}'` : s);

/** What a model's command line names beyond its file: the system's DeepJSCC; for the control branch also the prior and the image size. */
export interface MakeContext { jscc: string; prior?: string; size?: number }

/** The command that writes a model file; `jscc` is the system's DeepJSCC (the INN, the adversarial model and the control branch build on it). */
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
 * DiffJSCC's control branch is trained in PyTorch on the decoded training set, then converted: two commands
 * (the branch copies the frozen prior's encoder, so both name the prior).
 */
function controlCommand(file: string, priorFile: string | undefined, jscc: string, size: number): string {
  const prior = arg(priorFile ?? `prior_${size}.safetensors`);
  const pt = `control_${size}.pt`;
  return `/usr/bin/python3 tools/torch_ref/train_control.py --cache "$(npx tsx tools/dataset_cache.ts --size ${size} | sed 's/.*→ //')" `
    + `--prior ${prior} --jscc ${arg(jscc)} --out ${pt} --threads 2 --precision bf16-autocast --resume, `
    + `then npx tsx tools/convert_control.ts ${pt} ${arg(file)} --prior ${prior}`;
}

/** "FILE (make it with: COMMAND)": one missing model, for messages. */
export const describeMissing = (m: MissingModel): string => (m.command ? `${m.file} (make it with: ${m.command})` : m.file);

/** The model a need names at an SNR, and how to make it. */
export function modelFor(system: System, need: Need, snr: number): MissingModel {
  const { paths } = system.source;
  const size = system.jscc.cfg.size;
  const named = { prior: paths.prior, inn: paths.inn?.(snr, system.jscc.cfg.bcr), adv: paths.adv, lpips: paths.lpips, gan: paths.gan, control: controlPath(system.source, size) };
  const fallback = { prior: 'prior.safetensors', inn: innFileName(snr, system.jscc.cfg.bcr), adv: 'deepjscc_adv.safetensors', lpips: 'LPIPS weights', gan: 'gan_64.safetensors', control: `control_${size}.safetensors` };
  const file = named[need] ?? fallback[need];
  return { need, file, command: makeCommand(need, file, snr, { jscc: paths.jscc, prior: paths.prior, size }) };
}

/** The error of a method called without its model: names the file and the command that makes it. */
export function missingModelError(label: string, what: string, m: MissingModel): Error {
  return new Error(`${label} needs ${what}: '${m.file}' does not exist${m.command ? ` (make it with: ${m.command})` : ''}`);
}

/** DiffJSCC without its control branch: names the file and the commands that make it (see makeCommand). */
export function missingControlError(system: System, snr = 0): Error {
  return missingModelError('DiffJSCC', 'a control branch on the prior', modelFor(system, 'control', snr));
}

/** Whether the system has the model a need names at an SNR (loading it on first use). */
async function present(system: System, need: Need, snr: number): Promise<boolean> {
  switch (need) {
    case 'prior': return !!(await system.prior());
    case 'inn': return !!(await system.inn(snr));
    case 'adv': return !!(await system.adv());
    case 'gan': return !!(await system.gan());
    case 'control': return !!(await system.control());
    case 'lpips': return !!system.lpips;
  }
}

/** The models a method lacks at an SNR. */
export async function findMissing(system: System, method: Method, snr: number): Promise<MissingModel[]> {
  const out: MissingModel[] = [];
  for (const need of method.needs) if (!(await present(system, need, snr))) out.push(modelFor(system, need, snr));
  return out;
}

/** The models a method lacks at an SNR, each as "FILE (make it with: COMMAND)". */
export async function missingModels(system: System, method: Method, snr: number): Promise<string[]> {
  return (await findMissing(system, method, snr)).map(describeMissing);
}

export interface Skipped { method: Method; missing: string[]; models: MissingModel[] }

/** The methods whose models are all there at every SNR, and for the others what is missing. */
export async function splitAvailable(system: System, methods: Method[], snrs: number[]): Promise<{ ready: Method[]; skipped: Skipped[] }> {
  const ready: Method[] = [], skipped: Skipped[] = [];
  for (const method of methods) {
    const all = (await Promise.all(snrs.map((s) => findMissing(system, method, s)))).flat();
    const models = [...new Map(all.map((m) => [m.file, m])).values()];
    if (models.length) skipped.push({ method, missing: models.map(describeMissing), models });
    else ready.push(method);
  }
  return { ready, skipped };
}

/** Methods the user named must run: a missing model is an error naming the file and the command that makes it. */
export async function requireAvailable(system: System, methods: Method[], snrs: number[]): Promise<void> {
  const { skipped } = await splitAvailable(system, methods, snrs);
  if (skipped.length) {
    throw new Error(skipped.map(({ method, models }) => {
      const files = models.map((m) => `'${m.file}'`).join(', ');
      const commands = models.filter((m) => m.command).map((m) => m.command);
      return `${method.label} needs ${files}, which ${models.length === 1 ? 'does' : 'do'} not exist${commands.length ? `; make ${models.length === 1 ? 'it' : 'them'} with: ${commands.join('; ')}` : ''}`;
    }).join('; '));
  }
}
