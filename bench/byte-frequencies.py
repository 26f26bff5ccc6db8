#!/usr/bin/env python3
"""Prints the folded-byte frequency table used by the prefilter's bucket assignment (src/scan/prefilter_teddy.cpp).

Usage: bench/byte-frequencies.py DIR... > table.txt
Counts every byte of the text-like files (source, markup, config) under the given directories after OR-ing it with
0x20 (the prefilter's case fold) and prints 256 frequencies in units of 1/65536, each at least 1. The committed
table was made from /usr/include, /usr/lib/python3.11, /usr/share/perl and /usr/share/javascript of a Debian 12
machine (a mix of C, Python, Perl, JavaScript and docs; deliberately not a benchmark corpus).
"""
import sys

from source_mix import texts

counts = [0] * 256
for data in texts(sys.argv[1:]):
    for b in range(256):
        counts[b | 0x20] += data.count(bytes([b]))
total = sum(counts) or 1
table = [max(1, round(c * 65536 / total)) if (b | 0x20) == b else 0 for b, c in enumerate(counts)]
for row in range(0, 256, 16):
    print('    ' + ' '.join(f'{v},' for v in table[row:row + 16]))
