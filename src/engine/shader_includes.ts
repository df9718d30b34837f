// `#include "lib/name"` expansion, apart from where sources come from: the engine expands the bundled
// sources (shaders.ts), tools/bundle_shaders.ts the .wgsl on disk when it reflects the kernels' types.

/** `src` (the shader `name`) with every `#include "x"` line replaced by the expanded source raw("x"). */
export function expandIncludes(name: string, src: string, raw: (name: string) => string): string {
  return expand(src, [name], raw);
}

function expand(src: string, chain: string[], raw: (name: string) => string): string {
  return src.replace(/^#include "([\w/]+)"\s*$/gm, (_m, inc: string) => {
    if (chain.includes(inc)) throw new Error(`shader '${chain[0]}': #include cycle ${[...chain, inc].join(' → ')}`);
    return expand(raw(inc), [...chain, inc], raw);
  });
}
