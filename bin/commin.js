#!/usr/bin/env node
// The `commin` command: the compiled CLI in dist/ (made by `npm run build`, shipped in the package), run by
// plain Node. In a source checkout, `npm run commin -- <args>` runs the TypeScript sources instead.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('commin: dist/ is missing: run `npm run build` first (or `npm run commin -- <args>` in a source checkout)');
  process.exit(1);
}
await import(main.href);
