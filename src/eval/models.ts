// `commin eval --models a,b,…`: DeepJSCC checkpoints of different bandwidth ratios side by side. Each
// model's BCR comes from its metadata config; only the methods that follow any DeepJSCC may run: those
// whose models are not trained for one DeepJSCC (model_kinds.ts oneJscc; an INN is found per BCR,
// inn_bcr<k>-<n>_snr<S>, and the prior is the same for all). Also the SNR range a checkpoint was
// trained over, for the summary: evaluating outside it is allowed, and worth knowing.
import { InvalidArgumentError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { parseSafetensors } from '../engine/safetensors.js';
import { allMethods, followsAnyJscc, type Method } from '../pipeline/index.js';

/** The methods a comparison of DeepJSCC models of several BCRs can run (none of their models is trained for one DeepJSCC). */
export const SWEEP_METHODS_TEXT = () => allMethods().filter(followsAnyJscc).map((m) => m.name).join(', ');

/** "a.safetensors,b.safetensors" → the files, each existing, each once. */
export function modelList(v: string): string[] {
  const files = v.split(',').map((f) => f.trim());
  if (files.some((f) => f === '')) throw new InvalidArgumentError(`'${v}' is not a comma-separated list of model files`);
  for (const f of files) if (!existsSync(f)) throw new InvalidArgumentError(`model '${f}' does not exist`);
  if (new Set(files).size !== files.length) throw new InvalidArgumentError(`'${v}' names a model twice`);
  return files;
}

/** With more than one model: the methods to run (default deepjscc and separation); others are refused. */
export function sweepMethods(methods: Method[] | undefined, models: string[]): Method[] | undefined {
  if (models.length < 2) return methods;
  const other = (methods ?? []).filter((m) => !followsAnyJscc(m)).map((m) => m.name);
  if (other.length) throw new InvalidArgumentError(`--models compares DeepJSCC models of different BCRs; only ${SWEEP_METHODS_TEXT()} follow any model (${other.join(', ')} use models trained for one DeepJSCC): drop ${other.join(', ')} from --methods`);
  return methods;
}

/** k/n as "1/48". */
export const bcrText = (bcr: [number, number]) => `${bcr[0]}/${bcr[1]}`;

export interface TrainedSnr { range: [number, number] | null; source: string }

/**
 * The SNR range a DeepJSCC checkpoint was trained over: its `snr` metadata where present; else the --snr of
 * its recorded command line; else `commin train jscc`'s default 0:20 dB, when the command line shows the
 * checkpoint came from it without --snr.
 */
export function trainedSnrRange(meta: Record<string, string>): TrainedSnr {
  if (meta.snr) {
    try {
      const r = JSON.parse(meta.snr);
      if (Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number')) return { range: [r[0], r[1]], source: 'checkpoint metadata snr' };
    } catch { /* fall through to the command line */ }
  }
  const cmd = meta.commandLine ?? '';
  const m = /--snr[ =](-?[\d.]+):(-?[\d.]+)/.exec(cmd);
  if (m) return { range: [Number(m[1]), Number(m[2])], source: 'checkpoint commandLine --snr' };
  if (/\btrain jscc\b/.test(cmd)) return { range: [0, 20], source: "checkpoint commandLine without --snr: train jscc's default 0:20 dB" };
  return { range: null, source: 'not recorded' };
}

/** A checkpoint's metadata without loading its tensors (BCR and trained SNR before the engine starts). */
export function checkpointMeta(file: string): Record<string, string> {
  return parseSafetensors(new Uint8Array(readFileSync(file)), file).metadata;
}

/** The evaluated SNRs outside the trained range. */
export function snrsOutside(snrs: number[], t: TrainedSnr): number[] {
  return t.range ? snrs.filter((s) => s < t.range![0] || s > t.range![1]) : [];
}
