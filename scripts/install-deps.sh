#!/bin/sh
# Installs whatever dsnguard needs to build and test on Debian 12 (run as root; apt must be reachable).
# Idempotent: packages already present are not touched, and apt-get update runs only when something is missing.
set -eu

PACKAGES="cmake g++ ninja-build pkg-config git ca-certificates openssl
libgit2-dev zlib1g-dev libdeflate-dev libre2-dev libpq-dev nlohmann-json3-dev libexpected-dev libgtest-dev libgmock-dev
postgresql-15 postgresql-client-15 python3 python3-jsonschema pre-commit clang libclang-rt-14-dev strace"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "install-deps: installing:$missing"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
