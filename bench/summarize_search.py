#!/usr/bin/env python3
"""Summarises the search benchmark: per query class, median, p95, p99 and max of cablegate's
results pages (server render time, and client wall time through HTTP) beside SQLite FTS5's.

usage: summarize_search.py OURS.jsonl FTS5.jsonl
"""
import json
import statistics
import sys
from collections import defaultdict


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def load(path, key):
    by = defaultdict(list)
    totals = {}
    for line in open(path):
        r = json.loads(line)
        if r.get(key) is not None:
            by[r["class"]].append(r[key])
            by["all"].append(r[key])
        totals[r["query"]] = r["total"]
    return by, totals


ours, our_totals = load(sys.argv[1], "render_ms")
wall, _ = load(sys.argv[1], "ms")
fts, fts_totals = load(sys.argv[2], "ms")
print("| class | cablegate render ms: median / p95 / p99 / max | cablegate via HTTP: median / p99 | SQLite FTS5: median / p95 / p99 / max | ratio of medians |")
print("| --- | --- | --- | --- | --- |")
for cls in list(dict.fromkeys(list(ours))):
    o, w, f = ours[cls], wall[cls], fts.get(cls, [])
    row = f"{statistics.median(o):.2f} / {pct(o, 95):.2f} / {pct(o, 99):.2f} / {max(o):.2f}"
    http = f"{statistics.median(w):.2f} / {pct(w, 99):.2f}"
    base = f"{statistics.median(f):.1f} / {pct(f, 95):.1f} / {pct(f, 99):.1f} / {max(f):.1f}" if f else "–"
    ratio = f"{statistics.median(f) / statistics.median(o):.0f}× faster" if f else "–"
    print(f"| {cls} | {row} | {http} | {base} | {ratio} |")
differ = [(q, our_totals[q], fts_totals.get(q)) for q in our_totals if fts_totals.get(q) != our_totals[q]]
print()
print(f"Matches per query, cablegate vs FTS5 (tokenizers differ a little): {len(our_totals) - len(differ)} of {len(our_totals)} equal;"
      + "".join(f" `{q}` {a} vs {b};" for q, a, b in differ[:12]))
