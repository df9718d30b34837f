// The converters' check of a checkpoint's tensors against the engine model built from its config: every
// tensor the model has must be there with the model's shape; what the checkpoint holds beyond them is
// returned for the caller to refuse or report.
import type { HostTensor } from '../../src/engine/safetensors.js';

/**
 * The checkpoint tensors `src` under the names of `expected` ([name, tensor with the wanted shape]);
 * `needs` ends the missing-tensor message ("for generator {…}"). Throws on a missing or mis-shaped tensor.
 */
export function matchTensors(
  src: Map<string, HostTensor>, expected: Iterable<readonly [string, { shape: readonly number[] }]>, what: string, needs: string,
): { out: Map<string, HostTensor>; extra: string[] } {
  const out = new Map<string, HostTensor>();
  for (const [name, t] of expected) {
    const h = src.get(name);
    if (!h) throw new Error(`${what}: missing tensor '${name}' (shape [${t.shape.join(', ')}]) ${needs}`);
    if (h.shape.join() !== t.shape.join()) throw new Error(`${what}: tensor '${name}' has shape [${h.shape.join(', ')}], the config needs [${t.shape.join(', ')}]`);
    out.set(name, h);
  }
  return { out, extra: [...src.keys()].filter((k) => !out.has(k)) };
}
