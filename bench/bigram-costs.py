#!/usr/bin/env python3
"""Prints the folded-bigram cost tables the prefilter uses to pick each keyword's SIMD fingerprint window
(src/scan/prefilter_bigrams.hpp, used by teddy::fingerprint_offsets() in src/scan/prefilter_fingerprint.cpp).

Usage: bench/bigram-costs.py DIR... > tables.txt
Reads the same files as bench/byte-frequencies.py (text-like extensions, at most 8 MiB per directory, sorted walk),
ORs every byte with 0x20 (the prefilter's case fold) and maps it to one of 65 classes: the 64 folded ASCII values
(0x20-0x3f, then 0x60-0x7f) and one class for every byte >= 0x80. Prints, in quarter bits, the cost -log2(p) of
each class (65 values) and of each ordered pair of adjacent classes (65 x 65 values, row = class of the first
byte), each list under its array's name, with add-one smoothing and capped at 255. The committed tables were made
from /usr/include, /usr/lib/python3.11, /usr/share/perl and /usr/share/javascript of a Debian 12 machine (the
byte-frequency table's mix; deliberately not a benchmark corpus).
"""
import collections
import math
import sys

from source_mix import texts

CLASSES = 65


def klass(b):
    b |= 0x20
    if b >= 0x80:
        return 64
    return b - 0x20 if b < 0x40 else b - 0x60 + 32


FOLD = bytes(klass(b) for b in range(256))

singles = collections.Counter()
pairs = collections.Counter()
for data in texts(sys.argv[1:]):
    folded = data.translate(FOLD)
    singles.update(folded)
    pairs.update(a * CLASSES + b for a, b in zip(folded, folded[1:]))


def cost(count, total, kinds):
    return min(255, round(-4 * math.log2((count + 1) / (total + kinds))))


total1 = sum(singles.values())
total2 = sum(pairs.values())


def rows(values):
    for i in range(0, len(values), 22):
        print('    ' + ' '.join(f'{v},' for v in values[i:i + 22]))


print('k_byte_cost:')
rows([cost(singles[c], total1, CLASSES) for c in range(CLASSES)])
print('k_pair_cost:')
for a in range(CLASSES):
    print(f'    // row {a}')
    rows([cost(pairs[a * CLASSES + b], total2, CLASSES * CLASSES) for b in range(CLASSES)])
