// Child processes for tests, run without blocking the test worker. A spawnSync that held the worker's event
// loop for two minutes (the DDP trainer on a slow machine) fired vitest's 60 s worker RPC timeout ("Timeout
// calling onTaskUpdate"), which fails the whole run although every test passed.
import { spawn, type SpawnOptions } from 'node:child_process';

export interface ProcessResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions extends Pick<SpawnOptions, 'cwd' | 'env'> {
  /** ms before the child is killed (SIGTERM); its status is then null and its signal set */
  timeout?: number;
}

const ROOT = new URL('..', import.meta.url).pathname;

/** Runs `command args` to its end; stdout and stderr as UTF-8 text. Rejects only when it cannot start. */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** The `commin` CLI from the TypeScript sources (through tsx), in the repository root. bin/commin.js runs the
 *  build in dist/, which .ci/run's package block checks. */
export function runCli(args: string[], options: RunOptions = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, ...options });
}
