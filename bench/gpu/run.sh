#!/usr/bin/env bash
# The bench on an NVIDIA GPU through Dawn's Vulkan backend, with PyTorch CUDA on the same machine as the
# limit. Runs on a bare machine with no network from the repository root, with .gpubench/ from
# bench/gpu/pack.sh beside it; results go to $OUT (the device tool's folder), else bench/results/gpu/.
#   bash bench/gpu/run.sh
# BENCH_ARGS: flags for bench/run.ts (default: every section but compile, which needs tsx; 500 ms a shape).
# BENCH_PYTHON: the Python with torch (default: python3 on PATH).
# REQUIRE_ADAPTER: a word the adapter's description must contain (default nvidia; empty accepts any).
set -uo pipefail
cd "$(dirname "$0")/../.."
pack=.gpubench
[ -f "$pack/node.xz" ] && [ -f "$pack/bench/run.mjs.xz" ] || { echo "run.sh: $pack/ is missing or incomplete: run bench/gpu/pack.sh first (and carry $pack)" >&2; exit 2; }
out=${OUT:-bench/results/gpu}
mkdir -p "$out" /tmp/gpubench
node=/tmp/gpubench/node
xz -dc "$pack/node.xz" > "$node" && chmod +x "$node"
xz -dc "$pack/bench/run.mjs.xz" > "$pack/bench/run.mjs"
rm -rf "$pack/node_modules" && mkdir -p "$pack/node_modules" && tar -C "$pack/node_modules" -xJf "$pack/webgpu.tar.xz"
# Vulkan: Debian's loader where the machine has none, and NVIDIA's driver manifest where it lives there
if ! ldconfig -p | grep -q 'libvulkan.so.1 '; then
  for f in "$pack"/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done
  ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES=$icd
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
# the adapter Dawn offers, checked before any minutes go into the bench
desc=$(cd "$pack" && "$node" --input-type=module -e "import { create } from 'webgpu'; const a = await create([]).requestAdapter({ powerPreference: 'high-performance' }); console.log(a ? [a.info.vendor, a.info.architecture, a.info.device, a.info.description].join(' ') : 'none'); process.exit(0);" 2>/dev/null | tail -1)
echo "adapter: ${desc:-none}"
want=${REQUIRE_ADAPTER-nvidia}
if [ -n "$want" ] && ! grep -qi "$want" <<<"$desc"; then echo "run.sh: Dawn offers '${desc:-no adapter}', not an adapter matching '$want'" >&2; exit 1; fi
python=${BENCH_PYTHON:-$(command -v python3 || true)}  # the one with (CUDA) torch
start=$(date +%s)
# the engine's rows, tfjs-webgpu and jax-js on the same adapter, PyTorch's training rows on CUDA
BENCH_PYTHON=${python:-/nonexistent} BENCH_TORCH_VARIANTS=${BENCH_TORCH_VARIANTS:-fp32-cuda,tf32-cuda,bf16-autocast-cuda} \
  "$node" "$pack/bench/run.mjs" ${BENCH_ARGS:---skip compile --time 500} 2>&1 | tee "$out/engine.txt"
rc=${PIPESTATUS[0]}
latest=$(ls -t bench/results/20*.json 2>/dev/null | head -1)
[ $rc -eq 0 ] && [ -n "$latest" ] || { echo "run.sh: the bench failed (exit $rc)" >&2; exit 1; }
cp "$latest" "$out/engine.json"
echo "bench: $(( $(date +%s) - start )) s"
# PyTorch's time for the same kernel shapes (CUDA when visible)
if [ -z "$python" ] || ! "$python" bench/gpu/torch_kernels.py > "$out/torch_kernels.json"; then
  rm -f "$out/torch_kernels.json"
  echo "run.sh: no PyTorch kernel rows" >&2
fi
ls -la "$out"
