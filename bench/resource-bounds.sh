#!/bin/sh
# Resource bounds (issue 7): peak RSS and wall time of dsnguard on inputs built to stress memory:
#   1. a 2 GiB sparse file (over the size limit: must be skipped, not read)
#   2. one line of 100 MB (scanned with --max-file-size 200M)
#   3. a repository with N tiny blobs (default 1,000,000), full-history scan
# Usage: bench/resource-bounds.sh [DSNGUARD_BINARY] [N_BLOBS]     (needs /usr/bin/time and python3)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/src/dsnguard}
blobs=${2:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/dsnguard-bounds-XXXXXX")
trap 'rm -rf "$work"' EXIT
measure() {  # label, command...
  label=$1; shift
  /usr/bin/time -f "%M %e" -o "$work/time" "$@" >/dev/null 2>"$work/err" || true
  read -r rss secs <<EOT
$(tail -n 1 "$work/time")
EOT
  printf '%-44s peak RSS %7.1f MiB  wall %6.2f s\n' "$label" "$(echo "$rss / 1024" | bc -l)" "$secs"
}
g() { git -C "$1" -c user.name=b -c user.email=b@example.com "$@"; }

# 1 and 2: plain files.
mkdir -p "$work/files"
git init -q "$work/files"
truncate -s 2G "$work/files/huge.bin"
# A made-up credential the scan must find at the end of a 100 MB line. dsnguard:allow
python3 -c "import sys; sys.stdout.write('a' * (100 * 1024 * 1024) + ' postgresql://u:Wq4Zr8Nm2Kx6@db.big-corp.net/x\n')" > "$work/files/long.txt"
measure "2 GiB sparse file + 100 MB line (defaults)" "$bin" scan "$work/files"
measure "100 MB line, --max-file-size 200M" "$bin" scan --max-file-size 200M "$work/files"

# 3: N tiny blobs through git fast-import (1000 per directory, one commit).
mkdir -p "$work/many"
git init -q "$work/many"
python3 - "$blobs" > "$work/stream" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout
for i in range(n):
    data = "value %d\n" % i
    out.write("blob\nmark :%d\ndata %d\n%s\n" % (i + 1, len(data), data))
out.write("commit refs/heads/main\ncommitter b <b@example.com> 1700000000 +0000\ndata 5\nmany\n")
for i in range(n):
    out.write("M 100644 :%d d%04d/f%06d.txt\n" % (i + 1, i // 1000, i))
out.write("\n")
PY
git -C "$work/many" fast-import --quiet < "$work/stream"
rm -f "$work/stream"
measure "$blobs tiny blobs, scan --history" "$bin" scan --history "$work/many"
measure "git cat-file --batch-all-objects (same repo)" git -C "$work/many" cat-file --batch-all-objects --batch --unordered
