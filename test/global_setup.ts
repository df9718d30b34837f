// One run's decoded-set caches live in a temporary folder removed afterwards: the tests' throwaway image
// folders would otherwise leave a cache file each in the repository's .cache/datasets. Set here, before
// the workers start, so they and the CLI processes they spawn inherit it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'commin-test-cache-'));
  process.env.COMMIN_DATASET_CACHE = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
