#!/usr/bin/env python3
"""The export benchmark's baseline: a bare Python loop that writes one HTML page per cable of a
build from a string template (text escaped), nothing else: no listings, no links, no manifest.

usage: template_loop.py BUILD.sqlite OUT_DIR    (prints the number of pages written)
"""
import html
import os
import sqlite3
import string
import sys

PAGE = string.Template(
    """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>$id: $subject</title></head>
<body><h1>$id: $subject</h1><table><tr><th>Created</th><td>$created</td></tr>
<tr><th>Classification</th><td>$classification</td></tr><tr><th>Origin</th><td>$origin</td></tr></table>
<pre>$header</pre><pre>$body</pre></body></html>"""
)
build, out = sys.argv[1], sys.argv[2]
con = sqlite3.connect(build)
n = 0
rows = con.execute(
    "SELECT c.reference_id, c.subject, c.created, c.classification, c.origin, v.header, v.body FROM cables c "
    "JOIN versions v ON v.cable_id = c.id AND v.version = c.versions"
)
for rid, subject, created, classification, origin, header, body in rows:
    d = os.path.join(out, "cable", (created or "0000-00")[:4], (created or "0000-00")[5:7])
    os.makedirs(d, exist_ok=True)
    page = PAGE.substitute(
        id=rid, subject=html.escape(subject or ""), created=created or "", classification=classification or "",
        origin=html.escape(origin or ""), header=html.escape(header), body=html.escape(body),
    )
    with open(os.path.join(d, rid + ".html"), "w", encoding="utf-8") as f:
        f.write(page)
    n += 1
print(n)
