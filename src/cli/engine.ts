// The engine of the command-line tools: variant autotuning on (choices cached in
// ~/.cache/commin-gpu/autotune.json or $COMMIN_AUTOTUNE_CACHE) unless COMMIN_AUTOTUNE=0.
import { Engine } from '../engine/engine.js';

export function createCliEngine(): Promise<Engine> {
  return Engine.create({ autotune: process.env.COMMIN_AUTOTUNE !== '0' });
}
