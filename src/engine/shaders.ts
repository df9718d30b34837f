// WGSL sources come from the repo's shaders/**/*.wgsl in every environment: bundled by Vite (browser,
// vitest) through import.meta.glob, read from disk in plain Node. A line `#include "lib/name"` pastes
// shaders/lib/name.wgsl in its place (shared functions of a kernel family).

let bundled: Record<string, string> | null = null;
try {
  bundled = import.meta.glob('../../shaders/**/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<
    string,
    string
  >;
} catch {
  bundled = null; // not under Vite: fall back to the file system below
}

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
  let src: string | undefined = bundled?.[`../../shaders/${name}.wgsl`];
  if (src === undefined && typeof process !== 'undefined' && process.versions?.node) src = readFromDisk(name);
  if (src === undefined) throw new Error(`unknown kernel '${name}': no shaders/${name}.wgsl`);
  return src;
}

function expandIncludes(src: string, chain: string[]): string {
  return src.replace(/^#include "([\w/]+)"\s*$/gm, (_m, inc: string) => {
    if (chain.includes(inc)) throw new Error(`shader '${chain[0]}': #include cycle ${[...chain, inc].join(' → ')}`);
    return expandIncludes(rawSource(inc), [...chain, inc]);
  });
}
function readFromDisk(name: string): string | undefined {
  // process.getBuiltinModule keeps 'node:fs' out of browser bundles.
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (!getBuiltin) throw new Error('reading shaders from disk needs Node >= 20.16 (process.getBuiltinModule)');
  const fs = getBuiltin('node:fs') as typeof import('node:fs');
  const url = new URL(`../../shaders/${name}.wgsl`, import.meta.url);
  try {
    return fs.readFileSync(url, 'utf8');
  } catch {
    return undefined;
  }
}
