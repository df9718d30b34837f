// Tensors derived from another tensor's contents (a conv weight's re-layout, its Winograd transform), kept
// while the source is unchanged, so frozen weights (sampling, guidance, inversion) are re-laid out once
// instead of at every call. Unchanged = no kernel has bound the source's buffer read_write and no host write
// reached it since the entry was made: the engine counts both per buffer (noteWrite). An entry goes when its
// source buffer returns to the pool, when it is stale at its next lookup, and oldest first beyond a byte
// budget. A lookup returns a view on the cached storage, which the caller disposes like any tensor: an
// entry evicted while a caller still holds its view (a lookup inside another's use) keeps its storage
// until that view goes.
import { keep } from './scope.js';
import type { Tensor } from './tensor.js';

interface Entry {
  writes: number;
  t: Tensor;
}

export interface DerivedCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

export class DerivedCache {
  private writes = new WeakMap<GPUBuffer, number>();
  /** Per source buffer, per key; Map order is the recency order (a hit moves its buffer to the end). */
  private entries = new Map<GPUBuffer, Map<string, Entry>>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(readonly budgetBytes: number) {}

  /** Called for every encoded write into b. */
  noteWrite(b: GPUBuffer): void {
    this.writes.set(b, (this.writes.get(b) ?? 0) + 1);
  }

  /** Writes encoded into b so far. */
  writeCount(b: GPUBuffer): number {
    return this.writes.get(b) ?? 0;
  }

  /**
   * The tensor `make()` derives from `source` under `key` (which must name everything else it depends on:
   * shapes, layout, variant), made again only when the source was written since. Returns a new view on it
   * for the caller to dispose.
   */
  get(source: Tensor, key: string, make: () => Tensor): Tensor {
    const b = source.buffer;
    const writes = this.writeCount(b);
    let perBuffer = this.entries.get(b);
    const hit = perBuffer?.get(key);
    if (hit && hit.writes === writes && !hit.t.disposed) {
      this.hits++;
      this.entries.delete(b);
      this.entries.set(b, perBuffer!);
      return hit.t.reshape(hit.t.shape);
    }
    this.misses++;
    if (hit) this.remove(perBuffer!, key, hit);
    const t = keep(make());
    if (!perBuffer || !this.entries.has(b)) this.entries.set(b, (perBuffer = perBuffer ?? new Map()));
    perBuffer.set(key, { writes, t });
    this.bytes += t.size * 4;
    const view = t.reshape(t.shape); // before evicting: a zero budget evicts t itself
    this.evict();
    return view;
  }

  /**
   * The tensor kept under `key` for `source` if it is still fresh, handed over to the caller (who disposes
   * it) and forgotten here; null otherwise. For a value made ahead for exactly one later use.
   */
  take(source: Tensor, key: string): Tensor | null {
    const perBuffer = this.entries.get(source.buffer);
    const hit = perBuffer?.get(key);
    if (!hit) return null;
    if (hit.writes !== this.writeCount(source.buffer) || hit.t.disposed) {
      this.remove(perBuffer!, key, hit);
      return null;
    }
    perBuffer!.delete(key);
    this.bytes -= hit.t.size * 4;
    this.hits++;
    return hit.t;
  }

  /** Forgets what was derived from b (its storage went back to the pool). */
  drop(b: GPUBuffer): void {
    const perBuffer = this.entries.get(b);
    if (!perBuffer) return;
    for (const [key, e] of perBuffer) this.remove(perBuffer, key, e);
    this.entries.delete(b);
  }

  clear(): void {
    for (const b of [...this.entries.keys()]) this.drop(b);
  }

  stats(): DerivedCacheStats {
    let entries = 0;
    for (const m of this.entries.values()) entries += m.size;
    return { entries, bytes: this.bytes, hits: this.hits, misses: this.misses };
  }

  private remove(perBuffer: Map<string, Entry>, key: string, e: Entry): void {
    perBuffer.delete(key);
    this.bytes -= e.t.size * 4;
    if (!e.t.disposed) e.t.dispose();
  }

  /** Oldest source first until within the budget (callers' views keep what they hold). */
  private evict(): void {
    for (const [b, perBuffer] of this.entries) {
      if (this.bytes <= this.budgetBytes) return;
      for (const [key, e] of perBuffer) this.remove(perBuffer, key, e);
      this.entries.delete(b);
    }
  }
}
