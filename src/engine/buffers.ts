// A pool of GPU storage buffers reused by size class, so steady-state loops allocate nothing.
// Reuse is safe without fences: every use of a buffer is a command on the one queue, executed in order.

export const STORAGE_USAGE = GPUBufferUsageFlags();

function GPUBufferUsageFlags(): number {
  // GPUBufferUsage is a global only once a WebGPU implementation is loaded; the numbers are fixed by the spec.
  const STORAGE = 0x80,
    COPY_SRC = 0x04,
    COPY_DST = 0x08;
  return STORAGE | COPY_SRC | COPY_DST;
}

/** Rounds a byte size up to its size class: 256 B steps below 64 KiB, then 8 classes per power of two. */
export function sizeClass(bytes: number): number {
  const b = Math.max(16, bytes);
  if (b <= 65536) return Math.ceil(b / 256) * 256;
  const p = 2 ** Math.floor(Math.log2(b));
  const step = p / 8;
  return Math.ceil(b / step) * step;
}

export interface PoolStats {
  /** Bytes of all live GPU buffers the pool created. */
  allocatedBytes: number;
  /** Bytes handed out and not yet released. */
  inUseBytes: number;
  buffers: number;
  freeBuffers: number;
}

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private allocated = 0;
  private inUse = 0;
  private count = 0;
  private freeCount = 0;
  /** The most bytes the pool ever held at once. */
  peakAllocatedBytes = 0;

  constructor(private device: GPUDevice) {}

  acquire(bytes: number, label?: string): GPUBuffer {
    const max = this.device.limits.maxStorageBufferBindingSize;
    if (bytes > max) {
      throw new Error(
        `a tensor of ${(bytes / 2 ** 20).toFixed(1)} MiB${label ? ` (${label})` : ''} exceeds the adapter's largest storage binding ` +
          `(${(max / 2 ** 20).toFixed(0)} MiB): use a smaller batch or image size`,
      );
    }
    const size = Math.min(sizeClass(bytes), max);
    const list = this.free.get(size);
    let buf = list?.pop();
    if (buf) {
      this.freeCount--;
    } else {
      buf = this.device.createBuffer({ size, usage: STORAGE_USAGE, label });
      this.allocated += size;
      this.peakAllocatedBytes = Math.max(this.peakAllocatedBytes, this.allocated);
      this.count++;
    }
    this.inUse += size;
    return buf;
  }

  release(buf: GPUBuffer): void {
    const size = buf.size;
    this.inUse -= size;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(buf);
    this.freeCount++;
  }

  /** Called before trim destroys buffers (the engine forgets the bind groups that name them). */
  onTrim: (() => void) | null = null;

  /** Destroys every buffer not in use. */
  trim(): void {
    this.onTrim?.();
    for (const list of this.free.values()) {
      for (const b of list) {
        this.allocated -= b.size;
        this.count--;
        b.destroy();
      }
    }
    this.free.clear();
    this.freeCount = 0;
  }

  stats(): PoolStats {
    return { allocatedBytes: this.allocated, inUseBytes: this.inUse, buffers: this.count, freeBuffers: this.freeCount };
  }
}
