// Loads a DeepJSCC checkpoint written by `commin train jscc` (its config is in the file's metadata).
import type { Engine } from '../engine/engine.js';
import { parseSafetensors } from '../engine/safetensors.js';
import { DeepJSCC, type DeepJsccConfig } from './deepjscc.js';
import { AWGN, checkChannelSpec, type ChannelSpec } from '../channel/index.js';

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

/**
 * The channel a checkpoint was trained over (its `channel` metadata); checkpoints without one were trained
 * before the fading channels existed, over AWGN.
 */
export function trainedChannel(meta: Record<string, string>, what = 'checkpoint'): ChannelSpec {
  if (!meta.channel) return AWGN;
  let spec: ChannelSpec;
  try {
    spec = JSON.parse(meta.channel);
  } catch {
    throw new Error(`${what}: its channel metadata is not JSON (${meta.channel})`);
  }
  checkChannelSpec(spec);
  return spec;
}
