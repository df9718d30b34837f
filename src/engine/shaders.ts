// WGSL sources: shaders/**/*.wgsl, bundled into src/engine/shader_sources.generated.ts by
// tools/bundle_shaders.ts (npm run shaders; the build, vitest and the web page's Vite config regenerate it),
// so Node, browsers and a user's bundler load them the same way, with no file system and no plugin. A line
// `#include "lib/name"` pastes shaders/lib/name.wgsl in its place (shared functions of a kernel family).
// kernelInfo() reflects a kernel's expanded source for the engine.
import { KernelInfo } from './kernel.js';
import type { UserKernel } from './kernel_types.js';
import { expandIncludes } from './shader_includes.js';
import { SHADER_SOURCES } from './shader_sources.generated.js';

const cache = new Map<string, string>();
const extra = new Map<string, string>();

/**
 * Registers a shader source under a name (user kernels, tests of error reporting). Launch it by the name
 * returned: its buffers and uniforms are checked when launched, not when compiled.
 */
export function registerShader(name: string, source: string): UserKernel {
  extra.set(name, source);
  cache.delete(name);
  return name as UserKernel;
}

export function shaderSource(name: string): string {
  const own = extra.get(name);
  if (own !== undefined) return expandIncludes(name, own, rawSource);
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const src = expandIncludes(name, rawSource(name), rawSource);
  cache.set(name, src);
  return src;
}

function rawSource(name: string): string {
  const src = Object.hasOwn(SHADER_SOURCES, name) ? SHADER_SOURCES[name] : undefined;
  if (src === undefined) throw new Error(`unknown kernel '${name}': no shaders/${name}.wgsl`);
  return src;
}

const infos = new Map<string, KernelInfo>();

/** The reflected bindings and uniform layout of the named kernel's current source. */
export function kernelInfo(name: string): KernelInfo {
  let k = infos.get(name);
  const src = shaderSource(name);
  if (!k || k.source !== src) {
    k = new KernelInfo(name, src);
    infos.set(name, k);
  }
  return k;
}
