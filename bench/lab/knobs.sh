#!/usr/bin/env bash
# The platform knobs on the conv2d lab: llvmpipe's thread count and vector width, Dawn's robustness.
# `bash bench/lab/knobs.sh` (each line: the setting, then the lab's GFLOP/s per variant and shape).
set -u
cd "$(dirname "$0")/../.."
run() {
  echo "== $*"
  env "$@" npx tsx bench/lab/conv2d.ts 2>/dev/null | grep GFLOP | head -2
}
run LAB_DEFAULT=1
run LP_NUM_THREADS=1
run LP_NATIVE_VECTOR_WIDTH=128
run LP_NATIVE_VECTOR_WIDTH=512
run LAB_NO_ROBUSTNESS=1
