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
# Node runs ONNX Runtime (onnxruntime-node) in the export tests; any Node >= 16 does, so Debian's
# nodejs is installed only when there is no node at all.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi

scripts/install_missing_packages.sh "${packages[@]}"

# onnxruntime-node at the version pinned in tests/onnx (package.json, package-lock.json), into the
# gitignored tests/onnx/node_modules. --ignore-scripts: its install script only downloads optional
# GPU binaries; the Linux x64 CPU binary ships inside the package.
pinned=$(node -p "require('./tests/onnx/package.json').dependencies['onnxruntime-node']")
installed=$(node -p "require('./tests/onnx/node_modules/onnxruntime-node/package.json').version" 2>/dev/null || true)
if [[ "$installed" != "$pinned" ]]; then
  echo "setup: installing onnxruntime-node $pinned into tests/onnx/node_modules"
  (cd tests/onnx && npm ci --ignore-scripts --no-audit --no-fund)
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
