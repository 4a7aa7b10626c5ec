#!/usr/bin/env bash
# Installs what is missing on Debian 12 (apt, only when missing), then configures and builds
# Blockflow in ./build. Safe to run again: it does only what is left to do.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++            # build tools
  libeigen3-dev                    # tensors, Eigen's ThreadPool for the executor
  nlohmann-json3-dev               # page files and the catalog
  libcli11-dev                     # the CLI's argument parsing
  libstb-dev                       # PNG/JPEG reading and PNG writing (ReadImage, WriteImage)
  libonnx-dev libprotobuf-dev      # blockflow export-onnx (ONNX 1.12's model classes and checker)
  catch2                           # unit tests (v2.13)
  python3-jsonschema               # schema validation of pages in the tests
  qt6-base-dev qt6-svg-dev         # the editor
  clang-14 libclang-rt-14-dev      # libFuzzer and sanitizer runtimes for scripts/check.sh
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
