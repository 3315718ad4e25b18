#!/usr/bin/env bash
# Serving benchmark: cable pages, listing pages and searches of a full-scale build from
# `cablegate serve`, and the same pages (not the searches: they need a server) from nginx serving
# them as static files, side by side, under wrk on 127.0.0.1.
#
#   bench/serve.sh [--data DIR] [--seconds S] [--pages N] [--mirror DIR]
#
# nginx serves the static export of the same build (--mirror, default target/bench/mirror when
# bench/export.sh left one of the current build), or else the pages fetched from the server. N
# cable pages (default 2000) are requested at random; with N large enough (20,000 cable pages
# are about 300 MB) the working set exceeds the server's 256 MB page cache.
#
# DIR is a data folder with a current build (default target/bench/data, which bench/import.sh
# leaves; this script releases everything and publishes when it has no build). Installs nginx and
# wrk from Debian's packages when missing. Prints render time inside the server (its
# Server-Timing header), requests per second and latency for both, and the server's memory.
set -euo pipefail
cd "$(dirname "$0")/.."
data=target/bench/data
seconds=15
pages=2000
mirror=target/bench/mirror
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --pages) pages=$2; shift 2 ;;
    --mirror) mirror=$2; shift 2 ;;
    *) echo "usage: bench/serve.sh [--data DIR] [--seconds S] [--pages N] [--mirror DIR]" >&2; exit 2 ;;
  esac
done
command -v nginx >/dev/null && command -v wrk >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null
}
# BIN: a cablegate binary to use instead of building the release one (.ci/run passes its test build)
[ -n "${BIN:-}" ] || cargo build --release --quiet
bin=$(realpath "${BIN:-target/release/cablegate}")
if [ ! -f "$data/builds/CURRENT" ]; then
  "$bin" --data "$data" release --all >/dev/null
  "$bin" --data "$data" publish >&2
fi
work=$PWD/target/bench/serve
rm -rf "$work"; mkdir -p "$work/static"
build=$data/builds/$(printf %06d "$(cat "$data/builds/CURRENT")")/build.sqlite
python3 - "$build" "$pages" "$work" <<'PY'
import re, sqlite3, sys, urllib.parse
c = sqlite3.connect(sys.argv[1])
n, work = int(sys.argv[2]), sys.argv[3]
with open(f"{work}/paths", "w") as f:
    for rid, created in c.execute("SELECT reference_id, created FROM cables ORDER BY random() LIMIT ?", (n,)):
        f.write(f"/cable/{created[:4]}/{created[5:7]}/{rid}.html\n")
def slug(s):
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]", "-", s.lower())).strip("-")
lists = []
for (d,) in c.execute("SELECT DISTINCT substr(created, 1, 7) FROM cables WHERE created IS NOT NULL"):
    lists.append(f"/date/{d}_0.html")
for (o,) in c.execute("SELECT DISTINCT origin FROM cables WHERE origin IS NOT NULL"):
    lists.append(f"/origin/{slug(o)}_0.html")
for (t,) in c.execute("SELECT tag FROM tags GROUP BY tag ORDER BY count(*) DESC LIMIT 300"):
    lists.append("/tag/" + re.sub(r"[^A-Za-z0-9-]", "_", t) + "_0.html")
with open(f"{work}/lists", "w") as f:
    f.write("".join(p + "\n" for p in lists[: max(n // 4, 10)]))
with open(f"{work}/searches", "w") as f:
    for line in open("bench/queries.tsv"):
        if line.startswith("#") or not line.strip():
            continue
        q = line.split("\t")[1]
        f.write("/search.html?" + urllib.parse.urlencode({"q": q}) + "\n")
PY
port=18480; nport=18481
"$bin" --data "$data" serve --addr 127.0.0.1:$port 2>/dev/null & server=$!
nginx_conf=$work/nginx.conf
cleanup() { kill $server 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; }
trap cleanup EXIT
for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print int($2/1024) " MB"}' /proc/$server/status; }
rss_before=$(rss)

# nginx serves the export of this very build when there is one, else the pages fetched here
current=$(cat "$data/builds/CURRENT")
if [ -f "$mirror/MANIFEST.json" ] && python3 -c "import json,sys; sys.exit(json.load(open('$mirror/MANIFEST.json'))['build'] != $current)"; then
  root=$(cd "$mirror" && pwd)
else
  root=$work/static
fi
# render time inside the server (the first 300 of each set), and the pages for nginx
for kind in paths lists searches; do
  : > "$work/timings-$kind"
  n=0
  while read -r p; do
    n=$((n + 1))
    if [ "$root" = "$work/static" ]; then
      out="$work/static${p%%\?*}"; mkdir -p "$(dirname "$out")"
    elif [ $n -le 300 ]; then
      out=/dev/null
    else
      continue
    fi
    curl -s -D "$work/h" -o "$out" "http://127.0.0.1:$port$p"
    sed -n 's/^server-timing: render;dur=\([0-9.]*\).*/\1/p' "$work/h" >> "$work/timings-$kind"
  done < "$work/$kind"
done
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p/100); if (i<1) i=1; printf "%.2f", a[i]}'; }

cat > "$nginx_conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  server { listen 127.0.0.1:$nport; root $root; }
}
NGINX
nginx -c "$nginx_conf"
for kind in paths lists searches; do
cat > "$work/$kind.lua" <<LUA
local paths = {}
for line in io.lines("$work/$kind") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
done
run() { wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/$2.lua" "$1" 2>&1; }
ours=$(run "http://127.0.0.1:$port" paths)
theirs=$(run "http://127.0.0.1:$nport" paths)
ours_lists=$(run "http://127.0.0.1:$port" lists)
theirs_lists=$(run "http://127.0.0.1:$nport" lists)
ours_search=$(run "http://127.0.0.1:$port" searches)
rss_after=$(rss)
rate() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }
lat() { echo "$1" | awk -v q="$2" '$1==q {print $2}'; }
errs() { echo "$1" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' '; }
echo "nginx serves: $root"
echo "serving benchmark: $(wc -l < "$work/paths") cable pages of build $(cat "$data/builds/CURRENT") ($(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from cables').fetchone()[0])" "$build") cables), $(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
echo
echo "render time inside the server (Server-Timing, one pass over each set):"
echo "cable pages median $(pct "$work/timings-paths" 50) ms, p99 $(pct "$work/timings-paths" 99) ms, max $(pct "$work/timings-paths" 100) ms;"
echo "listing pages ($(wc -l < "$work/lists")) median $(pct "$work/timings-lists" 50) ms, p99 $(pct "$work/timings-lists" 99) ms;"
echo "search pages ($(wc -l < "$work/searches") queries) median $(pct "$work/timings-searches" 50) ms, p99 $(pct "$work/timings-searches" 99) ms"
echo
echo "| pages | server | requests/s | p50 | p99 | errors |"
echo "| --- | --- | --- | --- | --- | --- |"
echo "| $(wc -l < "$work/paths") cable pages | cablegate serve | $(rate "$ours") | $(lat "$ours" 50%) | $(lat "$ours" 99%) | $(errs "$ours") |"
echo "| | nginx, same pages as files | $(rate "$theirs") | $(lat "$theirs" 50%) | $(lat "$theirs" 99%) | $(errs "$theirs") |"
echo "| $(wc -l < "$work/lists") listing pages | cablegate serve | $(rate "$ours_lists") | $(lat "$ours_lists" 50%) | $(lat "$ours_lists" 99%) | $(errs "$ours_lists") |"
echo "| | nginx, same pages as files | $(rate "$theirs_lists") | $(lat "$theirs_lists" 50%) | $(lat "$theirs_lists" 99%) | $(errs "$theirs_lists") |"
echo "| $(wc -l < "$work/searches") searches (results pages, not cached) | cablegate serve | $(rate "$ours_search") | $(lat "$ours_search" 50%) | $(lat "$ours_search" 99%) | $(errs "$ours_search") |"
echo
echo "cablegate / nginx: cable pages $(python3 -c "print('%.2f' % ($(rate "$ours")/$(rate "$theirs")))"), listing pages $(python3 -c "print('%.2f' % ($(rate "$ours_lists")/$(rate "$theirs_lists")))"); server memory $rss_before before, $rss_after after"
. bench/summary.sh
summary "cable page render inside the server: median / p99" "≤ 2 ms / ≤ 10 ms" \
  "$(pct "$work/timings-paths" 50) / $(pct "$work/timings-paths" 99) ms" "" ""
summary "cable pages served ($(wc -l < "$work/paths") pages, wrk -c32), requests/s" "≥ 0.5× nginx" \
  "$(rate "$ours")" "$(rate "$theirs") (nginx, the same pages as files)" \
  "$(python3 -c "print('%.2f×' % ($(rate "$ours")/$(rate "$theirs")))")"
summary "listing pages served, requests/s" "" "$(rate "$ours_lists")" "$(rate "$theirs_lists") (nginx)" \
  "$(python3 -c "print('%.2f×' % ($(rate "$ours_lists")/$(rate "$theirs_lists")))")"
summary "search results pages served (not cached), requests/s" "" "$(rate "$ours_search"), server $rss_after after" "" ""
