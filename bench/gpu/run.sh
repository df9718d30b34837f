#!/usr/bin/env bash
# The bench on an NVIDIA GPU through Dawn's Vulkan backend, with PyTorch CUDA on the same machine as the
# limit. Runs on a bare machine with no network from the repository root, with .gpubench/ from
# bench/gpu/pack.sh beside it; results go to $OUT (the device tool's folder), else bench/results/gpu/.
#   bash bench/gpu/run.sh
# KERNEL_TEST_SECONDS: the kernel tests' time limit (default 240; a failure is reported, the bench still runs).
# BENCH_ARGS: flags for bench/run.ts (default: 500 ms a shape; the compile section, which needs tsx, is
# always skipped). BENCH_SECONDS: the bench's time limit (default 420). BENCH_PYTHON: the Python with torch
# (default: python3 on PATH). REQUIRE_ADAPTER: a word the adapter's description must contain (default
# nvidia; empty accepts any).
set -uo pipefail
cd "$(dirname "$0")/../.."
pack=.gpubench
fail() { echo "run.sh: $*" >&2; exit 2; }
for f in node.xz bench/run.mjs.xz bench/kernel_tests.mjs.xz webgpu.tar.xz; do [ -f "$pack/$f" ] || fail "$pack/$f is missing: run bench/gpu/pack.sh first (and carry $pack)"; done
out=${OUT:-bench/results/gpu}
tmp=/tmp/gpubench
mkdir -p "$out" "$tmp" || fail "cannot create $out"
[ -f "$pack/REV" ] && { echo "pack: $(cat "$pack/REV")"; cp "$pack/REV" "$out/pack_rev.txt"; }
node=$tmp/node
xz -dc "$pack/node.xz" > "$node" && chmod +x "$node" || fail "could not unpack Node"
"$node" --version || fail "the packed Node does not run here"
xz -dc "$pack/bench/run.mjs.xz" > "$pack/bench/run.mjs" || fail "could not unpack the bench"
xz -dc "$pack/bench/kernel_tests.mjs.xz" > "$pack/bench/kernel_tests.mjs" || fail "could not unpack the kernel tests"
rm -rf "$pack/node_modules" && mkdir -p "$pack/node_modules" && tar -C "$pack/node_modules" -xJf "$pack/webgpu.tar.xz" || fail "could not unpack webgpu"
# Vulkan: Debian's loader beside the run where the machine has none, and NVIDIA's driver manifest
if ! grep -q 'libvulkan.so.1 ' < <(ldconfig -p); then
  for f in "$pack"/*.deb; do [ -f "$f" ] && dpkg -x "$f" "$tmp/root"; done
  export LD_LIBRARY_PATH="$tmp/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd  # the second for loaders before 1.3.207
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
# the adapter Dawn offers, checked before any minutes go into the bench
desc=$(cd "$pack" && "$node" --input-type=module -e "import { create } from 'webgpu'; const a = await create([]).requestAdapter({ powerPreference: 'high-performance' }); console.log(a ? [a.info.vendor, a.info.architecture, a.info.device, a.info.description].join(' ') : 'none'); process.exit(0);" 2>"$out/adapter.err" | tail -1)
echo "adapter: ${desc:-none}"
want=${REQUIRE_ADAPTER-nvidia}
if [ -n "$want" ] && ! grep -qi "$want" <<<"$desc"; then cat "$out/adapter.err" >&2; fail "Dawn offers '${desc:-no adapter}', not an adapter matching '$want'"; fi
# the kernel tests on this adapter (every family against its float64 reference, forward and backward)
ktests=$(date +%s)
timeout "${KERNEL_TEST_SECONDS:-240}" "$node" "$pack/bench/kernel_tests.mjs" "$out/kernel_tests.json" > "$out/kernel_tests.txt" 2>&1
echo "kernel tests: $(tail -1 "$out/kernel_tests.txt") in $(( $(date +%s) - ktests )) s"
# PyTorch first (seconds): its kernel rows, and whether its training rows can run on CUDA
python=${BENCH_PYTHON:-$(command -v python3 || true)}
if [ -z "$python" ] || ! "$python" bench/gpu/torch_kernels.py > "$out/torch_kernels.json"; then
  rm -f "$out/torch_kernels.json"
  echo "run.sh: no PyTorch kernel rows" >&2
fi
start=$(date +%s)
# the engine's rows, tfjs-webgpu and jax-js on the same adapter, PyTorch's training rows on CUDA
BENCH_PYTHON=${python:-/nonexistent} BENCH_TORCH_VARIANTS=${BENCH_TORCH_VARIANTS:-fp32-cuda,tf32-cuda,bf16-autocast-cuda} \
  timeout "${BENCH_SECONDS:-420}" "$node" "$pack/bench/run.mjs" ${BENCH_ARGS:---time 500} --skip compile 2>&1 | tee "$out/engine.txt"
rc=${PIPESTATUS[0]}
written=$(sed -n 's/^wrote \(bench\/results\/[^ ]*\.json\).*/\1/p' "$out/engine.txt" | tail -1)
[ "$rc" -eq 0 ] && [ -f "$written" ] || fail "the bench failed (exit $rc; 124: past BENCH_SECONDS)"
cp "$written" "$out/engine.json"
echo "bench: $(( $(date +%s) - start )) s"
ls -la "$out"
