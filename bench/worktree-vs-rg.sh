#!/bin/sh
# Working-tree scan vs ripgrep over the same files, in one hyperfine run (medians and ratio).
# Usage: bench/worktree-vs-rg.sh REPO [DSNGUARD_BINARY]
# ripgrep gets --hidden so that it reads the same set dsnguard reads (tracked + untracked-not-ignored,
# dotfiles such as .env included) and a case-insensitive credential-URL pattern like the default rules' core.
set -eu
repo=${1:?usage: $0 REPO [DSNGUARD_BINARY]}
bin=${2:-$(dirname "$0")/../build/src/dsnguard}
command -v hyperfine >/dev/null || { echo "hyperfine is required (apt-get install hyperfine)" >&2; exit 2; }
command -v rg >/dev/null || { echo "ripgrep is required (apt-get install ripgrep)" >&2; exit 2; }
pattern='[a-z][a-z0-9+.-]*://[^\s:@/]+:[^\s@]+@'
out=$(mktemp)
trap 'rm -f "$out"' EXIT
hyperfine -N -i --warmup 3 --runs "${RUNS:-20}" --export-json "$out" \
  -n dsnguard "$bin scan --format json $repo" \
  -n ripgrep "rg --hidden -i -e '$pattern' $repo" >&2
python3 - "$out" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
d, g = r["dsnguard"]["median"], r["ripgrep"]["median"]
print(f"median dsnguard {d*1000:.1f} ms, ripgrep {g*1000:.1f} ms, ratio {d/g:.2f}x (goal <= 1.2x)")
PY
