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
 * Awaits a GPU promise without Dawn's busy poll. While any of its promises is pending, dawn.node polls for
 * GPU events from a native callback it reschedules through the global setImmediate at every turn of the
 * event loop: a main thread spinning at full speed, which on a CPU adapter takes a core from the threads
 * that do the GPU's work (lavapipe, 2 cores, 20 matmuls 512³ awaited: 419 ms, 269 ms through this wait;
 * bench/lab/gpu_wait.ts, docs/performance.md). While the engine waits, native callbacks scheduled through setImmediate
 * wait for the next timer tick (~1 ms) instead, after the first gpuWaitTiming.fastMs, so short waits keep their
 * latency; JavaScript callbacks go to the real setImmediate untouched.
 */
export async function gpuWait<T>(p: Promise<T>): Promise<T> {
  if (!isNode) return p;
  if (waiting++ === 0) {
    realSetImmediate = globalThis.setImmediate;
    waitStart = performance.now();
    politeSetImmediate = politeProxy(realSetImmediate);
    globalThis.setImmediate = politeSetImmediate;
  }
  try {
    return await p;
  } finally {
    if (--waiting === 0 && globalThis.setImmediate === politeSetImmediate) globalThis.setImmediate = realSetImmediate!;
  }
}

/** How long native callbacks keep the real setImmediate after a wait starts (ms); tests set it to probe both sides. */
export const gpuWaitTiming = { fastMs: 0.5 };
let waiting = 0;
let waitStart = 0;
let realSetImmediate: typeof setImmediate | null = null;
const isNative = (fn: unknown) => typeof fn === 'function' && Function.prototype.toString.call(fn).endsWith('{ [native code] }');
let politeSetImmediate: typeof setImmediate | null = null;
/**
 * The real setImmediate behind a Proxy: its name, length, properties (util.promisify's custom symbol
 * included) and every JavaScript callback's scheduling are the real one's; only a native callback after the
 * fast window goes to a timer. What a program can still tell apart while the engine waits is the identity
 * (globalThis.setImmediate !== the function it saved before).
 */
function politeProxy(real: typeof setImmediate): typeof setImmediate {
  return new Proxy(real, {
    apply(target, self, args: [(...a: unknown[]) => void, ...unknown[]]) {
      const [fn, ...rest] = args;
      if (isNative(fn) && performance.now() - waitStart > gpuWaitTiming.fastMs) return setTimeout(fn, 0, ...rest);
      return Reflect.apply(target, self, args);
    },
  });
}

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
