// Training checkpoints: parameters, Adam state and progress in one safetensors file, written atomically
// (temp file + rename) so an interrupted write never destroys the previous checkpoint, and never written
// when a value is NaN or infinite (a diverged run keeps its last good checkpoint).
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic_write.js';
import { basename, dirname, join } from 'node:path';
import { prepareOutputDir } from '../util/output.js';
import type { HostTensor } from '../engine/safetensors.js';
import { parseSafetensors, serializeSafetensors } from '../engine/safetensors.js';
import type { Adam } from '../kernels/adam.js';
import type { Params } from '../networks/params.js';
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';

export interface Progress {
  step: number;
  /** Wall-clock training seconds over all runs. */
  seconds: number;
  /** Free-form fields (config, command line, metrics) stored as JSON strings. */
  [key: string]: unknown;
}

/** Refuses to start a run over an existing file unless it continues it (resume) or replaces it on purpose (force). */
export function checkCheckpointTarget(path: string, o: { resume: boolean; force?: boolean }): void {
  if (existsSync(path) && !o.resume && !o.force) throw new Error(`'${path}' already exists; pass --resume to continue training it, or --force to replace it`);
}

/** The first tensor holding a NaN or infinite value, and that value. */
export function firstNonFinite(tensors: Map<string, HostTensor>): { name: string; value: number } | null {
  for (const [name, t] of tensors) for (const v of t.data) if (!Number.isFinite(v)) return { name, value: v };
  return null;
}

/** Writes the checkpoint (with `extra` tensors, e.g. EMA weights); throws instead when a value is not finite. */
export async function saveCheckpoint(path: string, params: Params, opt: Adam | null, progress: Progress, extra?: Map<string, HostTensor>): Promise<void> {
  const tensors: Map<string, HostTensor> = await params.toHost();
  if (opt) for (const [k, t] of await optimizerToHost(params, opt)) tensors.set(k, t);
  for (const [k, t] of extra ?? []) tensors.set(k, t);
  const bad = firstNonFinite(tensors);
  if (bad) {
    const kept = existsSync(path) ? `'${path}' keeps its last good checkpoint` : `nothing written to '${path}'`;
    throw new Error(`training diverged by step ${progress.step}: '${bad.name}' holds ${bad.value}; ${kept} (try a lower --lr)`);
  }
  const meta: Record<string, string> = { format: 'commin-gpu checkpoint v1' };
  for (const [k, v] of Object.entries(progress)) meta[k] = typeof v === 'string' ? v : JSON.stringify(v);
  if (opt) meta.adamStep = String(opt.step);
  prepareOutputDir(dirname(path) || '.', `folder of checkpoint '${path}'`);
  writeFileAtomic(path, serializeSafetensors(tensors, meta), 'checkpoint');
}

/** Loads parameters (and the optimizer state if given and present); returns the metadata. */
export function loadCheckpoint(path: string, params: Params, opt: Adam | null = null): Record<string, string> {
  if (!existsSync(path)) throw new Error(`checkpoint '${path}' does not exist`);
  const f = parseSafetensors(new Uint8Array(readFileSync(path)), path);
  params.loadHost(f.tensors, path);
  if (opt && f.tensors.has(`optimizer.m.${[...params.tensors.keys()][0]}`)) {
    loadOptimizerHost(f.tensors, params, opt, path);
    opt.step = Number(f.metadata.adamStep ?? 0);
  }
  return f.metadata;
}

/** Adam's moments as host tensors `<prefix>optimizer.m.<param>` / `.v.` (prefix: a second model's in one file). */
export async function optimizerToHost(params: Params, opt: Adam, prefix = ''): Promise<Map<string, HostTensor>> {
  const out = new Map<string, HostTensor>();
  const names = [...params.tensors.keys()];
  for (let i = 0; i < names.length; i++) {
    out.set(`${prefix}optimizer.m.${names[i]}`, { shape: [...opt.m[i].shape], data: await opt.m[i].data() });
    out.set(`${prefix}optimizer.v.${names[i]}`, { shape: [...opt.v[i].shape], data: await opt.v[i].data() });
  }
  return out;
}

/** Writes Adam's moments back from host tensors named as optimizerToHost names them (the step count is the caller's). */
export function loadOptimizerHost(src: Map<string, HostTensor>, params: Params, opt: Adam, what: string, prefix = ''): void {
  [...params.tensors.keys()].forEach((n, i) => {
    const m = src.get(`${prefix}optimizer.m.${n}`);
    const v = src.get(`${prefix}optimizer.v.${n}`);
    if (!m || !v) throw new Error(`${what}: optimizer state for '${prefix}${n}' is missing`);
    params.engine.write(opt.m[i].buffer, m.data);
    params.engine.write(opt.v[i].buffer, v.data);
  });
}

/**
 * A checkpoint named by a flag (e.g. --init): its tensors, metadata and config, with an error naming the
 * flag when the file is missing or holds no config.
 */
export function readFlaggedCheckpoint<T extends object>(path: string, flag: string, kind: string): { config: T; tensors: Map<string, HostTensor>; metadata: Record<string, string> } {
  if (!existsSync(path)) throw new Error(`${flag} '${path}' does not exist`);
  const f = parseSafetensors(new Uint8Array(readFileSync(path)), path);
  const config = parseMeta<T | null>(f.metadata, 'config', null);
  if (!config || typeof config !== 'object') throw new Error(`${flag} '${path}': not a ${kind} checkpoint (no config in its metadata)`);
  return { config, tensors: f.tensors, metadata: f.metadata };
}

export function parseMeta<T>(meta: Record<string, string>, key: string, fallback: T): T {
  const v = meta[key];
  if (v === undefined) return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return v as unknown as T;
  }
}

/** The progress a checkpoint's metadata records, as a resumed run continues it. */
export interface ResumedProgress { start: number; seconds: number; runs: number; history: unknown[] }

export function progressOf(meta: Record<string, string>): ResumedProgress {
  return { start: Number(meta.step ?? 0), seconds: Number(meta.seconds ?? 0), runs: Number(meta.runs ?? 0), history: parseMeta<unknown[]>(meta, 'history', []) };
}

/** Writes the EMA copies stored under `prefix` + each parameter's name into `shadow` (same order as params). */
export function loadEmaHost(engine: Engine, src: Map<string, HostTensor>, params: Params, shadow: Tensor[], prefix = 'ema.'): void {
  [...params.tensors.keys()].forEach((n, i) => {
    const h = src.get(prefix + n);
    if (h) engine.write(shadow[i].buffer, h.data);
  });
}

/** The sample grid beside a checkpoint: `<stem>_samples_step<N>.png` (two runs in one folder keep their own grids). */
export const sampleGridPath = (out: string, step: number) => join(dirname(out), `${basename(out).replace(/\.safetensors$/, '')}_samples_step${step}.png`);
