// Autotuning jobs of the conv2d family: random scratch operands of a shape class and one candidate launch
// per variant. The launchers hand in `run` (one launch of a given variant), so this file needs none of them.
import type { TuningJob } from '../../engine/autotune.js';
import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { randUniform } from '../random.js';

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
  };
}
