// Import cycles in src/ at run time (type-only imports are erased, so they do not count), and the floors:
// each folder of src/ imports (types included) only from the folders FLOORS allows it, so the engine knows
// no kernel, a network no algorithm, and the library no command line (docs/architecture.md). Exit code 1 on
// either.
//   npx tsx tools/check_import_cycles.ts
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'src', f));
/** What each folder of src/ may import from, besides itself (index.ts is the package's entry). */
export const FLOORS: Record<string, string[]> = {
  util: [],
  data: ['util'],
  engine: [],
  kernels: ['engine'],
  channel: ['engine', 'kernels'],
  metrics: ['engine', 'kernels'],
  networks: ['engine', 'kernels', 'channel', 'util'],
  algorithms: ['engine', 'kernels', 'metrics', 'networks', 'util'],
  train: ['engine', 'kernels', 'channel', 'metrics', 'networks', 'algorithms', 'data', 'util'],
  pipeline: ['engine', 'kernels', 'channel', 'metrics', 'networks', 'algorithms', 'data', 'util'],
  codecs: ['data', 'pipeline'],
  eval: ['engine', 'kernels', 'metrics', 'networks', 'algorithms', 'pipeline', 'data', 'util'],
  cli: ['engine', 'kernels', 'channel', 'metrics', 'networks', 'algorithms', 'train', 'pipeline', 'codecs', 'eval', 'data', 'util', 'index.ts'],
  'index.ts': ['engine', 'kernels', 'channel', 'pipeline', 'data'],
};
const floorOf = (rel: string) => rel.split('/')[1]; // src/FOLDER/… or src/index.ts
const runtime = new Map<string, string[]>(); // file → files it imports at run time
const problems: string[] = [];
for (const file of files) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const deps: string[] = [];
  for (const st of sf.statements) {
    if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = st.moduleSpecifier.text;
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    const rel = (f: string) => relative(root, f);
    const [from, to] = [floorOf(rel(file)), floorOf(rel(target))];
    if (from !== to && !(FLOORS[from] ?? []).includes(to)) problems.push(`${rel(file)} imports ${rel(target)}: src/${from} may import only from ${FLOORS[from]?.join(', ') || 'itself'}`);
    const clause = ts.isImportDeclaration(st) ? st.importClause : undefined;
    const named = ts.isImportDeclaration(st) ? clause?.namedBindings : st.exportClause;
    const allTypes = named && ts.isNamedImports(named) ? named.elements.every((e) => e.isTypeOnly) && !clause?.name
      : named && ts.isNamedExports(named) ? named.elements.every((e) => e.isTypeOnly) : false;
    const typeOnly = (ts.isImportDeclaration(st) ? !!clause?.isTypeOnly : st.isTypeOnly) || (allTypes && (named as ts.NamedImports | ts.NamedExports).elements.length > 0);
    if (!typeOnly) deps.push(target);
  }
  runtime.set(file, deps);
}
// depth-first search for back edges; each cycle is reported once per entry point
const state = new Map<string, 'open' | 'done'>();
const stack: string[] = [];
const visit = (f: string): void => {
  state.set(f, 'open');
  stack.push(f);
  for (const d of runtime.get(f) ?? []) {
    if (state.get(d) === 'open') problems.push(`cycle: ${[...stack.slice(stack.indexOf(d)), d].map((x) => relative(root, x)).join(' → ')}`);
    else if (!state.has(d)) visit(d);
  }
  stack.pop();
  state.set(f, 'done');
};
files.forEach((f) => state.has(f) || visit(f));
console.log(problems.length ? problems.join('\n') : `no runtime import cycles in ${files.length} files; every folder imports only from the floors below it`);
process.exitCode = problems.length ? 1 : 0;
