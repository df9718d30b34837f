// Loads a U-Net written by `commin train ddpm` (config and schedule in the metadata; EMA weights by default)
// or converted from a reference checkpoint by tools/convert_ddpm.
import { metaJson } from '../util/meta.js';
import type { Engine } from '../engine/engine.js';
import { parseSafetensors } from '../engine/safetensors.js';
import { UNet, type UNetConfig } from '../networks/unet.js';
import { DEFAULT_SCHEDULE, Schedule, type ScheduleConfig } from './diffusion.js';

export function loadUNet(engine: Engine, bytes: Uint8Array, what: string, useEma = true): { model: UNet; schedule: Schedule; meta: Record<string, string> } {
  const f = parseSafetensors(bytes, what);
  let cfg: UNetConfig;
  try {
    cfg = JSON.parse(f.metadata.config ?? '');
  } catch {
    throw new Error(`${what}: not a U-Net checkpoint (no config in its metadata)`);
  }
  if (!cfg || !Array.isArray(cfg.chMult)) throw new Error(`${what}: not a U-Net checkpoint (config ${f.metadata.config})`);
  const sc = metaJson<ScheduleConfig>(f.metadata, 'schedule', what, DEFAULT_SCHEDULE);
  const model = new UNet(engine, cfg);
  const hasEma = [...f.tensors.keys()].some((k) => k.startsWith('ema.'));
  model.params.loadHost(f.tensors, what, useEma && hasEma ? 'ema.' : '');
  return { model, schedule: new Schedule(sc), meta: f.metadata };
}
