// Uniform values of dispatches in immutable, content-addressed slots of persistent uniform buffers. A
// dispatch binds its values' slot at a static offset, so its bind group is (layout, storage buffers, slot)
// and repeats wherever a loop repeats a launch with the same buffers and values: a sampler or training
// step's launches, step after step. The alternative — one arena per batch bound with a dynamic offset —
// cost ~70 µs per dispatch on lavapipe through Dawn against ~20 µs for a cached bind group with a static
// offset (docs/performance.md, "Uniforms at static offsets").
//
// A slot is written once (queue.writeBuffer, ordered before the submit of the batch that uses it) and never
// changes while anything that binds it is queued. When the slots run out the engine submits its open batch
// and calls reset(): later writes reuse the slots, and the queue orders them after the submitted work.

export const UNIFORM_SLOT = 256; // minUniformBufferOffsetAlignment is at most 256
const PAGE_SLOTS = 1024;

export interface UniformSlot {
  buffer: GPUBuffer;
  offset: number;
}

export class UniformSlots {
  private pages: GPUBuffer[] = [];
  private slots = new Map<string, UniformSlot>();
  private used = 0;
  private readonly scratch = new ArrayBuffer(UNIFORM_SLOT);
  /** Where a caller packs one dispatch's values (then asks for their slot with `slotOf`). */
  readonly view = new DataView(this.scratch);
  private readonly bytes = new Uint8Array(this.scratch);
  private readonly halves = new Uint16Array(this.scratch);

  constructor(
    private readonly device: GPUDevice,
    /** Distinct values held before a reset (16,384 slots: 4 MiB of uniform buffers). */
    readonly capacity = 16 * PAGE_SLOTS,
  ) {}

  /** Zeroes the first `size` bytes of the view, so that unpacked padding never tells two values apart. */
  clear(size: number): void {
    this.bytes.fill(0, 0, size);
  }

  /**
   * The slot holding the first `size` bytes of the view, written now if these values are new; null when
   * every slot is taken (the caller submits its batch, resets, and asks again).
   */
  slotOf(size: number): UniformSlot | null {
    const key = String.fromCharCode(size) + String.fromCharCode.apply(null, this.halves.subarray(0, size / 2) as unknown as number[]);
    const hit = this.slots.get(key);
    if (hit) return hit;
    if (this.used >= this.capacity) return null;
    const page = Math.floor(this.used / PAGE_SLOTS);
    if (page === this.pages.length) {
      this.pages.push(this.device.createBuffer({ size: PAGE_SLOTS * UNIFORM_SLOT, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: `uniform-slots-${page}` }));
    }
    const slot = { buffer: this.pages[page], offset: (this.used % PAGE_SLOTS) * UNIFORM_SLOT };
    this.device.queue.writeBuffer(slot.buffer, slot.offset, this.scratch, 0, size);
    this.slots.set(key, slot);
    this.used++;
    return slot;
  }

  /** Forgets every slot's values; only once nothing unsubmitted binds them. */
  reset(): void {
    this.slots.clear();
    this.used = 0;
  }

  /** Distinct values held now (for tests). */
  get size(): number {
    return this.used;
  }

  destroy(): void {
    for (const p of this.pages) p.destroy();
    this.pages = [];
    this.reset();
  }
}
