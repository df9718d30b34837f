#!/usr/bin/env bash
# The README's quick start on a fresh clone: clones this repository's HEAD into a temporary folder that has
# no ../shared beside it, runs `npm run demo` there (extra arguments go to the demo), and fails unless the
# demo succeeds on the bundled images and writes its results. The clone reuses this checkout's node_modules
# through a symlink (same lock file, so the same packages; no second npm install).
#   tools/fresh-clone-demo.sh [--working-tree] [demo args…]
# --working-tree copies the working tree (tracked and untracked files, not ignored ones) instead of HEAD,
# to try changes before they are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
from=head
if [ "${1:-}" = "--working-tree" ]; then
  from=tree
  shift
fi
[ -d node_modules/webgpu ] || { echo "fresh-clone-demo: run npm install here first (the clone borrows node_modules)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/commin-gpu"
if [ $from = head ]; then
  git clone --quiet --depth 1 "file://$repo" "$dest"
else
  mkdir "$dest"
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -C "$dest" -xf -
fi
if [ -e "$tmp/shared" ]; then echo "fresh-clone-demo: $tmp/shared exists" >&2; exit 1; fi
ln -s "$repo/node_modules" "$dest/node_modules"

echo "fresh clone ($from) in $dest, no ../shared beside it: npm run demo -- $*"
t0=$(date +%s)
(cd "$dest" && npm run --silent demo -- "$@") 2>&1 | tee "$tmp/demo.log"
echo "demo took $(($(date +%s) - t0)) s"
grep -q 'bundled Kodak portrait crops' "$tmp/demo.log" || { echo "fresh-clone-demo: the demo did not say it used the bundled images" >&2; exit 1; }
if grep -q 'artificially reduced' "$tmp/demo.log"; then echo "fresh-clone-demo: Dawn's start-up notices reached the output" >&2; exit 1; fi
for f in grid.png metrics.csv metrics.md plot.svg; do
  [ -s "$dest/out/demo/$f" ] || { echo "fresh-clone-demo: the demo wrote no out/demo/$f" >&2; exit 1; }
done
echo "fresh-clone demo: ok"
