// Dawn (the `webgpu` package) prints two notices on stderr when it opens an adapter whose Vulkan driver
// reports huge dynamic-buffer limits (lavapipe, RADV, NVIDIA all do):
//   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.
//   Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.
// Nothing a user can act on. Dawn writes them from native code during requestAdapter() (dawn::WarningLog,
// an fprintf to file descriptor 2), with no toggle, instance option or logging callback that reaches them,
// and Node has no dup2 to point its descriptor 2 elsewhere for that moment. So the CLI runs itself once
// more as a child process whose stderr it passes on without exactly these two lines; everything else goes
// through as it comes (partial lines too: progress bars). Exit codes and signals go through unchanged.
// COMMIN_DAWN_NOTICES=1 runs in one process and shows them.
import { spawn } from 'node:child_process';
import { Transform, type TransformCallback } from 'node:stream';

export const DAWN_NOTICE = /^Warning: maxDynamic(?:Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\r?\n?$/;
const START = 'Warning: maxDynamic';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Set in the child: its stderr is the parent's filter. */
const CHILD_ENV = 'COMMIN_STDERR_FILTERED';
/** Set in the child when the parent's stderr is a terminal: its width. */
const COLUMNS_ENV = 'COMMIN_STDERR_COLUMNS';

/** A byte stream without DAWN_NOTICE lines. Holds back only a line start that may still become one. */
export class DawnNoticeFilter extends Transform {
  private held = Buffer.alloc(0);
  /** Inside a line already passed on (so not at a line start). */
  private passing = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      const nl = chunk.indexOf(10, i);
      const end = nl === -1 ? chunk.length : nl + 1;
      const piece = chunk.subarray(i, end);
      if (this.passing) {
        this.push(piece);
        if (nl !== -1) this.passing = false;
      } else {
        this.held = Buffer.concat([this.held, piece]);
        const text = this.held.toString('latin1');
        if (nl !== -1) {
          if (!DAWN_NOTICE.test(text)) this.push(this.held);
          this.held = Buffer.alloc(0);
        } else if (!(START.startsWith(text) || text.startsWith(START))) {
          this.push(this.held);
          this.held = Buffer.alloc(0);
          this.passing = true;
        }
      }
      i = end;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.held.length > 0 && !DAWN_NOTICE.test(this.held.toString('latin1'))) this.push(this.held);
    done();
  }
}

/**
 * In the parent: runs this same command line as a child with its stderr filtered, waits for it, takes
 * over its exit code (or signal), and returns true: the caller has nothing left to do. In the child, or
 * where the filter is off, returns false: the caller runs the command itself.
 */
export async function runWithoutDawnNotices(): Promise<boolean> {
  if (process.env[CHILD_ENV] === '1') {
    delete process.env[CHILD_ENV];
    const columns = Number(process.env[COLUMNS_ENV]);
    delete process.env[COLUMNS_ENV];
    // the parent's stderr is a terminal: progress bars draw in place as they would there
    if (columns > 0) Object.assign(process.stderr, { isTTY: true, columns });
    return false;
  }
  if (process.env.COMMIN_DAWN_NOTICES === '1' || process.execArgv.some((a) => a.startsWith('--inspect'))) return false;
  const env: NodeJS.ProcessEnv = { ...process.env, [CHILD_ENV]: '1' };
  if (process.stderr.isTTY) env[COLUMNS_ENV] = String(process.stderr.columns || 80);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: ['inherit', 'inherit', 'pipe'], env });
  // a terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  for (const s of SIGNALS) process.on(s, forward);
  const filter = new DawnNoticeFilter();
  const drained = new Promise<void>((resolve) => filter.on('end', resolve));
  child.stderr!.pipe(filter).pipe(process.stderr);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  });
  await drained;
  for (const s of SIGNALS) process.off(s, forward);
  if (signal) process.kill(process.pid, signal);
  else process.exitCode = code ?? 1;
  return true;
}
