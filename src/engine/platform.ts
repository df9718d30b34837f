// The engine's Node-only code, in one module: Node's WebGPU (Dawn, from the `webgpu` package) and the
// autotune cache file. Bundlers building for browsers load platform.browser.ts in its place (the "browser"
// field of package.json maps dist/engine/platform.js to it), so no Node code path reaches a web page;
// in Node and in this repository's own tools both run from this file, which checks where it runs.
import type { TuneStore } from './autotune.js';

export const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

// Dawn's Node binding crashes if the object returned by create() is garbage-collected while a device made
// from it lives: every such object is held here for the life of the process.
const heldNodeGpus: unknown[] = [];

/** Node's WebGPU: Dawn from the `webgpu` package, its globals (GPUBufferUsage, …) installed. */
export async function nodeGpu(dawnFlags: string[]): Promise<GPU> {
  // Hidden from bundlers that still see this file: this import only exists in Node.
  const modName = 'webgpu';
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    mod = await import(/* @vite-ignore */ modName);
  } catch (e) {
    // an optional dependency: a browser-only install (npm install --omit=optional) has no Dawn
    throw new Error(`WebGPU in Node needs the optional package 'webgpu' (Dawn): npm install webgpu (${(e as Error).message.split('\n')[0]})`);
  }
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = '/tmp';
  const gpu = mod.create(dawnFlags);
  heldNodeGpus.push(gpu);
  return gpu;
}

/**
 * Dawn's event poll without a busy loop, and without a global that user code could see change. While any
 * of its promises is pending, dawn.node polls for GPU events from a native callback it reschedules at every
 * turn of the event loop through the global setImmediate, which it looks up on each call: a main thread
 * spinning at full speed, which on a CPU adapter takes a core from the threads that do the GPU's work
 * (lavapipe, 2 cores, 20 matmuls 512³ awaited: 419 ms, 269 ms politely; bench/lab/gpu_wait.ts,
 * docs/performance.md). The engine starts Dawn's promises inside dawnCall(), and Dawn's poll runs inside
 * the same window: only there is the global setImmediate the polite one, which reschedules the poll through
 * the real setImmediate for the first gpuWaitTiming.fastMs of a wait (short waits keep their latency) and
 * through a timer (~1 ms) otherwise. The window is synchronous and holds no user code, so a program never
 * sees another setImmediate than its own.
 */
export function dawnCall<T>(start: () => T): T {
  if (!isNode || windowDepth > 0) return start();
  const own = globalThis.setImmediate;
  realSetImmediate = own;
  windowDepth++;
  globalThis.setImmediate = polite;
  try {
    return start();
  } finally {
    globalThis.setImmediate = own;
    windowDepth--;
  }
}

/** Awaits a GPU promise started with dawnCall: while it waits, Dawn's poll keeps the fast window's latency. */
export async function gpuWait<T>(p: Promise<T>): Promise<T> {
  if (!isNode) return p;
  if (waiting++ === 0) {
    waitStart = performance.now();
    // Dawn may settle a promise from its own threads, which hold no handle on Node's event loop: without one
    // of ours, a loop with nothing else to do ends the process (exit 0) in the middle of the wait
    keepAlive = setInterval(() => {}, 2 ** 30);
  }
  try {
    return await p;
  } finally {
    if (--waiting === 0) clearInterval(keepAlive);
  }
}

/** How long Dawn's poll keeps the real setImmediate after a wait starts (ms); tests set it to probe both sides. */
export const gpuWaitTiming = { fastMs: 0.5 };
/** How Dawn's poll was rescheduled (for tests and the lab): through the real setImmediate, or a timer. */
export const gpuPollCounts = { immediate: 0, timer: 0 };
let waiting = 0;
let waitStart = 0;
let keepAlive: ReturnType<typeof setInterval> | undefined;
let windowDepth = 0;
let realSetImmediate: typeof setImmediate = globalThis.setImmediate;
const isNative = (fn: unknown) => typeof fn === 'function' && Function.prototype.toString.call(fn).endsWith('{ [native code] }');

/** The setImmediate Dawn finds inside the window: its poll (a native callback) runs again inside the window. */
const polite = function setImmediate(fn: (...a: unknown[]) => void, ...args: unknown[]) {
  if (!isNative(fn)) return realSetImmediate(fn, ...args);
  const poll = () => dawnCall(() => fn(...args));
  if (waiting > 0 && performance.now() - waitStart <= gpuWaitTiming.fastMs) {
    gpuPollCounts.immediate++;
    return realSetImmediate(poll);
  }
  gpuPollCounts.timer++;
  return setTimeout(poll, 0);
} as typeof setImmediate;

/** A JSON file, written atomically (temp file + rename) so an interrupted run never leaves it torn. */
export function fileStore(path: string): TuneStore {
  // process.getBuiltinModule: no static 'node:' import for a bundler to trip on
  const getBuiltin = (process as unknown as { getBuiltinModule: (id: string) => unknown }).getBuiltinModule;
  const fs = getBuiltin('node:fs') as typeof import('node:fs');
  const nodePath = getBuiltin('node:path') as typeof import('node:path');
  return {
    load() {
      try {
        const v = JSON.parse(fs.readFileSync(path, 'utf8')) as unknown;
        return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {};
      } catch {
        return {}; // missing or unreadable: start untuned
      }
    },
    save(choices) {
      try {
        fs.mkdirSync(nodePath.dirname(path), { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(choices, null, 1));
        fs.renameSync(tmp, path);
      } catch (e) {
        console.warn(`autotune: could not write ${path}: ${(e as Error).message}`);
      }
    },
  };
}

/** $COMMIN_AUTOTUNE_CACHE, else $XDG_CACHE_HOME/commin-gpu/autotune.json (~/.cache by default). */
export function defaultCachePath(): string {
  const env = process.env;
  if (env.COMMIN_AUTOTUNE_CACHE) return env.COMMIN_AUTOTUNE_CACHE;
  const base = env.XDG_CACHE_HOME || `${env.HOME || env.USERPROFILE || '.'}/.cache`;
  return `${base}/commin-gpu/autotune.json`;
}

/** Whether kernel variants are tuned when the engine's options do not say: in Node with COMMIN_AUTOTUNE=1. */
export function autotuneEnvDefault(): boolean {
  return isNode && process.env.COMMIN_AUTOTUNE === '1';
}
