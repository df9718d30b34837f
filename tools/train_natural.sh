#!/usr/bin/env bash
# The natural family's trainings, as they made the bundled models/natural_*.safetensors: the face family's
# 148k-parameter DeepJSCC (the architecture chosen per CPU-hour, docs/natural.md) fine-tuned on random 128×128
# crops with flips of the BSDS500 photographs (../shared/data/natural/train, research use only: read at run
# time, never copied), SNR uniform in 0–20 dB, AWGN. Two lanes run side by side, one CPU thread each;
# every run resumes where it stopped (--resume), so the script can be run again after an interruption.
#   bash tools/train_natural.sh [RUNS_DIR] [MAX_MINUTES_PER_RUN]
# Then the inference weights: npx tsx tools/export_inference.ts RUNS/natural_bcr1-48.safetensors models/natural_bcr1-48.safetensors
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-../runs/natural}"
MAX="${2:-600}"
DATA="${NATURAL_DATA:-../shared/data/natural/train}"
mkdir -p "$RUNS"
export LP_NUM_THREADS=1 # lavapipe: one thread per lane
common=(--data "$DATA" --crops --size 128 --batch 8 --every 250 --val-count 16 --max-minutes "$MAX" --resume)
mse() { # BCR, init, steps
  local tag="${1/\//-}"
  node --import tsx src/cli/main.ts train jscc "${common[@]}" --bcr "$1" --init "$2" --lr 5e-4 --steps "$3" --out "$RUNS/natural_bcr$tag.safetensors" > "$RUNS/natural_bcr$tag.log" 2>&1
}
adv() { # BCR, steps
  local tag="${1/\//-}"
  node --import tsx src/cli/main.ts train jscc "${common[@]}" --loss mse+lpips+gan --init "$RUNS/natural_bcr$tag.safetensors" --steps "$2" --out "$RUNS/natural_adv_bcr$tag.safetensors" > "$RUNS/natural_adv_bcr$tag.log" 2>&1
}
# lane 1: the 1/48 model (the family's default), then its adversarial fine-tune
( mse 1/48 models/deepjscc_64_bcr1-48.safetensors 5000 && adv 1/48 1500 ) &
# lane 2: 1/384 (from the face 1/192 model: one latent channel, every fourth row sent instead of every other), 1/96, 1/192, then 1/384's adversarial fine-tune
( mse 1/384 models/deepjscc_64_bcr1-192.safetensors 3000 && mse 1/96 models/deepjscc_64_bcr1-96.safetensors 2500 \
  && mse 1/192 models/deepjscc_64_bcr1-192.safetensors 2500 && adv 1/384 1000 ) &
wait
