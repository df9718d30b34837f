// The kernel tests on a bare machine (no node_modules, no Vitest): bench/gpu/pack.sh bundles this file with
// every test/kernels/*.test.ts through bench/gpu/vitest_shim.ts; run.sh runs it on the GPU before the bench.
// Prints a line per test and writes the results as JSON (argv[2], default kernel_tests.json).
import { writeFileSync } from 'node:fs';
import { beginFile, runAll } from './vitest_shim.js';
import { KERNEL_TEST_FILES } from './kernel_test_files.js';

const out = process.argv[2] ?? 'kernel_tests.json';
process.env.COMMIN_AUTOTUNE = '0'; // the deterministic default variants, as under Vitest
const t0 = performance.now();
for (const [name, load] of KERNEL_TEST_FILES) {
  beginFile(name);
  await load();
}
const results = await runAll((s) => console.log(s));
const failed = results.filter((r) => !r.ok);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), seconds: (performance.now() - t0) / 1000, passed: results.length - failed.length, failed: failed.length, results }, null, 1));
console.log(`kernel tests: ${results.length - failed.length} passed, ${failed.length} failed (${out})`);
process.exit(failed.length ? 1 : 0);
