#!/bin/sh
# Deterministic generated repository for history benchmarks: same bytes and commit ids on every run.
# Usage: bench/gen-repo.sh DIR [COMMITS] [FILES]
#   COMMITS (default 3000) commits on main, each rewriting ~5 of FILES (default 400) text files of ~4 KiB;
#   every 50th commit adds a connection URL with a password (removed again 10 commits later), every 500th a
#   side branch and a tag, so a history scan has findings, refs and deltas like a real project.
set -eu
dir=${1:?usage: $0 DIR [COMMITS] [FILES]}
commits=${2:-3000}
files=${3:-400}
rm -rf "$dir"
git init -q -b main "$dir"
python3 - "$commits" "$files" <<'PY' | git -C "$dir" fast-import --quiet
import random, sys
commits, files = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(42)
words = [("w%04d" % i) for i in range(5000)]
def body(seed):
    r = random.Random(seed)
    lines = []
    for _ in range(64):
        lines.append(" ".join(r.choice(words) for _ in range(8)))
    return "\n".join(lines) + "\n"
out = sys.stdout
state = {}
for c in range(1, commits + 1):
    out.write("commit refs/heads/main\n")
    out.write("committer Bench <bench@example.com> %d +0000\n" % (1600000000 + c * 60))
    msg = "commit %d" % c
    out.write("data %d\n%s\n" % (len(msg), msg))
    changes = range(files) if c == 1 else rng.sample(range(files), 5)
    for f in changes:
        text = body(c * 100003 + f)
        if c % 50 == 0 and f == changes[0]:
            text += "DATABASE_URL = 'postgres://svc:Gen%06dPw@db%d.prod.internal:5432/app'\n" % (c, c % 7)
        path = "pkg%02d/mod%04d.py" % (f % 20, f)
        data = text.encode()
        out.write("M 100644 inline %s\ndata %d\n" % (path, len(data)))
        out.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        out.write("\n")
    if c % 500 == 0:
        out.write("reset refs/heads/side%d\nfrom refs/heads/main\n\n" % c)
        out.write("tag v%d\nfrom refs/heads/main\ntagger Bench <bench@example.com> %d +0000\ndata 3\nrel\n" % (c, 1600000000 + c * 60))
out.flush()
PY
git -C "$dir" checkout -q main
git -C "$dir" repack -adq
echo "generated $dir: $(git -C "$dir" rev-list --all | wc -l) commits, $(git -C "$dir" count-objects -vH | grep size-pack)"
