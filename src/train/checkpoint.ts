// Training checkpoints: parameters, Adam state and progress in one safetensors file, written atomically
// (temp file + rename) so an interrupted write never destroys the previous checkpoint, and never written
// when a value is NaN or infinite (a diverged run keeps its last good checkpoint).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { prepareOutputDir } from '../util/output.js';
import type { HostTensor } from '../engine/safetensors.js';
import { parseSafetensors, serializeSafetensors } from '../engine/safetensors.js';
import type { Adam } from '../kernels/adam.js';
import type { Params } from '../models/params.js';

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
  if (opt) {
    const names = [...params.tensors.keys()];
    for (let i = 0; i < names.length; i++) {
      tensors.set(`optimizer.m.${names[i]}`, { shape: [...opt.m[i].shape], data: await opt.m[i].data() });
      tensors.set(`optimizer.v.${names[i]}`, { shape: [...opt.v[i].shape], data: await opt.v[i].data() });
    }
  }
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
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, serializeSafetensors(tensors, meta));
  renameSync(tmp, path);
}

/** Loads parameters (and the optimizer state if given and present); returns the metadata. */
export function loadCheckpoint(path: string, params: Params, opt: Adam | null = null): Record<string, string> {
  if (!existsSync(path)) throw new Error(`checkpoint '${path}' does not exist`);
  const f = parseSafetensors(new Uint8Array(readFileSync(path)), path);
  params.loadHost(f.tensors, path);
  if (opt && f.tensors.has(`optimizer.m.${[...params.tensors.keys()][0]}`)) {
    const names = [...params.tensors.keys()];
    names.forEach((n, i) => {
      const m = f.tensors.get(`optimizer.m.${n}`);
      const v = f.tensors.get(`optimizer.v.${n}`);
      if (!m || !v) throw new Error(`${path}: optimizer state for '${n}' is missing`);
      params.engine.write(opt.m[i].buffer, m.data);
      params.engine.write(opt.v[i].buffer, v.data);
    });
    opt.step = Number(f.metadata.adamStep ?? 0);
  }
  return f.metadata;
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
