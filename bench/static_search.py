#!/usr/bin/env python3
"""What a reader of a static mirror downloads to search: the fixed query set run on the mirror's
search page in headless Debian chromium (a fresh profile per query, so nothing is cached),
served by a plain static file server that counts the bytes of every file it sends. Prints one
JSON line per query: bytes in all (page, stylesheet, script, index files), bytes of the index
files alone, the files fetched, the matches the page shows, and the seconds it took.

usage: static_search.py MIRROR QUERIES.tsv
"""
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

mirror, queries = sys.argv[1], sys.argv[2]
sent = []  # (path, bytes) of the current query
lock = threading.Lock()


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=mirror, **k)

    def log_message(self, *a):
        pass

    def copyfile(self, source, outputfile):
        start = source.tell()
        super().copyfile(source, outputfile)
        with lock:
            sent.append((urllib.parse.urlsplit(self.path).path, source.tell() - start))


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
port = server.server_address[1]
threading.Thread(target=server.serve_forever, daemon=True).start()
summary = re.compile(r'class="summary" role="status"><strong>([0-9,]+)')
try:
    for line in open(queries, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cls, q = line.rstrip("\n").split("\t")[:2]
        with lock:
            sent.clear()
        url = f"http://127.0.0.1:{port}/search.html?" + urllib.parse.urlencode({"q": q})
        t = time.perf_counter()
        with tempfile.TemporaryDirectory() as profile:
            dom = subprocess.run(
                ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--virtual-time-budget=30000", "--dump-dom", url],
                capture_output=True, text=True, timeout=120).stdout
        seconds = time.perf_counter() - t
        m = summary.search(dom)
        with lock:
            files = list(sent)
        index = [f for f in files if f[0].startswith("/search/")]
        print(json.dumps({
            "class": cls, "query": q,
            "bytes": sum(b for _, b in files), "index_bytes": sum(b for _, b in index),
            "files": len(files), "shards": sum(1 for p, _ in index if p.startswith("/search/t/")),
            "matches": int(m.group(1).replace(",", "")) if m else None, "seconds": round(seconds, 2),
        }), flush=True)
finally:
    server.shutdown()
