// One training per checkpoint: a run holds `OUT.lock` (created exclusively, holding its process id, host,
// start time and command line) from its start to its end. A second run on the same --out stops at once,
// naming the holder; a lock whose process is gone (a crash, a kill -9) is taken over with a note.
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

interface Holder { pid: number; host: string; started: string; command: string }

/** Locks held by this process, by absolute checkpoint path. */
const held = new Set<string>();
let exitHook = false;

const lockFile = (out: string) => `${resolve(out)}.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, another user's
  }
}

function readHolder(path: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null; // torn or foreign: not a live holder
  }
}

/** Takes the lock of checkpoint `out`; returns its release. Throws, naming the holder, when another run holds it. */
export function lockCheckpoint(out: string, command = process.argv.slice(1).join(' ')): () => void {
  const abs = resolve(out);
  const path = lockFile(out);
  const me: Holder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw new Error(`cannot lock checkpoint '${out}' (${path}): ${(e as Error).message}`);
      const h = readHolder(path);
      const live = h && (h.pid === process.pid ? held.has(abs) : h.host === me.host && alive(h.pid));
      if (live) throw new Error(`checkpoint '${out}' is being trained by process ${h!.pid} on ${h!.host} since ${h!.started} (${h!.command}); wait for that run to end or stop it — two runs on one --out would overwrite each other's checkpoints`);
      console.warn(`note: taking over the lock of '${out}' from ${h ? `process ${h.pid}, which is gone` : 'an unreadable lock file'}`);
      unlinkSync(path);
    }
  }
  held.add(abs);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => { for (const p of [...held]) release(p); });
  }
  return () => release(abs);
}

function release(abs: string): void {
  if (!held.delete(abs)) return;
  const path = `${abs}.lock`;
  try {
    if (existsSync(path) && readHolder(path)?.pid === process.pid) unlinkSync(path);
  } catch {
    /* gone already */
  }
}
