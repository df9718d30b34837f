// Output paths checked before the work starts, so a bad --out fails in a second rather than after a long run.
// Folders are made one level at a time under an existing folder (Node's recursive mkdir spins forever under
// /proc) and probed with a temporary file (as root, access(W_OK) says yes even where writes fail).
import { accessSync, constants, existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

// kernel file systems: not a place for results
const PSEUDO_FS = ['/proc', '/sys'];

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Makes `dir` (and missing parents) and checks that files can be written in it; returns it. */
export function prepareOutputDir(dir: string, what = 'output folder'): string {
  const abs = resolve(dir);
  const pseudo = PSEUDO_FS.find((p) => abs === p || abs.startsWith(p + sep));
  if (pseudo) throw new Error(`${what} '${dir}' is under ${pseudo}, which does not hold files`);
  const missing: string[] = [];
  let d = abs;
  while (!existsSync(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
    d = dirname(d);
  }
  if (existsSync(d) && !statSync(d).isDirectory()) throw new Error(`${what} '${dir}': '${d}' is a file, not a folder`);
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      throw new Error(`${what} '${dir}' cannot be created (${reason(e)} at '${m}')`);
    }
  }
  const probe = join(abs, `.commin-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw new Error(`${what} '${dir}' is not writable (${reason(e)})`);
  }
  return dir;
}

/** Checks that `file` can be written: its folder is prepared, and the file, if present, is a writable file. */
export function checkWritableFile(file: string, what = 'output file'): string {
  if (existsSync(file) && statSync(file).isDirectory()) throw new Error(`${what} '${file}' is a folder, not a file`);
  prepareOutputDir(dirname(file) || '.', `folder of ${what} '${file}'`);
  if (existsSync(file)) {
    try {
      accessSync(file, constants.W_OK);
    } catch (e) {
      throw new Error(`${what} '${file}' is not writable (${reason(e)})`);
    }
  }
  return file;
}

/** Distinct output stems for inputs: a name seen before gets -2, -3, … (kodim01, kodim01-2). */
export function uniqueStems(stems: string[]): string[] {
  const used = new Set<string>();
  return stems.map((s) => {
    let name = s;
    for (let k = 2; used.has(name); k++) name = `${s}-${k}`;
    used.add(name);
    return name;
  });
}

/** Refuses an output path that is one of the command's inputs (a model, an image): results never replace them. */
export function checkNotInput(output: string, inputs: string[], what = 'output'): void {
  const hit = inputs.find((i) => resolve(i) === resolve(output));
  if (hit) throw new Error(`${what} '${output}' is also an input of this command ('${hit}'); choose another path`);
}
