// WGSL sources come from the repo's shaders/*.wgsl in every environment: bundled by Vite (browser, vitest)
// through import.meta.glob, read from disk in plain Node.

let bundled: Record<string, string> | null = null;
try {
  bundled = import.meta.glob('../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<
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
  if (own !== undefined) return own;
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  let src: string | undefined;
  if (bundled) src = bundled[`../../shaders/${name}.wgsl`];
  if (src === undefined && typeof process !== 'undefined' && process.versions?.node) src = readFromDisk(name);
  if (src === undefined) throw new Error(`unknown kernel '${name}': no shaders/${name}.wgsl`);
  cache.set(name, src);
  return src;
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
