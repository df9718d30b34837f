// Reads a vitest JSON report and prints its counts; exits 1 when the report is missing (vitest ended before
// writing it, which it can do with exit status 0), names no test, or records a failure.
//   node tools/vitest_report.mjs REPORT.json LABEL
import { readFileSync } from 'node:fs';

const [file, label = 'tests'] = process.argv.slice(2);
let r;
try {
  r = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`${label}: no vitest report at ${file} (${e.message}): the run ended early`);
  process.exit(1);
}
console.log(`${label}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped of ${r.numTotalTests}`);
if (!r.success || r.numTotalTests === 0 || r.numFailedTests > 0) process.exit(1);
