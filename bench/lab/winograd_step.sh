#!/usr/bin/env bash
# Interleaved A/B of bench/lab/winograd_step.ts: ROUNDS rounds, each running every configuration once
# (one process each), so load changes on the shared machine spread over all of them. A configuration is
# "name|tree|args": tree is a checkout (e.g. an export of the commit to compare against).
#   bench/lab/winograd_step.sh <rounds> <batch> "base|/tmp/base|" "now|.|" "tuned|.|--tune /tmp/t.json" > out.jsonl
set -u
ROUNDS=$1 BATCH=$2
shift 2
for ((r = 0; r < ROUNDS; r++)); do
  for cfg in "$@"; do
    IFS='|' read -r name tree args <<<"$cfg"
    line=$(cd "$tree" && nice -n 5 npx tsx bench/lab/winograd_step.ts --batch "$BATCH" --reps 3 $args 2>/dev/null | tail -1)
    echo "{\"config\":\"$name\",\"round\":$r,\"result\":$line}"
  done
done
