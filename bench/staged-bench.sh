#!/bin/sh
# `dsnguard scan --staged` on a repository with FILES tracked files (default 50000) and a 10-file change staged.
# Usage: bench/staged-bench.sh [DIR] [DSNGUARD_BINARY]   Goal (issue 3): <= 20 ms median.
# BASELINE=/path/to/older/dsnguard also times that binary in the same hyperfine run (alternating), for a ratio.
set -eu
dir=${1:-/tmp/dsnguard-staged-bench}
bin=${2:-$(dirname "$0")/../build/src/dsnguard}
files=${FILES:-50000}
if [ ! -d "$dir/.git" ]; then
  git init -q -b main "$dir"
  python3 - "$files" <<'PY' | git -C "$dir" fast-import --quiet
import sys
n = int(sys.argv[1])
w = sys.stdout.write
w("commit refs/heads/main\ncommitter Bench <bench@example.com> 1600000000 +0000\ndata 4\ninit\n")
for i in range(n):
    data = "value_%d = %d\n" % (i, i * 7)
    w("M 100644 inline d%03d/e%02d/f%06d.py\ndata %d\n%s\n" % (i % 500, i % 37, i, len(data), data))
PY
  git -C "$dir" checkout -q -f main
fi
git -C "$dir" reset -q --hard
for i in 0 1 2 3 4 5 6 7 8 9; do
  f=$(git -C "$dir" ls-files | sed -n "$((i * 4999 + 1))p")
  printf 'extra_%s = "x"\n' "$i" >> "$dir/$f"
  git -C "$dir" add "$f"
done
echo "tracked files: $(git -C "$dir" ls-files | wc -l), staged: $(git -C "$dir" diff --cached --name-only | wc -l)"
if [ -n "${BASELINE:-}" ]; then
  hyperfine -N -i --warmup 5 --runs "${RUNS:-30}" "$BASELINE scan --staged $dir" "$bin scan --staged $dir"
else
  hyperfine -N -i --warmup 5 --runs "${RUNS:-30}" "$bin scan --staged $dir"
fi
