#!/usr/bin/env python3
"""Summarises the search benchmark: per query class, median, p95, p99 and max of cablegate's
results pages (server render time, and client wall time through HTTP) beside SQLite FTS5's.

and of the same queries through `cablegate search --repeat` (in process, no HTTP). With
BENCH_SUMMARY set, adds a row per class to the suite's summary table.

usage: summarize_search.py OURS.jsonl FTS5.jsonl CLI.jsonl
"""
import os
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
            per_query[(path, key)][(r["class"], r["query"])].append(r[key])
        totals[r["query"]] = r["total"]
    return by, totals


per_query = defaultdict(lambda: defaultdict(list))


ours, our_totals = load(sys.argv[1], "render_ms")
wall, _ = load(sys.argv[1], "ms")
fts, fts_totals = load(sys.argv[2], "ms")
cli, cli_totals = load(sys.argv[3], "ms")
qmed = defaultdict(list)
for (cls, _), xs in per_query[(sys.argv[1], "render_ms")].items():
    qmed[cls].append(statistics.median(xs))
print("| class | cablegate render ms: median / p95 / p99 / max | via HTTP: median / p99 | `cablegate search`: median / p95 / p99 / max | SQLite FTS5: median / p95 / p99 / max | ratio of medians |")
print("| --- | --- | --- | --- | --- | --- |")
rows = []
for cls in [c for c in ours if c != "all"] + ["all"]:
    o, w, c, f = ours[cls], wall[cls], cli.get(cls, []), fts.get(cls, [])
    row = f"{statistics.median(o):.2f} / {pct(o, 95):.2f} / {pct(o, 99):.2f} / {max(o):.2f}"
    http = f"{statistics.median(w):.2f} / {pct(w, 99):.2f}"
    line = f"{statistics.median(c):.2f} / {pct(c, 95):.2f} / {pct(c, 99):.2f} / {max(c):.2f}" if c else "–"
    base = f"{statistics.median(f):.1f} / {pct(f, 95):.1f} / {pct(f, 99):.1f} / {max(f):.1f}" if f else "–"
    ratio = f"{statistics.median(f) / statistics.median(o):.0f}× faster" if f else "–"
    print(f"| {cls} | {row} | {http} | {line} | {base} | {ratio} |")
    if cls != "all":
        rows.append((f"results page, {cls} queries: median / p99 (render; min–max of the class's query medians)",
                     "≤ 5 ms / ≤ 50 ms",
                     f"{statistics.median(o):.1f} / {pct(o, 99):.1f} ms ({min(qmed[cls]):.1f}–{max(qmed[cls]):.1f})",
                     f"{statistics.median(f):.0f} / {pct(f, 99):.0f} ms (SQLite FTS5)" if f else "",
                     f"{statistics.median(o) / statistics.median(f):.3f}×" if f else ""))
if os.environ.get("BENCH_SUMMARY"):
    with open(os.environ["BENCH_SUMMARY"], "a", encoding="utf-8") as out:
        for r in rows:
            out.write("\t".join(r) + "\n")
differ_cli = [q for q in our_totals if cli_totals.get(q) not in (None, our_totals[q])]
if differ_cli:
    print(f"\n`cablegate search` and /api/search disagree on {len(differ_cli)} queries: {differ_cli[:5]}")
differ = [(q, our_totals[q], fts_totals.get(q)) for q in our_totals if fts_totals.get(q) != our_totals[q]]
print()
print(f"Matches per query, cablegate vs FTS5 (tokenizers differ a little): {len(our_totals) - len(differ)} of {len(our_totals)} equal;"
      + "".join(f" `{q}` {a} vs {b};" for q, a, b in differ[:12]))
