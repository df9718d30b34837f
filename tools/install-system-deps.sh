#!/usr/bin/env bash
# Installs the system packages the engine needs on a Debian bookworm box without a GPU:
# Mesa's lavapipe (Vulkan on the CPU) from bookworm-backports, which Dawn needs, and optionally Chromium.
# With --torch: Debian's PyTorch for the reference trainer (tools/torch_ref/), with OpenBLAS — Debian's
# torch otherwise runs its matrix products on the reference BLAS (measured 1.7× slower training on 2 threads).
# Idempotent: skips what is already present. The backports line uses the Debian mirror this machine's apt
# already uses for bookworm (from its sources, one-line or deb822 format); --print-mirror prints that line
# and exits.
set -euo pipefail
want_chromium=0
want_torch=0
print_mirror=0
for a in "$@"; do
  [ "$a" = "--chromium" ] && want_chromium=1
  [ "$a" = "--torch" ] && want_torch=1
  [ "$a" = "--print-mirror" ] && print_mirror=1
done
APT_ETC="${APT_ETC:-/etc/apt}" # tests point this at a fixture

# "URI SIGNED-BY" of the first enabled `deb` entry for the suite bookworm in this machine's apt sources
# (SIGNED-BY "-" where the entry names no key file).
bookworm_mirror() {
  local f
  for f in "$APT_ETC/sources.list" "$APT_ETC"/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [opt=value …] URI suite component…
    awk '$1 == "deb" {
      i = 2; key = "-"
      if ($2 ~ /^\[/) {
        for (; i <= NF; i++) { if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) } if ($i ~ /\]$/) break }
        i++
      }
      if ($(i + 1) == "bookworm") { print $i, key; exit }
    }' "$f"
  done
  for f in "$APT_ETC"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822 stanzas: Types, URIs, Suites, Signed-By, Enabled
    awk 'BEGIN { RS = ""; FS = "\n" } {
      types = ""; uri = ""; suites = ""; key = "-"; enabled = "yes"
      for (j = 1; j <= NF; j++) {
        line = $j
        if (line ~ /^#/) continue
        if (line ~ /^Types:/) { types = " " substr(line, 7) " " }
        else if (line ~ /^URIs:/) { split(substr(line, 6), u, " "); for (k in u) if (u[k] != "") { uri = u[k]; break } }
        else if (line ~ /^Suites:/) { suites = " " substr(line, 8) " " }
        else if (line ~ /^Signed-By: *\//) { key = substr(line, 11); gsub(/ /, "", key) }
        else if (line ~ /^Enabled: *no/) { enabled = "no" }
      }
      if (enabled == "yes" && types ~ / deb / && suites ~ /[ \t]bookworm[ \t]/ && uri != "") { print uri, key; exit }
    }' "$f"
  done
}

backports_line() {
  local uri key
  read -r uri key < <(bookworm_mirror | head -n 1) || true
  if [ -z "${uri:-}" ]; then
    echo "install-system-deps: no Debian bookworm entry in $APT_ETC/sources.list or $APT_ETC/sources.list.d/ to take the mirror from;" >&2
    echo "  add 'deb <your Debian mirror> bookworm-backports main' to $APT_ETC/sources.list.d/backports.list and run this again" >&2
    return 1
  fi
  if [ "$key" != "-" ]; then echo "deb [signed-by=$key] $uri bookworm-backports main"; else echo "deb $uri bookworm-backports main"; fi
}

if [ $print_mirror -eq 1 ]; then
  backports_line
  exit
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

have_lavapipe() {
  ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 &&
    dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q 'bpo'
}

updated=0
apt_update() { [ $updated -eq 1 ] || { $SUDO apt-get update -qq; updated=1; }; }

if ! have_lavapipe; then
  if ! grep -rqs 'bookworm-backports' "$APT_ETC/sources.list" "$APT_ETC/sources.list.d/"; then
    line="$(backports_line)"
    echo "adding to $APT_ETC/sources.list.d/backports.list: $line"
    echo "$line" | $SUDO tee "$APT_ETC/sources.list.d/backports.list" >/dev/null
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
