#!/usr/bin/env bash
# `npm test` on a busy machine: one spinning process per core runs beside the suite for its whole length (a
# timing assumption in a test shows up here as a failure). Runs the suite RUNS times (default 1) and prints
# each run's counts and time.
#   bash tools/loaded_test.sh [RUNS] [extra vitest arguments…]
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-1}"
shift || true
cores="$(nproc)"
spinners=()
cleanup() { for p in "${spinners[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
for _ in $(seq "$cores"); do node -e 'for (;;) {}' & spinners+=("$!"); done
echo "load: $cores spinning processes (pids ${spinners[*]})"
mkdir -p .cache
status=0
for i in $(seq "$runs"); do
  t0=$(date +%s)
  rm -f ".cache/loaded-$i.json" ".cache/loaded-$i.trace"
  # each test's start and end, and the main process's end (test/global_setup.ts), for a run that ends early
  COMMIN_TEST_TRACE="$PWD/.cache/loaded-$i.trace" npx vitest run --reporter=dot --reporter=json --outputFile=".cache/loaded-$i.json" "$@" > ".cache/loaded-$i.log" 2>&1
  rc=$?
  echo "run $i ($(( $(date +%s) - t0 )) s, exit $rc):"
  # no report: vitest itself ended early (it can, with exit 0)
  node tools/vitest_report.mjs ".cache/loaded-$i.json" "run $i" || { rc=1; grep -v 'artificially reduced' ".cache/loaded-$i.log" | tail -5; tail -4 ".cache/loaded-$i.trace"; }
  [ "$rc" -eq 0 ] || { status=1; grep -E "FAIL|×" ".cache/loaded-$i.log" | head -20; }
done
exit "$status"
