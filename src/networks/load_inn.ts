// Loads an INN written by `commin train inn` (config, SNR and BCR in the metadata).
import type { Engine } from '../engine/engine.js';
import { parseSafetensors } from '../engine/safetensors.js';
import { Inn, type InnConfig } from './inn.js';

export function loadInn(engine: Engine, bytes: Uint8Array, what: string): { inn: Inn; snr: number | null; meta: Record<string, string> } {
  const f = parseSafetensors(bytes, what);
  let cfg: InnConfig;
  try {
    cfg = JSON.parse(f.metadata.config ?? '');
  } catch {
    throw new Error(`${what}: not an INN checkpoint (no config in its metadata)`);
  }
  if (!cfg || (cfg.mode !== 'decimated' && cfg.mode !== 'undecimated')) throw new Error(`${what}: not an INN checkpoint`);
  const inn = new Inn(engine, cfg);
  inn.params.loadHost(f.tensors, what);
  return { inn, snr: f.metadata.snr !== undefined ? Number(f.metadata.snr) : null, meta: f.metadata };
}
