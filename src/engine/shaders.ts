// WGSL sources: shaders/**/*.wgsl, bundled into src/engine/shader_sources.generated.ts by
// tools/bundle_shaders.ts (npm run shaders; the build, vitest and the web page's Vite config regenerate it),
// so Node, browsers and a user's bundler load them the same way, with no file system and no plugin. A line
// `#include "lib/name"` pastes shaders/lib/name.wgsl in its place (shared functions of a kernel family).
import { SHADER_SOURCES } from './shader_sources.generated.js';

const cache = new Map<string, string>();
const extra = new Map<string, string>();

/** Registers a shader source under a name (user kernels, tests of error reporting). */
export function registerShader(name: string, source: string): void {
  extra.set(name, source);
  cache.delete(name);
}

export function shaderSource(name: string): string {
  const own = extra.get(name);
  if (own !== undefined) return expandIncludes(own, [name]);
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const src = expandIncludes(rawSource(name), [name]);
  cache.set(name, src);
  return src;
}

function rawSource(name: string): string {
  const src = Object.hasOwn(SHADER_SOURCES, name) ? SHADER_SOURCES[name] : undefined;
  if (src === undefined) throw new Error(`unknown kernel '${name}': no shaders/${name}.wgsl`);
  return src;
}

function expandIncludes(src: string, chain: string[]): string {
  return src.replace(/^#include "([\w/]+)"\s*$/gm, (_m, inc: string) => {
    if (chain.includes(inc)) throw new Error(`shader '${chain[0]}': #include cycle ${[...chain, inc].join(' → ')}`);
    return expandIncludes(rawSource(inc), [...chain, inc]);
  });
}
