#!/bin/sh
# Installs what is missing, builds, and runs every test (unit, end-to-end, evaluation corpus), twice: in the
# normal build (warnings as errors) and in an AddressSanitizer + UndefinedBehaviorSanitizer build.
# Set DSNGUARD_SKIP_SANITIZERS=1 to run only the normal build.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
jobs=$(nproc)

echo "== normal build"
BUILD_DIR="$root/build" "$root/scripts/build.sh" -DDSNGUARD_WERROR=ON
(cd "$root/build" && ctest --output-on-failure -j "$jobs" --timeout 600)

if [ "${DSNGUARD_SKIP_SANITIZERS:-0}" != "1" ]; then
  echo "== ASan + UBSan build"
  BUILD_TYPE=Debug BUILD_DIR="$root/build-asan" "$root/scripts/build.sh" -DDSNGUARD_WERROR=ON \
    -DDSNGUARD_ENABLE_ASAN=ON -DDSNGUARD_ENABLE_UBSAN=ON
  (cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    LSAN_OPTIONS=suppressions="$root/tests/sanitizers/lsan.supp":print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j "$jobs" --timeout 900)
fi
