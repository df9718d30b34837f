#!/usr/bin/env bash
# Installs the system packages the engine needs on a Debian bookworm box without a GPU:
# Mesa's lavapipe (Vulkan on the CPU) from bookworm-backports, which Dawn needs, and optionally Chromium.
# With --torch: Debian's PyTorch for the reference trainer (tools/torch_ref/), with OpenBLAS — Debian's
# torch otherwise runs its matrix products on the reference BLAS (measured 1.7× slower training on 2 threads).
# Idempotent: skips what is already present.
set -euo pipefail
want_chromium=0
want_torch=0
for a in "$@"; do
  [ "$a" = "--chromium" ] && want_chromium=1
  [ "$a" = "--torch" ] && want_torch=1
done

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

have_lavapipe() {
  ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 &&
    dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q 'bpo'
}

updated=0
apt_update() { [ $updated -eq 1 ] || { $SUDO apt-get update -qq; updated=1; }; }

if ! have_lavapipe; then
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb http://deb.debian.org/debian bookworm-backports main" | $SUDO tee /etc/apt/sources.list.d/backports.list >/dev/null
  fi
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
fi

if [ $want_chromium -eq 1 ] && ! command -v chromium >/dev/null; then
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [ $want_torch -eq 1 ] && ! { /usr/bin/python3 -c 'import torch' 2>/dev/null && dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q installed; }; then
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-torch python3-numpy libopenblas0-pthread >/dev/null
fi
echo "system deps: lavapipe $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
