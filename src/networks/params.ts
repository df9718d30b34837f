// Named parameters of a model: creation with PyTorch's default initialisation, and loading / saving as
// safetensors with every tensor's shape checked against the model.
import type { Engine } from '../engine/engine.js';
import { keep } from '../engine/scope.js';
import { requireGrad } from '../engine/autograd.js';
import type { Tensor } from '../engine/tensor.js';
import { parseSafetensors, serializeSafetensors, type HostTensor, type Storage } from '../engine/safetensors.js';
import { fill, tensor } from '../kernels/create.js';
import { randUniform } from '../kernels/random.js';
import { fnv1a32 } from '../util/hash.js';

export class Params {
  readonly tensors = new Map<string, Tensor>();

  constructor(
    readonly engine: Engine,
    readonly seed = 0,
  ) {}

  private add(name: string, t: Tensor): Tensor {
    if (this.tensors.has(name)) throw new Error(`parameter '${name}' defined twice`);
    const p = requireGrad(keep(t));
    this.tensors.set(name, p);
    return p;
  }

  /** U(−bound, bound), drawn from (model seed, name), so a parameter's values do not depend on the order of creation. */
  uniform(name: string, shape: number[], bound: number): Tensor {
    return this.add(name, randUniform(this.engine, shape, { seed: this.seed, offset: fnv1a32(name) }, -bound, bound));
  }

  constant(name: string, shape: number[], value: number): Tensor {
    return this.add(name, fill(this.engine, shape, value));
  }

  /** A parameter with given initial values. */
  values(name: string, shape: number[], data: Float32Array): Tensor {
    return this.add(name, tensor(this.engine, data, shape));
  }

  /**
   * A conv weight — [out, in/groups, kh, kw], or for a transposed conv [in, out/groups, kh, kw] — and bias,
   * with PyTorch's default init U(±1/√fan_in), fan_in = dim 1 · kh · kw in both cases (as torch computes it).
   */
  conv(name: string, shape: [number, number, number, number], o: { bias?: boolean; transposed?: boolean; groups?: number } = {}): { w: Tensor; b: Tensor | null } {
    const bound = 1 / Math.sqrt(shape[1] * shape[2] * shape[3]);
    const outChannels = o.transposed ? shape[1] * (o.groups ?? 1) : shape[0];
    return {
      w: this.uniform(`${name}.weight`, shape, bound),
      b: o.bias === false ? null : this.uniform(`${name}.bias`, [outChannels], bound),
    };
  }

  /** A linear layer stored as weight [in, out] (so y = x·W + b needs no transpose) and bias [out]. */
  linear(name: string, inF: number, outF: number, bias = true): { w: Tensor; b: Tensor | null } {
    const bound = 1 / Math.sqrt(inF);
    return { w: this.uniform(`${name}.weight`, [inF, outF], bound), b: bias ? this.uniform(`${name}.bias`, [outF], bound) : null };
  }

  list(): Tensor[] {
    return [...this.tensors.values()];
  }

  count(): number {
    let n = 0;
    for (const t of this.tensors.values()) n += t.size;
    return n;
  }

  /** Host copies of every parameter, in definition order (prefix added to names). */
  async toHost(prefix = ''): Promise<Map<string, HostTensor>> {
    const out = new Map<string, HostTensor>();
    for (const [n, t] of this.tensors) out.set(prefix + n, { shape: [...t.shape], data: await t.data() });
    return out;
  }

  /** Copies values from host tensors, checking names and shapes; `what` names the source in errors. */
  loadHost(src: Map<string, HostTensor>, what: string, prefix = ''): void {
    for (const [n, t] of this.tensors) {
      const h = src.get(prefix + n);
      if (!h) throw new Error(`${what}: missing tensor '${prefix + n}' (shape [${t.shape.join(', ')}])`);
      if (h.shape.length !== t.shape.length || h.shape.some((d, i) => d !== t.shape[i])) {
        throw new Error(`${what}: tensor '${prefix + n}' has shape [${h.shape.join(', ')}], the model needs [${t.shape.join(', ')}]`);
      }
      this.engine.write(t.buffer, h.data);
    }
  }

  async save(metadata: Record<string, string> = {}, storage: Storage = 'F32'): Promise<Uint8Array> {
    return serializeSafetensors(await this.toHost(), metadata, storage);
  }

  load(bytes: Uint8Array, what = 'weights'): Record<string, string> {
    const f = parseSafetensors(bytes, what);
    this.loadHost(f.tensors, what);
    return f.metadata;
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }
}

/** A host tensor made into a GPU tensor (no grad). */
export function fromHost(engine: Engine, h: HostTensor): Tensor {
  return tensor(engine, h.data, h.shape);
}
