// One run's decoded-set caches live in a temporary folder removed afterwards: the tests' throwaway image
// folders would otherwise leave a cache file each in the repository's .cache/datasets. Set here, before
// the workers start, so they and the CLI processes they spawn inherit it.
//
// This runs in vitest's main process. With COMMIN_TEST_TRACE=FILE it writes to FILE when it is about to end
// with its event loop empty (`beforeExit`) and when it ends, with the code, beside the start and end of each
// test the workers write (test/trace_setup.ts). When the pool gives up on a worker that is slow to exit
// (vitest.config.ts, teardownTimeout) it starts no next one: tinypool unrefs its workers, so the main process
// then holds nothing and Node ends it with exit 0 and no report, which CI fails for the missing report. A timer
// held here would turn that into a hang instead, so none is held.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'commin-test-cache-'));
  process.env.COMMIN_DATASET_CACHE = dir;
  const trace = process.env.COMMIN_TEST_TRACE;
  const note = (what: string) => trace && appendFileSync(trace, `${new Date().toISOString()} main ${process.pid} ${what}\n`);
  const onBeforeExit = (code: number) => note(`beforeExit ${code} (the event loop ran empty)`);
  const onExit = (code: number) => note(`exit ${code}`);
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  note('start');
  return () => {
    note('teardown');
    process.off('beforeExit', onBeforeExit);
    rmSync(dir, { recursive: true, force: true });
  };
}
