#!/usr/bin/env bash
# Installs the Debian packages orphancheck needs, builds a Release binary in
# ./build and runs the default check. Re-running it is cheap (incremental).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ clang libclang-rt-14-dev libboost1.81-dev libboost-graph1.81-dev doctest-dev libfmt-dev
          libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libxxhash-dev zlib1g-dev libmnl-dev graphviz nftables
          help2man libboost-mpi1.81-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
fi

werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DORPHANCHECK_WERROR=$werror
cmake --build build
./build/cli/orphancheck check
