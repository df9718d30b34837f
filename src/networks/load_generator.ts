// Loads a face generator written by `commin train gan` (config in the metadata; the EMA weights when the
// file has them, as the DDPM loader does).
import type { Engine } from '../engine/engine.js';
import { parseSafetensors } from '../engine/safetensors.js';
import { Generator, type GeneratorConfig } from './generator.js';

export function loadGenerator(engine: Engine, bytes: Uint8Array, what: string, useEma = true): { model: Generator; meta: Record<string, string> } {
  const f = parseSafetensors(bytes, what);
  let cfg: GeneratorConfig | null = null;
  try {
    cfg = JSON.parse(f.metadata.config ?? '');
  } catch {
    // reported below
  }
  if (!cfg || f.metadata.kind !== 'gan' || !Array.isArray(cfg.channels)) throw new Error(`${what}: not a generator checkpoint of commin train gan (kind ${f.metadata.kind ?? 'missing'})`);
  const model = new Generator(engine, cfg);
  const hasEma = [...f.tensors.keys()].some((k) => k.startsWith('ema.'));
  model.params.loadHost(f.tensors, what, useEma && hasEma ? 'ema.' : '');
  return { model, meta: f.metadata };
}
