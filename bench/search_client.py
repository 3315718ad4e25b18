#!/usr/bin/env python3
"""Runs the fixed query set against a running cablegate's /api/search and prints one JSON line
per request: client wall time and the server's render time (Server-Timing), both in ms.

usage: search_client.py HOST:PORT QUERIES.tsv RUNS
"""
import http.client
import json
import sys
import time
import urllib.parse

host, queries, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection(host, timeout=60)
for line in open(queries, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    cls, q = line.rstrip("\n").split("\t")[:2]
    path = "/api/search?" + urllib.parse.urlencode({"q": q})
    for run in range(runs + 1):
        t = time.perf_counter()
        conn.request("GET", path)
        res = conn.getresponse()
        body = res.read()
        ms = (time.perf_counter() - t) * 1000
        if res.status != 200:
            sys.exit(f"{path}: HTTP {res.status}")
        timing = res.getheader("Server-Timing") or ""
        render = float(timing.split("dur=")[1]) if "dur=" in timing else None
        v = json.loads(body)
        if run == 0:
            continue  # the first run warms the page cache of the OS and the index's caches
        print(json.dumps({"class": cls, "query": q, "run": run, "ms": ms, "render_ms": render,
                          "total": v["total"], "hits": len(v["hits"])}), flush=True)
