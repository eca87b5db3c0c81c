#!/usr/bin/env python3
"""Generates src/unicode_nonprintable.ts: the code point ranges that Python's str.isprintable()
rejects (Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs, except U+0020 SPACE).

Run from packages/sampling with the Python whose repr() Arlo's ballot ids follow (3.11, Unicode 14):
    python3 scripts/gen_nonprintable.py > src/unicode_nonprintable.ts
The script refuses to run with any other Unicode version, so the table cannot drift silently.
"""
import sys
import unicodedata

EXPECTED = "14.0.0"
if unicodedata.unidata_version != EXPECTED:
    sys.exit(f"need Unicode {EXPECTED} tables, this Python has {unicodedata.unidata_version}")

ranges = []
start = None
for cp in range(0x110000):
    printable = chr(cp).isprintable()
    if not printable and start is None:
        start = cp
    elif printable and start is not None:
        ranges.append((start, cp - 1))
        start = None
if start is not None:
    ranges.append((start, 0x10FFFF))

flat = []
for a, b in ranges:
    flat.append(a)
    flat.append(b)
lines = []
row = []
for i, v in enumerate(flat):
    row.append(f"0x{v:x}")
    if len(row) == 16:
        lines.append("  " + ", ".join(row) + ",")
        row = []
if row:
    lines.append("  " + ", ".join(row) + ",")

print("// GENERATED FILE — do not edit by hand.")
print(f"// Made by packages/sampling/scripts/gen_nonprintable.py with Python {sys.version.split()[0]},")
print(f"// unicodedata {unicodedata.unidata_version}: `python3 scripts/gen_nonprintable.py > src/unicode_nonprintable.ts`.")
print("/**")
print(" * Code points that Python 3.11's `str.isprintable()` rejects (categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs")
print(" * except U+0020), as sorted inclusive ranges laid flat: [start0, end0, start1, end1, …].")
print(" * `repr()` escapes exactly these (spec/sampling.md, ballot ids).")
print(" */")
print(f"export const UNICODE_VERSION = '{unicodedata.unidata_version}';")
print()
print("// prettier-ignore")
print("export const NON_PRINTABLE_RANGES: readonly number[] = [")
print("\n".join(lines))
print("];")
print(f"// {len(ranges)} ranges")
