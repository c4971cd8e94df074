#!/usr/bin/env bash
# Installs the Debian packages egrl needs, if any are missing. Idempotent:
# when everything is there it only checks. Runs apt-get through sudo when not
# root. Usage: scripts/setup.sh
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libtorch-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev coinor-libcbc-dev
  libopenmpi-dev openmpi-bin
  python3-torch python3-torchvision python3-onnx python3-matplotlib
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "egrl setup: all ${#packages[@]} Debian packages are installed"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || {
    echo "egrl setup: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  }
  sudo=(sudo)
fi
echo "egrl setup: installing ${missing[*]}"
# A new machine's package lists are stale: refresh them first.
"${sudo[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
