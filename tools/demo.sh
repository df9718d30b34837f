#!/usr/bin/env bash
# `npm run demo`: installs what is missing (lavapipe where there is no GPU driver, npm packages), then runs
# the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
if ! ls /usr/share/vulkan/icd.d/*.json >/dev/null 2>&1 && command -v apt-get >/dev/null; then
  bash tools/install-system-deps.sh
fi
[ -d node_modules/webgpu ] || npm install --no-audit --no-fund
# the TypeScript sources through tsx (no build needed in a checkout; an installed package runs `commin demo`)
exec node --import tsx src/cli/main.ts demo "$@"
