#!/usr/bin/env bash
# Runs each fuzz target for a while on a copy of its seed corpus. Usage: fuzz_smoke.sh BUILD_DIR SECONDS
# A crash stops the script with the reproducer saved in BUILD_DIR/fuzz-artifacts/; add it to
# tests/fuzz/regressions/TARGET/ so tests/fuzz/replay_regressions.sh keeps it fixed.
set -euo pipefail
build=${1:?build dir}
seconds=${2:-60}
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$build/fuzz-artifacts"
for target in fuzz_page_load fuzz_value_text fuzz_npy fuzz_page_run; do
  corpus="$build/fuzz-corpus/$target"
  mkdir -p "$corpus"
  seeds="$here/seeds/${target#fuzz_}"
  extra=()
  [[ -d "$here/regressions/$target" ]] && extra+=("$here/regressions/$target")
  echo "fuzz: $target for ${seconds}s"
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$target-" "$corpus" "$seeds" "${extra[@]}" 2>&1 | tail -n 12
done
echo "fuzz: all targets ran ${seconds}s without a crash"
