#!/usr/bin/env python3
"""The search benchmark's baseline: SQLite FTS5 over the same cables.csv.

    fts5.py load CSV DB            load the CSV into SQLite and build an FTS5 index (timed by the caller)
    fts5.py query DB QUERIES RUNS  run the query set; print one JSON line per run of each query

A results page here is what cablegate's is: the exact count, the top 20 by relevance (bm25) with
a snippet, and counts by origin, tag, classification, year and month over all the matches.
"""
import csv
import json
import re
import sqlite3
import sys
import time

csv.field_size_limit(1 << 30)


def iso(created):
    # 4/20/2009 16:45 -> 2009-04-20T16:45
    d, _, t = created.partition(" ")
    m, day, y = d.split("/")
    h, mi = (t or "0:00").split(":")
    return f"{int(y):04}-{int(m):02}-{int(day):02}T{int(h):02}:{int(mi):02}"


def load(path, db):
    con = sqlite3.connect(db)
    con.executescript(
        """
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE cables (id INTEGER PRIMARY KEY, reference_id TEXT, created TEXT, origin TEXT,
                             classification TEXT, subject TEXT, body TEXT);
        CREATE TABLE tags (cable INTEGER, tag TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(subject, body, content='cables', content_rowid='id',
                                            tokenize='unicode61 remove_diacritics 2');
        """
    )
    tags_re = re.compile(r"^TAGS:?\s*(.+)$", re.M)
    subject_re = re.compile(r"^SUBJECT:\s*(.+)$", re.M)
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        rows = csv.reader(f, doublequote=False, escapechar="\\")
        for i, r in enumerate(rows, 1):
            if len(r) < 8:
                continue
            body = r[7]
            m = subject_re.search(body)
            subject = m.group(1).strip() if m else ""
            con.execute(
                "INSERT INTO cables VALUES (?, ?, ?, ?, ?, ?, ?)",
                (i, r[2], iso(r[1]), r[3], r[4], subject, body),
            )
            m = tags_re.search(body)
            if m:
                for tag in re.split(r"[,\s]+", m.group(1)):
                    if tag:
                        con.execute("INSERT INTO tags VALUES (?, ?)", (i, tag))
    con.execute("CREATE INDEX tags_cable ON tags(cable, tag)")
    con.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
    con.commit()
    n = con.execute("SELECT count(*) FROM cables").fetchone()[0]
    print(json.dumps({"cables": n}))


def page(con, match, where):
    filt = f" AND ({where})" if where else ""
    base = f"FROM fts JOIN cables c ON c.id = fts.rowid WHERE fts MATCH ?{filt}"
    total = con.execute(f"SELECT count(*) {base}", (match,)).fetchone()[0]
    top = con.execute(
        f"SELECT c.reference_id, c.subject, c.created, c.classification, c.origin, "
        f"snippet(fts, 1, '[', ']', '…', 24) {base} ORDER BY rank LIMIT 20",
        (match,),
    ).fetchall()
    facets = {}
    for name, expr in [("origin", "c.origin"), ("classification", "c.classification"),
                       ("year", "substr(c.created, 1, 4)"), ("month", "substr(c.created, 1, 7)")]:
        facets[name] = con.execute(f"SELECT {expr}, count(*) {base} GROUP BY 1 ORDER BY 2 DESC", (match,)).fetchall()
    facets["tag"] = con.execute(
        f"SELECT t.tag, count(*) FROM tags t WHERE t.cable IN (SELECT c.id {base}) GROUP BY 1 ORDER BY 2 DESC LIMIT 12",
        (match,),
    ).fetchall()
    return total, top, facets


def query(db, queries, runs):
    con = sqlite3.connect(db)
    con.execute("PRAGMA cache_size = -1000000")
    for line in open(queries, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cls, ours, match, where = (line.rstrip("\n").split("\t") + ["", "", "", ""])[:4]
        for run in range(runs):
            t = time.perf_counter()
            total, _, _ = page(con, match, where)
            ms = (time.perf_counter() - t) * 1000
            print(json.dumps({"class": cls, "query": ours, "run": run, "ms": ms, "total": total}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(sys.argv[2], sys.argv[3])
    else:
        query(sys.argv[2], sys.argv[3], int(sys.argv[4]))
