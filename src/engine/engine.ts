// The engine: one device, its buffer pool, the pipeline cache and a command batch that many dispatches
// share before one submit. Errors raised by WebGPU are caught with error scopes and thrown at the next
// sync point (a readback or sync()) naming the kernels involved.
import { acquireDevice, type AcquiredDevice, type DeviceFeatures, type DeviceOptions } from './device.js';
import { BufferPool } from './buffers.js';
import { BindGroupCache } from './bind_groups.js';
import { DerivedCache } from './derived_cache.js';
import { Autotuner, autotuneEnabledByDefault, defaultStore, memoryStore, type AutotuneOptions, type TuneResult } from './autotune.js';
import { overridesKey, type KernelInfo, type Overrides, type UniformValues } from './kernel.js';
import type { Kernel, Launch, UserLaunch } from './kernel_types.js';
import { kernelInfo } from './shaders.js';
import { dawnCall, gpuWait } from './platform.js';
import { UniformSlots } from './uniform_slots.js';

const MAX_BATCH = 512; // dispatches per batch before an automatic submit (at most)
/**
 * Submits that may wait on the GPU before work is refused: queueing without bound exhausts memory in the
 * driver (lavapipe dies silently). Loops must await now and then: engine.throttle(), a readback or sync().
 */
const MAX_IN_FLIGHT = 48;

/** A failure on the GPU side: a WebGPU validation or out-of-memory error, a lost device, or a queue grown without bound. */
export class WebGPUError extends Error {}

export interface EngineOptions extends DeviceOptions {
  /** Per-shape kernel variant tuning: true/false, or options (see src/engine/autotune.ts). */
  autotune?: boolean | AutotuneOptions;
  /** Bytes of derived tensors (weight re-layouts) kept for unchanged sources (default 128 MiB; 0: none kept). */
  derivedCacheBytes?: number;
  /**
   * Dispatches in the first submit after the GPU ran dry (later submits double up to a full batch of 512):
   * the GPU starts on a step while the rest of it is encoded. 0: full batches only. Default FIRST_SUBMIT
   * (lavapipe, CommIN fast step, six interleaved pairs: median 310 ms against 348 ms with 0;
   * docs/performance.md).
   */
  firstSubmit?: number;
  /** Distinct uniform values kept in slots before they are reused (default 16,384; small values for tests). */
  uniformSlots?: number;
}

/**
 * The autotuner's key for a device: adapter, driver, CPU threads, the features in use and the limits that
 * shape kernels, so choices made on one configuration never reach another (say one with subgroups off).
 */
export function tuneScope(acq: Pick<AcquiredDevice, 'adapterInfo' | 'features'>, limits: GPUSupportedLimits): string {
  const info = acq.adapterInfo;
  const f = acq.features;
  const feats = `${f.subgroups ? `sg${f.subgroupMinSize}` : 'nosg'},${f.shaderF16 ? 'f16' : 'nof16'}`;
  const lim = `wgmem${limits.maxComputeWorkgroupStorageSize},inv${limits.maxComputeInvocationsPerWorkgroup},bind${limits.maxStorageBufferBindingSize},sb${limits.maxStorageBuffersPerShaderStage}`;
  return [info.vendor, info.architecture, info.device, info.description, globalThis.process?.env?.LP_NUM_THREADS ?? '', feats, lim].join('/');
}

/** See EngineOptions.firstSubmit. */
export const FIRST_SUBMIT = 32;

/** One WebGPU device with its buffer pool, pipeline cache and command batch: every tensor and kernel runs on one. */
export class Engine {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  /** Tensors derived from unchanged sources (src/engine/derived_cache.ts); this engine counts the writes. */
  readonly derived: DerivedCache;
  readonly features: DeviceFeatures;
  readonly adapterInfo: AcquiredDevice['adapterInfo'];
  readonly limits: GPUSupportedLimits;

  private pipelines = new Map<string, GPUComputePipeline>();
  private layouts = new Map<string, GPUBindGroupLayout>();
  private bindGroups = new BindGroupCache();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private batchLabels: string[] = [];
  private uniforms: UniformSlots;
  private readonly firstSubmit: number;
  /** Dispatches the open batch may hold before it is submitted. */
  private submitAt = MAX_BATCH;
  private pendingErrors: Promise<string | null>[] = [];
  private lostInfo: GPUDeviceLostInfo | null = null;
  private destroyed = false;
  /** Dispatches submitted since creation (for tests and profiling). */
  dispatchCount = 0;
  /** Transfer commands (copyBytes, clearBytes) encoded since creation (for tests). */
  transferCount = 0;
  /** Submits not yet finished on the GPU. */
  private inFlight = 0;
  private profiler: Profiler | null = null;
  private profileByLabel = false;
  /**
   * A CPU adapter (lavapipe/llvmpipe, SwiftShader): it runs workgroups on a few threads, so grid-stride
   * kernels use few large workgroups there instead of one invocation per element.
   */
  readonly isSoftwareAdapter: boolean;
  /** Chooses kernel variants per shape class; see autotune(). */
  readonly autotuner: Autotuner;

  private constructor(acq: AcquiredDevice, opts: EngineOptions = {}) {
    this.device = acq.device;
    this.features = acq.features;
    this.adapterInfo = acq.adapterInfo;
    this.limits = acq.device.limits;
    const desc = `${acq.adapterInfo.architecture} ${acq.adapterInfo.description} ${acq.adapterInfo.device}`.toLowerCase();
    this.isSoftwareAdapter = /software|llvmpipe|lavapipe|swiftshader|cpu/.test(desc);
    this.pool = new BufferPool(this.device);
    this.pool.onTrim = () => this.bindGroups.clear();
    this.derived = new DerivedCache(opts.derivedCacheBytes ?? 128 * 2 ** 20);
    const first = opts.firstSubmit ?? FIRST_SUBMIT;
    this.firstSubmit = first === 0 ? MAX_BATCH : Math.min(first, MAX_BATCH);
    const tune: AutotuneOptions = typeof opts.autotune === 'object' ? opts.autotune : { enabled: opts.autotune };
    const info = acq.adapterInfo;
    // choices are only valid for the adapter (and CPU thread count) they were measured on
    const scope = tuneScope(acq, this.limits);
    const enabled = tune.enabled ?? autotuneEnabledByDefault();
    // untuned engines use the deterministic fallbacks only; tuned ones start from the stored choices
    this.autotuner = new Autotuner(this, enabled ? defaultStore(tune) : memoryStore(), scope, enabled, tune.samples, tune.maxRunMs);
    this.uniforms = new UniformSlots(this.device, opts.uniformSlots);
    acq.lost.then((info) => {
      if (!this.destroyed) this.lostInfo = info;
    });
    this.device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      this.pendingErrors.push(Promise.resolve(`uncaptured WebGPU error: ${ev.error.message}`));
    };
  }

  /** Acquires a WebGPU device (Dawn in Node, navigator.gpu in a browser) and builds an engine on it. */
  static async create(opts: EngineOptions = {}): Promise<Engine> {
    const first = opts.firstSubmit;
    if (first !== undefined && !(Number.isInteger(first) && first >= 0)) throw new Error(`engine: firstSubmit must be an integer ≥ 0, got ${first}`);
    return new Engine(await acquireDevice(opts), opts);
  }

  /**
   * Runs queued variant tuning (shape classes met since the last call while tuning is enabled) and
   * returns what was chosen. throttle() calls it, so training and sampling loops tune on their own.
   */
  async autotune(): Promise<TuneResult[]> {
    return this.autotuner.runPending();
  }

  private checkAlive(): void {
    if (this.destroyed) throw new Error('engine was destroyed');
    if (this.lostInfo) {
      throw new WebGPUError(`WebGPU device lost (${this.lostInfo.reason}): ${this.lostInfo.message}`);
    }
  }

  private layoutFor(k: KernelInfo): GPUBindGroupLayout {
    let l = this.layouts.get(k.name);
    if (!l || (l as unknown as { _src?: string })._src !== k.source) {
      l = this.device.createBindGroupLayout({
        label: k.name,
        entries: k.bindings.map((b) => ({
          binding: b.binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: b.kind },
        })),
      });
      (l as unknown as { _src?: string })._src = k.source;
      this.layouts.set(k.name, l);
    }
    return l;
  }

  private pipelineFor(k: KernelInfo, overrides: Overrides | undefined): GPUComputePipeline {
    const key = `${k.name}|${overridesKey(overrides)}`;
    let p = this.pipelines.get(key);
    if (p && (p as unknown as { _src?: string })._src === k.source) return p;
    const constants: Record<string, number> = {};
    for (const [n, v] of Object.entries(overrides ?? {})) {
      if (!k.overrideNames.has(n)) throw new Error(`kernel '${k.name}' has no override '${n}'`);
      constants[n] = Number(v);
    }
    const module = this.device.createShaderModule({ code: k.source, label: k.name });
    p = this.device.createComputePipeline({
      label: key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.layoutFor(k)], label: k.name }),
      compute: { module, entryPoint: 'main', constants },
    });
    (p as unknown as { _src?: string })._src = k.source;
    this.pipelines.set(key, p);
    return p;
  }

  private beginBatch(): void {
    if (this.encoder) return;
    // nothing is running: submit this batch early, the next ones at twice the size each
    if (this.inFlight === 0) this.submitAt = this.firstSubmit;
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    this.encoder = this.device.createCommandEncoder();
  }

  /** The batch's encoder (for copies); ends any open compute pass. */
  commandEncoder(): GPUCommandEncoder {
    this.checkAlive();
    this.beginBatch();
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    return this.encoder!;
  }

  /**
   * Copies `bytes` bytes from src to another buffer dst as a transfer command in the batch, in order with
   * the dispatches around it (the open compute pass ends). A CPU adapter runs it as one memcpy, where a copy
   * kernel stores value by value; a GPU as a DMA or blit. Offsets and size in bytes, multiples of 4.
   */
  copyBytes(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number, label = 'copy'): void {
    if (bytes <= 0) return;
    if (src === dst) throw new Error(`copyBytes (${label}): source and destination are the same buffer`);
    this.transfer(dst, `copyBufferToBuffer ${label}`).copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Zeroes `bytes` bytes of dst from `offset` as a transfer command (a memset), in order like copyBytes. */
  clearBytes(dst: GPUBuffer, offset: number, bytes: number, label = 'zeros'): void {
    if (bytes <= 0) return;
    this.transfer(dst, `clearBuffer ${label}`).clearBuffer(dst, offset, bytes);
  }

  /** The batch's encoder for one transfer command writing dst: counted, labelled, noted for the derived cache. */
  private transfer(dst: GPUBuffer, label: string): GPUCommandEncoder {
    const enc = this.commandEncoder();
    this.derived.noteWrite(dst);
    this.batchLabels.push(label);
    this.transferCount++;
    return enc;
  }

  /** The slot of a dispatch's uniform values (uniform_slots.ts), submitting the open batch when none is free. */
  private uniformSlot(k: KernelInfo, values: UniformValues) {
    const size = k.uniform!.size;
    this.uniforms.clear(size);
    k.packUniforms(values, this.uniforms.view, 0);
    const slot = this.uniforms.slotOf(size);
    if (slot) return slot;
    // the packed values stay in the view: flush() launches nothing
    this.flush();
    this.uniforms.reset();
    return this.uniforms.slotOf(size)!;
  }

  /**
   * Encodes one dispatch of a kernel into the current batch. A bundled kernel's buffers and uniforms are
   * typed by its name (kernel_types.ts); a registered one's are checked here only.
   */
  launch<K extends Kernel>(name: K, l: Launch<K>): void;
  launch(name: string, l: UserLaunch): void {
    this.checkAlive();
    const k = kernelInfo(name);
    const storage = k.storageBindings;
    if (storage.length !== l.buffers.length) {
      throw new Error(`kernel '${name}' takes ${storage.length} buffers (${storage.map((s) => s.name).join(', ')}), got ${l.buffers.length}`);
    }
    if (this.batchLabels.length >= this.submitAt) {
      this.flush();
      this.submitAt = Math.min(2 * this.submitAt, MAX_BATCH);
    }
    // the uniform values' slot, before the batch begins: when the slots are all taken, what binds them is
    // submitted first, then they are reused
    const uniform = k.uniform ? this.uniformSlot(k, l.uniforms ?? {}) : null;
    this.beginBatch();
    const label = l.label ? `${name} ${l.label}` : name;
    this.batchLabels.push(label);
    const pipeline = this.pipelineFor(k, l.overrides);
    // storage buffers in binding order (noting writes), then the uniform slot's buffer
    const bound: GPUBuffer[] = [];
    let si = 0;
    for (const b of k.bindings) {
      if (b.kind === 'uniform') continue;
      const buffer = l.buffers[si++];
      if (b.kind === 'storage') this.derived.noteWrite(buffer); // bound read_write: what was derived from it may be stale
      bound.push(buffer);
    }
    if (uniform) bound.push(uniform.buffer);
    const layout = this.layoutFor(k);
    const bindGroup = this.bindGroups.get(layout, bound, uniform?.offset ?? 0, () => {
      let i = 0;
      const entries: GPUBindGroupEntry[] = k.bindings.map((b) =>
        b.kind === 'uniform'
          ? { binding: b.binding, resource: { buffer: uniform!.buffer, offset: uniform!.offset, size: k.uniform!.size } }
          : { binding: b.binding, resource: { buffer: bound[i++] } },
      );
      return this.device.createBindGroup({ layout, entries, label: name });
    });
    const slot = this.profiler?.slot(this.profileByLabel && l.label ? `${name} ${l.label}` : name);
    if (slot !== undefined) {
      // profiling: one pass per dispatch, timed by timestamp queries
      if (this.pass) {
        this.pass.end();
        this.pass = null;
      }
      this.pass = this.encoder!.beginComputePass({
        label,
        timestampWrites: { querySet: this.profiler!.querySet, beginningOfPassWriteIndex: 2 * slot, endOfPassWriteIndex: 2 * slot + 1 },
      });
    }
    if (!this.pass) this.pass = this.encoder!.beginComputePass({ label: 'batch' });
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    const [x, y = 1, z = 1] = l.workgroups;
    const maxDim = this.limits.maxComputeWorkgroupsPerDimension;
    if (x > maxDim || y > maxDim || z > maxDim) {
      throw new Error(`kernel '${label}': dispatch ${x}×${y}×${z} exceeds ${maxDim} workgroups per dimension`);
    }
    if (x > 0 && y > 0 && z > 0) this.pass.dispatchWorkgroups(x, y, z);
    this.dispatchCount++;
    if (slot !== undefined) {
      this.pass.end();
      this.pass = null;
      if (this.profiler!.full) this.flush();
    }
  }

  /** Submits the current batch. */
  flush(): void {
    if (!this.encoder) return;
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    this.profiler?.resolve(this.encoder);
    // only batches of compute work count: readbacks (copies) are small and awaited by their caller
    if (this.batchLabels.length > 0 && this.inFlight >= MAX_IN_FLIGHT) {
      this.encoder = null;
      this.pass = null;
      this.batchLabels = [];
      dawnCall(() => [this.device.popErrorScope(), this.device.popErrorScope()]);
      throw new WebGPUError(
        `${this.inFlight} submissions are waiting on the GPU: a loop queues work without ever waiting. ` +
          'Await engine.throttle() (or a readback, or engine.sync()) once per iteration.',
      );
    }
    this.device.queue.submit([this.encoder.finish()]);
    if (this.batchLabels.length > 0) {
      this.inFlight++;
      dawnCall(() => this.device.queue.onSubmittedWorkDone()).then(() => this.inFlight--, () => this.inFlight--);
    }
    this.encoder = null;
    const labels = this.batchLabels;
    this.batchLabels = [];
    const [validation, oom] = dawnCall(() => [this.device.popErrorScope(), this.device.popErrorScope()]);
    this.pendingErrors.push(
      Promise.all([validation, oom]).then(([v, o]) => {
        const err = v ?? o;
        if (!err) return null;
        const named = labels.filter((lab) => err.message.includes(lab.split(' ')[0]));
        const distinct = [...new Set(named.length ? named : labels)];
        const which = distinct.length > 4 ? [...distinct.slice(0, 4), `… ${distinct.length - 4} more`] : distinct;
        const kind = v ? 'validation error' : 'out of memory';
        return `WebGPU ${kind} in kernel ${which.map((s) => `'${s}'`).join(', ')}: ${err.message}`;
      }),
    );
  }

  /** Throws the first WebGPU error raised since the last check. */
  async checkErrors(): Promise<void> {
    const pending = this.pendingErrors;
    this.pendingErrors = [];
    const msgs = (await gpuWait(Promise.all(pending))).filter((m): m is string => m !== null);
    if (msgs.length) throw new WebGPUError(msgs[0]);
    this.checkAlive();
  }

  /**
   * Submits pending work and, if more than `maxInFlight` submissions are still running on the GPU, waits
   * until the GPU caught up. Call once per iteration of a loop that otherwise never waits.
   */
  async throttle(maxInFlight = 4): Promise<void> {
    if (this.autotuner.pendingCount > 0) await this.autotuner.runPending();
    this.flush();
    if (this.inFlight > maxInFlight) await gpuWait(dawnCall(() => this.device.queue.onSubmittedWorkDone()));
    await this.checkErrors();
  }

  /** Waits until all submitted work finished; throws errors raised by it. */
  async sync(): Promise<void> {
    this.checkAlive();
    this.flush();
    await gpuWait(dawnCall(() => this.device.queue.onSubmittedWorkDone()));
    await this.checkErrors();
  }

  /** Writes data into a buffer after all previously encoded work (flushes first so ordering holds). */
  write(buffer: GPUBuffer, data: ArrayBufferView, byteOffset = 0): void {
    this.checkAlive();
    this.flush();
    this.derived.noteWrite(buffer);
    this.device.queue.writeBuffer(buffer, byteOffset, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Reads bytes of a buffer back to the CPU after all encoded work. */
  async read(buffer: GPUBuffer, byteOffset: number, byteLength: number): Promise<ArrayBuffer> {
    this.checkAlive();
    const size = Math.ceil(byteLength / 4) * 4;
    const staging = this.device.createBuffer({ size: Math.max(size, 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const enc = this.commandEncoder();
      if (size > 0) enc.copyBufferToBuffer(buffer, byteOffset, staging, 0, size);
      this.flush();
      await gpuWait(dawnCall(() => staging.mapAsync(GPUMapMode.READ)));
      const out = staging.getMappedRange().slice(0, byteLength);
      staging.unmap();
      await this.checkErrors();
      return out;
    } finally {
      staging.destroy();
    }
  }

  /**
   * Starts kernel-only timing with timestamp queries (where the adapter has them): every dispatch runs in a
   * pass of its own, so use it to measure, not to run fast. stopProfile() returns the time per kernel, or
   * per kernel and launch label (its shapes) with `byLabel`.
   */
  startProfile(o: { byLabel?: boolean } = {}): void {
    if (!this.features.timestampQuery) throw new Error('this adapter has no timestamp-query feature');
    this.flush();
    this.profileByLabel = !!o.byLabel;
    this.profiler = new Profiler(this.device);
  }

  /** Ends profiling; returns total GPU milliseconds and dispatch count per kernel, slowest first. */
  async stopProfile(): Promise<{ kernel: string; ms: number; count: number }[]> {
    const p = this.profiler;
    if (!p) throw new Error('profiling was not started');
    this.flush();
    this.profiler = null;
    await gpuWait(dawnCall(() => this.device.queue.onSubmittedWorkDone()));
    const totals = await gpuWait(p.collect());
    p.destroy();
    return [...totals.entries()].map(([kernel, v]) => ({ kernel, ...v })).sort((a, b) => b.ms - a.ms);
  }

  /** Submits what is pending, frees the pooled buffers and destroys the device; the engine is unusable after. */
  destroy(): void {
    if (this.destroyed) return;
    this.flush();
    this.derived.clear();
    this.destroyed = true;
    this.pool.trim();
    this.uniforms.destroy();
    this.device.destroy();
  }
}

/** Timestamp-query bookkeeping for Engine.startProfile(). */
class Profiler {
  static readonly CAPACITY = 1024; // dispatches per submit
  readonly querySet: GPUQuerySet;
  private names: string[] = [];
  private pending: Promise<void>[] = [];
  private totals = new Map<string, { ms: number; count: number }>();

  constructor(private device: GPUDevice) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 * Profiler.CAPACITY });
  }

  get full(): boolean {
    return this.names.length >= Profiler.CAPACITY;
  }

  slot(name: string): number {
    this.names.push(name);
    return this.names.length - 1;
  }

  /** Encodes the resolve of this batch's timestamps and schedules their readback after the submit. */
  resolve(encoder: GPUCommandEncoder): void {
    const n = this.names.length;
    if (n === 0) return;
    const names = this.names;
    this.names = [];
    const bytes = 2 * n * 8;
    const resolveBuf = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const readBuf = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.resolveQuerySet(this.querySet, 0, 2 * n, resolveBuf, 0);
    encoder.copyBufferToBuffer(resolveBuf, 0, readBuf, 0, bytes);
    this.pending.push(
      dawnCall(() => this.device.queue.onSubmittedWorkDone()).then(async () => {
        await dawnCall(() => readBuf.mapAsync(GPUMapMode.READ));
        const t = new BigUint64Array(readBuf.getMappedRange().slice(0));
        readBuf.unmap();
        readBuf.destroy();
        resolveBuf.destroy();
        names.forEach((name, i) => {
          const ms = Number(t[2 * i + 1] - t[2 * i]) / 1e6;
          const e = this.totals.get(name) ?? { ms: 0, count: 0 };
          e.ms += ms > 0 && ms < 1e6 ? ms : 0;
          e.count++;
          this.totals.set(name, e);
        });
      }),
    );
  }

  async collect(): Promise<Map<string, { ms: number; count: number }>> {
    await Promise.all(this.pending);
    return this.totals;
  }

  destroy(): void {
    this.querySet.destroy();
  }
}
