// Which model files a method lacks at an SNR: callers decide whether that is an error (a method the user
// named) or a skip (a default method whose models are not there). The commands that make each file are the
// CLI's (cli/model_commands.ts); here a missing model is its kind and its file.
import type { Method, Need } from './method.js';
import type { System } from './system.js';
import { MODEL_KINDS } from './model_kinds.js';

export interface MissingModel {
  need: Need;
  /** The file (or URL) the system looked for. */
  file: string;
  /** The SNR it is missing for (an INN is per SNR). */
  snr: number;
}

/** The model a need names at an SNR (its kind's default file name where the system's paths name none). */
export function modelFor(system: System, need: Need, snr: number): MissingModel {
  const { size, bcr } = system.jscc.cfg;
  return { need, snr, file: MODEL_KINDS[need].named(system, snr) ?? MODEL_KINDS[need].defaultFile(size, bcr, snr) };
}

/** The error of a method called without its model: names the file. */
export function missingModelError(label: string, what: string, m: MissingModel): Error {
  return new Error(`${label} needs ${what}: '${m.file}' does not exist`);
}

/**
 * The models a method lacks at an SNR. By default each model is loaded (so a file that is there but does not
 * fit, e.g. an INN of another BCR, throws here); with `load: false` and a source that can tell whether a file
 * exists without reading it (a web server), a model not yet loaded is only looked for, and the loading waits
 * until a method runs.
 */
export async function findMissing(system: System, method: Method, snr: number, { load = true }: { load?: boolean } = {}): Promise<MissingModel[]> {
  const { source } = system;
  const lookOnly = !load && !!source.exists;
  const out: MissingModel[] = [];
  for (const need of method.needs) {
    const kind = MODEL_KINDS[need];
    const path = lookOnly ? kind.named(system, snr) : undefined;
    const present = lookOnly ? !!path && (await source.exists!(path)) : await kind.present(system, snr);
    if (!present) out.push(modelFor(system, need, snr));
  }
  return out;
}

export interface Skipped { method: Method; models: MissingModel[] }

/** The methods whose models are all there at every SNR, and for the others what is missing. */
export async function splitAvailable(system: System, methods: Method[], snrs: number[]): Promise<{ ready: Method[]; skipped: Skipped[] }> {
  const ready: Method[] = [], skipped: Skipped[] = [];
  for (const method of methods) {
    const all = (await Promise.all(snrs.map((s) => findMissing(system, method, s)))).flat();
    const models = [...new Map(all.map((m) => [m.file, m])).values()];
    if (models.length) skipped.push({ method, models });
    else ready.push(method);
  }
  return { ready, skipped };
}
