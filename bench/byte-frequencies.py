#!/usr/bin/env python3
"""Prints the folded-byte frequency table used by the prefilter's bucket assignment (src/scan/prefilter_teddy.cpp).

Usage: bench/byte-frequencies.py DIR... > table.txt
Counts every byte of the text-like files (source, markup, config) under the given directories after OR-ing it with
0x20 (the prefilter's case fold) and prints 256 frequencies in units of 1/65536, each at least 1. The committed
table was made from /usr/include, /usr/lib/python3.11, /usr/share/perl and /usr/share/javascript of a Debian 12
machine (a mix of C, Python, Perl, JavaScript and docs; deliberately not a benchmark corpus).
"""
import os
import sys

EXTENSIONS = {'.h', '.hpp', '.c', '.cc', '.py', '.pm', '.pl', '.js', '.md', '.txt', '.json', '.yml', '.yaml',
              '.toml', '.ini', '.cfg', '.conf', '.rst', '.html', '.sh', '.xml', '.properties', '.sql'}
PER_DIR_LIMIT = 8 << 20  # bytes per directory, so that no one language dominates

counts = [0] * 256
for root in sys.argv[1:]:
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
            for b in range(256):
                counts[b | 0x20] += data.count(bytes([b]))
total = sum(counts) or 1
table = [max(1, round(c * 65536 / total)) if (b | 0x20) == b else 0 for b, c in enumerate(counts)]
for row in range(0, 256, 16):
    print('    ' + ' '.join(f'{v},' for v in table[row:row + 16]))
