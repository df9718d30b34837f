// Warm start of a wider DeepJSCC from a narrower one of the same layout (more hidden channels, the same
// latent): each tensor keeps its old values in its leading slice; weights from a new channel are zero, so the
// wider model computes exactly what the old one did (tested), and weights into a new channel are small and
// random, so the new channels compute something and learn from the first step.
import type { HostTensor } from '../engine/safetensors.js';
import { mulberry32 } from '../util/rng.js';
import { fnv1a32 } from '../util/hash.js';

/** An axis's role: 'from' indexes inputs (a new input must contribute nothing), 'to' indexes outputs. */
type Role = 'from' | 'to';

/** The roles of a DeepJSCC tensor's channel axes (null: a tensor with no channel axis to widen). */
function roles(name: string): Role[] | null {
  if (/\.conv\.weight$/.test(name)) return name.startsWith('decoder.') ? ['from', 'to'] : ['to', 'from']; // transposed convs store [in, out]
  if (/\.(conv\.bias|prelu|af\.fc1\.bias|af\.fc2\.bias)$/.test(name)) return ['to'];
  if (/\.af\.fc[12]\.weight$/.test(name)) return ['from', 'to'];
  return null;
}

/** The old index of a new one along an axis, or -1 for a new channel (fc1's last row, the SNR, stays last). */
function oldIndex(name: string, axis: number, i: number, oldLen: number, newLen: number): number {
  if (axis === 0 && name.endsWith('af.fc1.weight')) {
    if (i === newLen - 1) return oldLen - 1;
    return i < oldLen - 1 ? i : -1;
  }
  return i < oldLen ? i : -1;
}

/** The old tensor grown to `shape` (same rank; each channel axis at least as long). */
export function widenTensor(name: string, t: HostTensor, shape: readonly number[], seed = 0): HostTensor {
  if (t.shape.every((d, i) => d === shape[i])) return t;
  const r = roles(name);
  if (!r || shape.length !== t.shape.length || shape.some((d, i) => d < t.shape[i] || (i >= r.length && d !== t.shape[i]))) {
    throw new Error(`cannot widen '${name}' from [${t.shape.join(', ')}] to [${shape.join(', ')}]`);
  }
  const rand = mulberry32((seed ^ fnv1a32(name)) >>> 0);
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const bound = 0.1 / Math.sqrt(fanIn);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  const oldStrides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let rem = flat;
    for (let a = shape.length - 1; a >= 0; a--) { idx[a] = rem % shape[a]; rem = Math.floor(rem / shape[a]); }
    let off = 0, fromNew = false, toNew = false;
    for (let a = 0; a < shape.length; a++) {
      const o = a < r.length ? oldIndex(name, a, idx[a], t.shape[a], shape[a]) : idx[a];
      if (o < 0) (r[a] === 'from' ? (fromNew = true) : (toNew = true));
      else off += o * oldStrides[a];
    }
    if (fromNew) data[flat] = 0;
    else if (toNew) data[flat] = name.endsWith('.prelu') ? 0.25 : /bias$/.test(name) ? 0 : (2 * rand() - 1) * bound;
    else data[flat] = t.data[off];
  }
  return { shape: [...shape], data };
}

/** Every tensor of a checkpoint grown to the shapes a wider model's parameters have. */
export function widen(src: Map<string, HostTensor>, shapes: Map<string, readonly number[]>, seed = 0): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [name, t] of src) {
    const shape = shapes.get(name);
    out.set(name, shape ? widenTensor(name, t, shape, seed) : t);
  }
  return out;
}
