// Loads a DeepJSCC checkpoint written by `commin train jscc` (its config is in the file's metadata).
import type { Engine } from '../engine/engine.js';
import { parseSafetensors } from '../engine/safetensors.js';
import { DeepJSCC, type DeepJsccConfig } from './deepjscc.js';

export function loadDeepJscc(engine: Engine, bytes: Uint8Array, what: string): { model: DeepJSCC; meta: Record<string, string> } {
  const f = parseSafetensors(bytes, what);
  let cfg: DeepJsccConfig;
  try {
    cfg = JSON.parse(f.metadata.config ?? '');
  } catch {
    throw new Error(`${what}: not a DeepJSCC checkpoint (no config in its metadata)`);
  }
  if (!cfg || typeof cfg.size !== 'number' || !Array.isArray(cfg.bcr)) throw new Error(`${what}: not a DeepJSCC checkpoint (config ${f.metadata.config})`);
  const model = new DeepJSCC(engine, cfg);
  model.params.loadHost(f.tensors, what);
  return { model, meta: f.metadata };
}
