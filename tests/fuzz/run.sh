#!/bin/sh
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 600), starting from
# the seed corpus in tests/fuzz/corpus/<target>. New crashes land in tests/fuzz/crashes/<target>/: add each as a
# regression input under tests/fuzz/regressions/<target>/ once fixed.
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]   (PARALLEL=1 runs the targets at the same time)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-600}
[ $# -gt 0 ] && shift
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDSNGUARD_BUILD_FUZZERS=ON -DDSNGUARD_BUILD_TESTS=OFF -DDSNGUARD_ENABLE_ASAN=ON -DDSNGUARD_ENABLE_UBSAN=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
targets=${*:-$(cd "$root/tests/fuzz/corpus" && ls)}
run_one() {
  t=$1
  work=$(mktemp -d)
  mkdir -p "$root/tests/fuzz/crashes/$t"
  cp "$root/tests/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
  out=$("$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$root/tests/fuzz/crashes/$t/" -print_final_stats=1 "$work" 2>&1 | tail -n 12)
  printf '== fuzz_%s for %ss (corpus grew to %s inputs)\n%s\n' "$t" "$seconds" "$(ls "$work" | wc -l)" "$out"
  rm -rf "$work"
}
if [ "${PARALLEL:-0}" = "1" ]; then
  for t in $targets; do run_one "$t" & done
  wait
else
  for t in $targets; do run_one "$t"; done
fi
