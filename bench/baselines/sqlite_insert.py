#!/usr/bin/env python3
"""Baseline for `cablegate import`: Python's csv module reading the release's cables.csv and
inserting every row into SQLite in one transaction, nothing else (no parsing, no browse tables).

usage: sqlite_insert.py CABLES.csv DB
"""
import csv
import sqlite3
import sys

csv.field_size_limit(1 << 30)
src, db = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db)
conn.execute(
    "CREATE TABLE cables (id INTEGER, created TEXT, reference_id TEXT, origin TEXT, "
    "classification TEXT, refs TEXT, header TEXT, body TEXT)"
)
with open(src, newline="") as f:
    rows = csv.reader(f, doublequote=False, escapechar="\\")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO cables VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
print(conn.execute("SELECT count(*) FROM cables").fetchone()[0], "rows")
