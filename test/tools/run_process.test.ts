// The tests' child-process helper (test/run_process.ts): streams, exit status, and the time limit.
import { describe, expect, it } from 'vitest';
import { runProcess } from '../run_process.js';

describe('runProcess', () => {
  it('returns stdout, stderr and a non-zero status', async () => {
    const r = await runProcess(process.execPath, ['-e', 'process.stdout.write("out ü"); process.stderr.write("err"); process.exit(3)']);
    expect(r).toEqual({ status: 3, signal: null, stdout: 'out ü', stderr: 'err' });
  });
  it('kills a child past its timeout: no status, the signal named', async () => {
    const r = await runProcess(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { timeout: 300 });
    expect(r.status).toBeNull();
    expect(r.signal).toBe('SIGTERM');
  });
  it('a command that cannot start rejects', async () => {
    await expect(runProcess('/no/such/command', [])).rejects.toThrow(/ENOENT/);
  });
});
