// A float32, contiguous tensor on the GPU. Views (reshape) share one refcounted Storage.
import type { Engine } from './engine.js';
import { trackTensor, untrackTensor } from './scope.js';
import type { GradNode } from './autograd.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function checkShape(shape: Shape, what = 'shape'): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${what} [${shape.join(', ')}] has an invalid dimension ${d}`);
  }
}

/** A GPU buffer shared by a tensor and its views; returned to the pool when the last one is disposed. */
export class Storage {
  refs = 1;
  constructor(
    readonly engine: Engine,
    readonly buffer: GPUBuffer,
    readonly bytes: number,
  ) {}
  release(): void {
    if (--this.refs === 0) {
      this.engine.derived.drop(this.buffer);
      this.engine.pool.release(this.buffer);
    }
  }
}

let nextId = 1;

/** A float32, contiguous tensor on the GPU; reshape() views share its storage. */
export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  requiresGrad = false;
  grad: Tensor | null = null;
  /** How this tensor was computed, for backward; null for leaves and for tensors made under noGrad. */
  node: GradNode | null = null;
  private _disposed = false;

  constructor(
    readonly storage: Storage,
    readonly shape: Shape,
  ) {
    this.size = sizeOf(shape);
    trackTensor(this);
  }

  get engine(): Engine {
    return this.storage.engine;
  }
  get buffer(): GPUBuffer {
    if (this._disposed) throw new Error(`tensor #${this.id} [${this.shape.join(', ')}] was used after dispose()`);
    return this.storage.buffer;
  }
  get rank(): number {
    return this.shape.length;
  }
  get strides(): number[] {
    return stridesOf(this.shape);
  }
  get disposed(): boolean {
    return this._disposed;
  }

  /** A tensor of new shape on the same storage (no copy). Differentiable. */
  reshape(shape: Shape): Tensor {
    const resolved = resolveShape(shape, this.size);
    this.buffer; // throws if disposed
    this.storage.refs++;
    const t = new Tensor(this.storage, resolved);
    if (this.node || this.requiresGrad) attachReshapeGrad(t, this);
    return t;
  }

  /** Reads the values back to the CPU after all encoded work (row-major, float32). */
  async data(): Promise<Float32Array> {
    const bytes = await this.engine.read(this.buffer, 0, this.size * 4);
    return new Float32Array(bytes);
  }

  /** Reads a single-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item() needs a tensor of one element, got shape [${this.shape.join(', ')}]`);
    return (await this.data())[0];
  }

  /** Frees this tensor (and its grad); the storage returns to the pool when no view holds it. Idempotent. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this.node = null;
    untrackTensor(this);
    this.storage.release();
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  /** `Tensor#id[shape]`, for messages and logs. */
  toString(): string {
    return `Tensor#${this.id}[${this.shape.join(', ')}]`;
  }
}

function resolveShape(shape: Shape, size: number): number[] {
  const out = [...shape];
  const neg = out.indexOf(-1);
  if (neg >= 0) {
    const rest = sizeOf(out.filter((_, i) => i !== neg));
    out[neg] = rest === 0 ? 0 : size / rest;
  }
  checkShape(out);
  if (sizeOf(out) !== size) throw new Error(`cannot reshape ${size} elements to [${shape.join(', ')}]`);
  return out;
}

// Set by autograd.ts (avoids an import cycle at module load).
let attachReshapeGrad: (out: Tensor, input: Tensor) => void = () => {};
export function setReshapeGradHook(f: (out: Tensor, input: Tensor) => void): void {
  attachReshapeGrad = f;
}
