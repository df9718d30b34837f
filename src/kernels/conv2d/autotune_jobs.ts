// Autotuning jobs of the conv2d family: random scratch operands of a shape class and one candidate launch
// per variant. The launchers hand in `run` (one launch of a given variant), so this file needs none of them.
import type { TuningJob } from '../../engine/autotune.js';
import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { randUniform } from '../random.js';

/**
 * The conv jobs' limit on the default's run (the tuner's default is 250 ms): a conv runs several times per
 * sampler or training step, so tuning a long one (batch 8, the 256×256 U-Net at batch 1) repays its cost
 * within a few steps; clearly losing candidates are timed once (autotune.ts), which bounds that cost.
 * On the 64×64 U-Net at batch 8 the shapes past 250 ms are the 64×64-pixel ones, where F(4×4) wins.
 */
export const CONV_TUNE_MAX_RUN_MS = 2000;

/**
 * Times `variants` on two random operands of the given shapes (forward: x and laid-out weights; weight
 * gradient: x and dy); run(a, b, v) launches variant v on them.
 */
export function tuningJobOnRandomPair<V extends string>(
  e: Engine, shapeA: readonly number[], shapeB: readonly number[], variants: readonly V[], run: (a: Tensor, b: Tensor, v: V) => void,
): TuningJob {
  const a = randUniform(e, shapeA, { seed: 1 });
  const b = randUniform(e, shapeB, { seed: 2 });
  return {
    candidates: Object.fromEntries(variants.map((id) => [id, () => run(a, b, id)])),
    dispose: () => [a, b].forEach((t) => t.dispose()),
    maxRunMs: CONV_TUNE_MAX_RUN_MS,
  };
}
