#!/bin/sh
# Full-history scan vs git's own floor and vs the `git log -p | rg` pipeline peers pay, in one hyperfine run,
# plus peak RSS. Usage: bench/history-bench.sh REPO [DSNGUARD_BINARY]   (RUNS=n to change the run count)
# Goals (issue 3): dsnguard <= 1.0x cat-file, >= 20x faster than log -p | rg, peak RSS <= 300 MB.
set -eu
repo=${1:?usage: $0 REPO [DSNGUARD_BINARY]}
bin=${2:-$(dirname "$0")/../build/src/dsnguard}
runs=${RUNS:-3}
pattern='[a-z][a-z0-9+.-]*://[^\s:@/]+:[^\s@]+@'
out=$(mktemp)
trap 'rm -f "$out"' EXIT
hyperfine -i --warmup 1 --runs "$runs" --export-json "$out" \
  -n dsnguard "$bin scan --history --format json $repo >/dev/null" \
  -n dsnguard-full "DSNGUARD_DELTA_SCAN=0 $bin scan --history --format json $repo >/dev/null" \
  -n cat-file "git -C $repo cat-file --batch-all-objects --batch --unordered >/dev/null" \
  -n log-p-rg "git -C $repo log -p --all | rg -i -e '$pattern' >/dev/null" >&2
rss=$( { /usr/bin/time -f '%M' "$bin" scan --history --format json "$repo" >/dev/null; } 2>&1 | tail -1)
python3 - "$out" "$rss" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
d, c, l, f = r["dsnguard"], r["cat-file"], r["log-p-rg"], r["dsnguard-full"]
print(f"median dsnguard {d:.2f} s (every byte scanned, DSNGUARD_DELTA_SCAN=0: {f:.2f} s), cat-file {c:.2f} s, "
      f"log -p | rg {l:.2f} s")
print(f"dsnguard / cat-file = {d/c:.2f}x (goal <= 1.0x); log -p | rg / dsnguard = {l/d:.1f}x (goal >= 20x)")
print(f"peak RSS dsnguard {int(sys.argv[2])/1024:.0f} MB (goal <= 300 MB)")
PY
