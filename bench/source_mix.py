"""The text both prefilter tables are made from (bench/byte-frequencies.py, bench/bigram-costs.py): every
text-like file (source, markup, config) under the given directories, in a sorted walk, at most PER_DIR_LIMIT bytes
per directory so that no one language dominates; symbolic links and unreadable files are left out."""
import os

EXTENSIONS = {'.h', '.hpp', '.c', '.cc', '.py', '.pm', '.pl', '.js', '.md', '.txt', '.json', '.yml', '.yaml',
              '.toml', '.ini', '.cfg', '.conf', '.rst', '.html', '.sh', '.xml', '.properties', '.sql'}
PER_DIR_LIMIT = 8 << 20


def texts(roots):
    """Yields the bytes of each file taken, in order."""
    for root in roots:
        taken = 0
        for dirpath, dirnames, filenames in sorted(os.walk(root)):
            dirnames.sort()
            for name in sorted(filenames):
                if taken >= PER_DIR_LIMIT or os.path.splitext(name)[1].lower() not in EXTENSIONS:
                    continue
                path = os.path.join(dirpath, name)
                if os.path.islink(path):
                    continue
                try:
                    with open(path, 'rb') as f:
                        data = f.read(PER_DIR_LIMIT - taken)
                except OSError:
                    continue
                taken += len(data)
                yield data
