#!/usr/bin/env bash
# Packs what bench/gpu/run.sh needs on a bare GPU machine with no network into .gpubench/ (ignored by git;
# name it in the device tool's `carry`): this machine's Node binary (xz), the bench bundled into one file
# (tfjs-webgpu and jax-js inside it; Dawn's binding and onnxruntime-node outside), the kernel tests bundled
# with a stand-in for Vitest (bench/gpu/vitest_shim.ts), the `webgpu` package for
# linux-x64 only (xz), and Debian's Vulkan loader. About 29 MB, next to the repository's tracked files.
#   bash bench/gpu/pack.sh        (from the repository root, after npm install)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.gpubench
rm -rf "$out"
mkdir -p "$out/bench"
# every byte counts: the device tool carries at most 64 MiB with the repository's own files
# the bundle sits two folders below the root, where the sources' `../../` paths (src/cli/defaults.ts: the
# LPIPS weights) resolve to the repository root as they do from src/cli/
npx esbuild bench/run.ts --bundle --platform=node --format=esm --target=node20 --outfile="$out/bench/run.mjs" \
  --external:webgpu --external:onnxruntime-node --minify --log-level=warning \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
xz -9 "$out/bench/run.mjs"
# the kernel tests without Vitest: its few functions from bench/gpu/vitest_shim.ts
npx esbuild bench/gpu/kernel_tests.ts --bundle --platform=node --format=esm --target=node20 --outfile="$out/bench/kernel_tests.mjs" \
  --external:webgpu --alias:vitest=./bench/gpu/vitest_shim.ts --minify --log-level=warning \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
xz -9 "$out/bench/kernel_tests.mjs"
tar -C node_modules -cJf "$out/webgpu.tar.xz" --exclude='webgpu/dist/darwin-*' --exclude='webgpu/dist/win32-*' \
  --exclude='webgpu/dist/linux-arm64' --exclude='webgpu/build' webgpu
xz -T0 -9 -c "$(command -v node)" > "$out/node.xz"
(cd "$out" && apt-get download libvulkan1 >/dev/null 2>&1) || echo "pack: no libvulkan1 .deb (apt-get download failed): run.sh then needs the machine's own loader" >&2
echo "$(git rev-parse HEAD)$(git diff --quiet HEAD -- src bench shaders || echo ' with uncommitted changes') packed $(date -u +%FT%TZ)" > "$out/REV"
du -sh "$out"
