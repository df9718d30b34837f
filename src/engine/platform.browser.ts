// platform.ts for browser bundles (package.json "browser" field): the same exports without Node code.
// WebGPU comes from navigator.gpu (device.ts), autotune choices from localStorage (autotune.ts).
import type { TuneStore } from './autotune.js';

export const isNode = false;

/** Node's fast window of the GPU wait (no effect in a browser). */
export const gpuWaitTiming = { fastMs: 0.5 };

/** Browsers poll for GPU events themselves. */
export function gpuWait<T>(p: Promise<T>): Promise<T> {
  return p;
}

/** Browsers poll for GPU events themselves: the call as it is. */
export function dawnCall<T>(start: () => T): T {
  return start();
}

export const gpuPollCounts = { immediate: 0, timer: 0 };

export async function nodeGpu(_dawnFlags: string[]): Promise<GPU> {
  throw new Error('commin-gpu: Node WebGPU requested in a browser build');
}

export function fileStore(path: string): TuneStore {
  throw new Error(`commin-gpu: no autotune cache file (${path}) in a browser build; choices are kept in localStorage`);
}

export function defaultCachePath(): string {
  throw new Error('commin-gpu: no autotune cache file in a browser build');
}

export function autotuneEnvDefault(): boolean {
  return false;
}
