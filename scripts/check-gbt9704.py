#!/usr/bin/env python3
"""Checks a PDF rendered from one of liangxin's GB/T 9704-2012 documents.

Usage: check-gbt9704.py FILE.pdf

Reads the page size with pdfinfo and every text line's box with `pdftotext -bbox-layout`
(poppler-utils), and fails unless: the pages are A4; the body text starts 28 mm from the
left edge and full lines end 26 mm from the right (156 mm of 版心), each within 1 mm; a full
line of 汉字 holds 28 of them; no line of text runs below the 版心 (35 mm from the foot) but the
page number; consecutive lines of a paragraph are 225/22 mm apart (22 lines to a page); the
first line of each page after the first starts 37 mm from the top, within 1 mm; and every page
carries its number as "— N —", one character in from the right edge of odd pages and
the left of even ones, its 一字线 7 mm below the 版心.
"""
import re
import subprocess
import sys
from collections import Counter

MM = 72 / 25.4
TOL = 1 * MM


def fail(msg):
    print(f"GB/T 9704 check failed: {msg}", file=sys.stderr)
    sys.exit(1)


def main(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    w, h = float(size.group(1)), float(size.group(2))
    if abs(w - 210 * MM) > TOL or abs(h - 297 * MM) > TOL:
        fail(f"page {w:.1f} x {h:.1f} pt is not A4")
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    left, right, top, bottom = 28 * MM, (210 - 26) * MM, 37 * MM, (297 - 35) * MM
    full_lengths = Counter()
    pitches = Counter()
    lefts = []
    firsts = []
    for n, page in enumerate(re.findall(r"<page.*?</page>", html, re.S), start=1):
        lines = []
        for m in re.finditer(
            r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
            page,
            re.S,
        ):
            text = "".join(re.findall(r">([^<]*)</word>", m.group(5)))
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            lines.append((y0, x0, x1, y1, text))
        number = [l for l in lines if re.fullmatch(rf"—\s*{n}\s*—", l[4].replace(" ", ""))]
        if not number:
            fail(f"page {n} has no page number “— {n} —”")
        y0, x0, x1, y1, _ = number[0]
        # 4号 (14 pt) one character in from the outside edge: odd pages right, even left;
        # the 一字线 (the line's middle) 7 mm below the 版心.
        if n % 2 and abs(x1 - (right - 14)) > TOL or n % 2 == 0 and abs(x0 - (left + 14)) > TOL:
            fail(f"page {n}'s number is not one character in from the outside edge")
        if abs((y0 + y1) / 2 - (bottom + 7 * MM)) > TOL:
            fail(f"page {n}'s number is {((y0 + y1) / 2 - bottom) / MM:.1f} mm below the 版心, not 7 mm")
        body = [l for l in lines if l is not number[0]]
        for l in body:
            if l[3] > bottom + TOL:
                fail(f"page {n}: “{l[4][:12]}” runs below the 版心 ({l[3] / MM:.1f} mm)")
        if n > 1 and body:
            firsts.append((n, min(body)))
        # Lines of body text: 3号 lines of a paragraph, one under another at the left edge.
        text_lines = sorted(l for l in body if len(l[4]) >= 20 and abs(l[1] - left) < TOL)
        lefts += [l[1] for l in text_lines]
        for a, b in zip(text_lines, text_lines[1:]):
            pitches[round(b[0] - a[0], 1)] += 1
        # A full line of 汉字 and full-width punctuation (digits and Latin are narrower).
        for l in text_lines:
            if abs(l[2] - right) <= TOL and all(ord(ch) >= 0x2E80 for ch in l[4]):
                full_lengths[len(l[4])] += 1
    if not lefts:
        fail("no line of body text starts at the left margin")
    if not full_lengths:
        fail("no full line of 汉字 reaches the right margin")
    if set(full_lengths) != {28}:
        fail(f"full lines hold {dict(full_lengths)} characters, not 28")
    pitch, _ = pitches.most_common(1)[0]
    if abs(pitch * 22 - 225 * MM) > TOL:
        fail(f"lines are {pitch:.2f} pt apart: {pitch * 22 / MM:.1f} mm for 22, not 225 mm")
    # A page's first line starts at the 版心's top: its box is the glyphs' (a table's row)
    # or, for a line of the 22-line grid, one pitch above the glyphs' foot.
    for n, (y0, _, _, y1, text) in firsts:
        if min(abs(y0 - top), abs(y1 - pitch - top)) > TOL:
            fail(f"page {n} starts with “{text[:12]}” {y0 / MM:.1f} mm from the top, not 37 mm")
    print(
        f"GB/T 9704: {pages} A4 pages, body from {min(lefts) / MM:.1f} mm, "
        f"{sum(full_lengths.values())} full lines of 28 characters ending within 1 mm of 184 mm, "
        f"line pitch {pitch / MM:.2f} mm (22 lines = {pitch * 22 / MM:.1f} mm), page numbers on every page"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
