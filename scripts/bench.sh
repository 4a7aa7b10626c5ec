#!/usr/bin/env bash
# The performance proof in one command: installs the peers the depthwise kernel is timed against
# (oneDNN, XNNPACK with pthreadpool, Google Benchmark) when missing, builds ./build with them
# (scripts/setup.sh), then runs every benchmark in bench/:
#   bench_depthwise  ours next to oneDNN and XNNPACK; its last line is the single-thread geomean
#   bench_engine     executor overhead per block, load + validate of a 10,000-block page
#   bench_memory     peak memory of a run against the tensors that must be alive at once
# Arguments are passed to bench_depthwise (e.g. --rounds 25, --peers-only, --min).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_missing_packages.sh libdnnl-dev libxnnpack-dev libpthreadpool-dev libbenchmark-dev
scripts/setup.sh
cmake --build build --target bench_depthwise bench_engine bench_memory
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
./build/bench/bench_engine
./build/bench/bench_memory
./build/bench/bench_depthwise "$@"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
