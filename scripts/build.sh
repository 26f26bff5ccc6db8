#!/bin/sh
# Configures and builds dsnguard in build/ (or $BUILD_DIR) with the given extra CMake arguments.
# BUILD_TARGET=<target> builds only that target (default: everything, tests included).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
if [ -n "${BUILD_TARGET:-}" ]; then
  cmake --build "$build" -j "$(nproc)" --target "$BUILD_TARGET"
else
  cmake --build "$build" -j "$(nproc)"
fi
