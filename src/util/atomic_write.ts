// Every result file (images, tables, plots, checkpoints) is written to a unique temporary name beside it and
// renamed into place: a failure (a full disk, a signal) never leaves a truncated file where a good one was,
// nor a stray temporary file, and its error names the file. Node only.
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';

/** The file operations, replaceable in tests (a disk that fills up halfway). */
export const fileOps = { writeFileSync, renameSync, unlinkSync };

let counter = 0;

/** Writes `data` to `path` atomically; `what` names the file in errors (e.g. 'checkpoint'). */
export function writeFileAtomic(path: string, data: string | Uint8Array, what = 'file'): void {
  const tmp = `${path}.${process.pid}-${++counter}.tmp`;
  try {
    fileOps.writeFileSync(tmp, data);
    fileOps.renameSync(tmp, path);
  } catch (e) {
    try {
      fileOps.unlinkSync(tmp);
    } catch {
      /* never written */
    }
    const err = e as NodeJS.ErrnoException;
    throw new Error(`could not write ${what} '${path}': ${err.code ? `${err.code} ` : ''}${err.message.replace(/^\w+: /, '')}${what === 'checkpoint' ? ' (the previous checkpoint, if any, is unchanged)' : ''}`);
  }
}
