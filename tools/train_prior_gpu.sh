#!/usr/bin/env bash
# Trains the 64×64 prior with PyTorch on an NVIDIA GPU for a number of minutes, from (and into) a resumable
# checkpoint, then writes its EMA weights as the engine's safetensors. Needs a CUDA build of torch and numpy
# on the machine's python3; no network. The dataset cache comes from `npx tsx tools/dataset_cache.ts --size 64`
# (copy the .bin to the GPU machine: the faces themselves need not travel).
#
#   tools/train_prior_gpu.sh CACHE.bin CHECKPOINT.pt MINUTES [more train_ddpm.py flags, e.g. --batch 64]
#
# The checkpoint holds CPU tensors, so it resumes on a CPU (train_ddpm.py --resume) and back.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 CACHE.bin CHECKPOINT.pt MINUTES [train_ddpm.py flags]" >&2; exit 2; }
cache=$1 ckpt=$2 minutes=$3
shift 3
here="$(cd "$(dirname "$0")" && pwd)"
[ -f "$cache" ] || { echo "$0: dataset cache '$cache' does not exist" >&2; exit 1; }
python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else "no CUDA device visible to torch")'
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 "$here/torch_ref/train_ddpm.py" --cache "$cache" --out "$ckpt" --device cuda --threads 4 \
  --every 500 --max-minutes "$minutes" --resume "$@"
