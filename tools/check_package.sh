#!/usr/bin/env bash
# The npm package as a new user gets it (npm run check:package; .ci/run runs it): `npm pack` (its prepack
# runs `npm run build`: the shader module, then tsc → dist/), the tarball installed in an empty folder, then
# `npx commin --help`, a real `commin transmit` of a generated 64×64 PNG, `import { Engine } from
# 'commin-gpu'` running a matmul in plain Node, examples/vite-basic type-checked and built against the
# tarball, its bundle free of Node code, and the two "send a photo" examples against the tarball:
# examples/node-transmit run in Node, examples/browser-photo built and run in headless Chromium from a plain
# static server. Prints the tarball's size, the install time and the transmit time.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
# the engine's Dawn prints these on lavapipe; they are not errors
quiet() { grep -v 'artificially reduced' "$1" || true; }

npm pack --silent --pack-destination "$work" >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; exit 1; }
tgz="$(ls "$work"/commin-gpu-*.tgz)"
echo "package: $(basename "$tgz"): $(du -k "$tgz" | cut -f1) KiB, $(tar -tzf "$tgz" | wc -l) files"

mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
t0=$(now)
npm install --no-audit --no-fund --prefer-offline "$tgz" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
echo "install of the tarball in an empty folder: $(since "$t0")"

npx commin --help >"$work/help.log"
grep -q 'transmit' "$work/help.log"
echo "npx commin --help: ok"

# a 64×64 RGB gradient as the photo (fast-png comes with the package)
node --input-type=module -e "
import { writeFileSync } from 'node:fs';
import { encode } from 'fast-png';
const w = 64, h = 64, data = new Uint8Array(w * h * 3);
for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 4, y * 4, 255 - x * 2], (y * w + x) * 3);
writeFileSync('photo.png', encode({ width: w, height: h, data, channels: 3, depth: 8 }));"
t0=$(now)
npx commin transmit photo.png --snr 4 --method deepjscc --out received >"$work/transmit.log" 2>&1 || { cat "$work/transmit.log"; exit 1; }
quiet "$work/transmit.log"
test -s received/photo_deepjscc_snr4.png
echo "npx commin transmit photo.png --snr 4 --method deepjscc: $(since "$t0")"

node --input-type=module -e "
import { Engine, tensor, matmul } from 'commin-gpu';
const engine = await Engine.create();
const c = Array.from(await matmul(tensor(engine, [1, 2, 3, 4], [2, 2]), tensor(engine, [5, 6, 7, 8], [2, 2])).data());
if (String(c) !== '19,22,43,50') throw new Error('matmul gave ' + c);
console.log('import { Engine } from \'commin-gpu\': matmul [[1,2],[3,4]]·[[5,6],[7,8]] = ' + JSON.stringify(c));
engine.destroy();" >"$work/engine.log" 2>&1 || { cat "$work/engine.log"; exit 1; }
quiet "$work/engine.log"

# without the optional packages (a browser-only install: no Dawn, no sharp): Engine.create() in Node says how
# to install Dawn, in one line
mkdir "$work/nodawn"
cd "$work/nodawn"
npm init -y >/dev/null
npm install --no-audit --no-fund --prefer-offline --omit=optional "$tgz" >"$work/nodawn-install.log" 2>&1 || { cat "$work/nodawn-install.log"; exit 1; }
test ! -d node_modules/webgpu || { echo 'npm install --omit=optional installed webgpu' >&2; exit 1; }
node --input-type=module -e "
import { Engine } from 'commin-gpu';
try { await Engine.create(); console.log('created'); process.exit(1); } catch (e) { console.log(e.message); }" >"$work/nodawn.log" 2>&1 || { cat "$work/nodawn.log"; exit 1; }
grep -q "needs the optional package 'webgpu' (Dawn): npm install webgpu" "$work/nodawn.log" || { cat "$work/nodawn.log"; exit 1; }
echo "without optional packages: $(du -sk node_modules | cut -f1) KiB installed; Engine.create() says: $(head -c 80 "$work/nodawn.log")…"

# an example folder copied out of the repository with the tarball installed in it (the working directory after)
example() {
  cp -r "$repo/examples/$1" "$work/$1"
  cd "$work/$1"
  rm -rf node_modules dist package-lock.json
  npm install --no-audit --no-fund --prefer-offline "$tgz" >"$work/$1-install.log" 2>&1 || { cat "$work/$1-install.log"; exit 1; }
}
# a page example type-checked and built with Vite, its bundle free of Node code
build_page() {
  example "$1"
  "$repo/node_modules/.bin/tsc" -p .
  npx vite build --logLevel warn
  if grep -l 'node:fs\|getBuiltinModule\|"webgpu"' dist/assets/*.js; then
    echo "examples/$1: Node-only code in the browser bundle" >&2
    exit 1
  fi
}

build_page vite-basic
echo "examples/vite-basic: type-checked and built against the tarball ($(du -k dist/assets/*.js | cut -f1) KiB of JavaScript, no Node code)"

# the API's front door, both against the tarball: send a photo from Node, and from a page built with Vite and
# run in headless Chromium from a plain static server
photo="$repo/assets/demo/photos/kodim23_384x256.png"
example node-transmit
node transmit.mjs "$photo" 4 received.png >"$work/node-transmit.log" 2>&1 || { cat "$work/node-transmit.log"; exit 1; }
quiet "$work/node-transmit.log"
test -s received.png
build_page browser-photo
echo "examples/browser-photo: built against the tarball ($(du -ck dist/assets/* | tail -1 | cut -f1) KiB of JavaScript and model)"
cd "$repo"
npx tsx tools/run_browser_example.ts "$work/browser-photo/dist" "$photo"
