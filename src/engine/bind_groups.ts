// Bind groups kept for repeated launches. Dawn's Node binding spends ~30 µs making one, about half of a
// launch's CPU time, and a sampler or training loop launches the same kernels on the same buffers at every
// step (the buffer pool hands them back in the same order), so a bind group is made once per (layout,
// buffers, offset of the uniform slot: uniform_slots.ts), and the values' slot repeats with the values.
// Everything goes when the pool destroys buffers (trim) and when the cache outgrows its bound.

const MAX_GROUPS = 16384;

export class BindGroupCache {
  private ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  private groups = new WeakMap<GPUBindGroupLayout, Map<string, GPUBindGroup>>();
  private count = 0;

  /** The bind group of `layout` over `buffers` (in binding order) and a uniform `offset`, made by `make` on a miss. */
  get(layout: GPUBindGroupLayout, buffers: readonly GPUBuffer[], offset: number, make: () => GPUBindGroup): GPUBindGroup {
    let key = `${offset}:`;
    for (const b of buffers) {
      let id = this.ids.get(b);
      if (id === undefined) this.ids.set(b, (id = this.nextId++));
      key += `${id},`;
    }
    const hit = this.groups.get(layout)?.get(key);
    if (hit) return hit;
    if (this.count >= MAX_GROUPS) this.clear();
    let perLayout = this.groups.get(layout);
    if (!perLayout) this.groups.set(layout, (perLayout = new Map()));
    const g = make();
    perLayout.set(key, g);
    this.count++;
    return g;
  }

  /** Forgets every bind group (their buffers may be destroyed next). */
  clear(): void {
    this.groups = new WeakMap();
    this.count = 0;
  }
}
