// Import cycles in src/ at run time (type-only imports are erased, so they do not count), and the layering
// rule that src/engine imports nothing from src/kernels (not even types). Exit code 1 on either.
//   npx tsx tools/check_import_cycles.ts
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'src', f));
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
    if (rel(file).startsWith('src/engine/') && rel(target).startsWith('src/kernels/')) problems.push(`${rel(file)} imports ${rel(target)}`);
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
console.log(problems.length ? problems.join('\n') : `no runtime import cycles in ${files.length} files; src/engine imports nothing from src/kernels`);
process.exitCode = problems.length ? 1 : 0;
