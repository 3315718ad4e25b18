#!/usr/bin/env bash
# Serving benchmark: cable pages of a full-scale build, from `cablegate serve` and from nginx
# serving the same pages as static files, side by side, under wrk on 127.0.0.1.
#
#   bench/serve.sh [--data DIR] [--seconds S] [--pages N]
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
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --pages) pages=$2; shift 2 ;;
    *) echo "usage: bench/serve.sh [--data DIR] [--seconds S] [--pages N]" >&2; exit 2 ;;
  esac
done
command -v nginx >/dev/null && command -v wrk >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null
}
cargo build --release --quiet
bin=$PWD/target/release/cablegate
if [ ! -f "$data/builds/CURRENT" ]; then
  "$bin" --data "$data" release --all >/dev/null
  "$bin" --data "$data" publish >&2
fi
work=$PWD/target/bench/serve
rm -rf "$work"; mkdir -p "$work/static"
build=$data/builds/$(printf %06d "$(cat "$data/builds/CURRENT")")/build.sqlite
python3 - "$build" "$pages" > "$work/paths" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for rid, created in c.execute("SELECT reference_id, created FROM cables ORDER BY random() LIMIT ?", (int(sys.argv[2]),)):
    print(f"/cable/{created[:4]}/{created[5:7]}/{rid}.html")
PY
port=18480; nport=18481
"$bin" --data "$data" serve --addr 127.0.0.1:$port 2>/dev/null & server=$!
nginx_conf=$work/nginx.conf
cleanup() { kill $server 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; }
trap cleanup EXIT
for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print int($2/1024) " MB"}' /proc/$server/status; }
rss_before=$(rss)

# render time inside the server, and the pages for nginx
: > "$work/timings"
while read -r p; do
  mkdir -p "$work/static$(dirname "$p")"
  curl -s -D "$work/h" -o "$work/static$p" "http://127.0.0.1:$port$p"
  sed -n 's/^server-timing: render;dur=\([0-9.]*\).*/\1/p' "$work/h" >> "$work/timings"
done < "$work/paths"
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p/100); if (i<1) i=1; printf "%.2f", a[i]}'; }

cat > "$nginx_conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  server { listen 127.0.0.1:$nport; root $work/static; }
}
NGINX
nginx -c "$nginx_conf"
cat > "$work/paths.lua" <<LUA
local paths = {}
for line in io.lines("$work/paths") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
run() { wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/paths.lua" "$1" 2>&1; }
ours=$(run "http://127.0.0.1:$port")
theirs=$(run "http://127.0.0.1:$nport")
rss_after=$(rss)
rate() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }
lat() { echo "$1" | awk -v q="$2" '$1==q {print $2}'; }
errs() { echo "$1" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' '; }
echo "serving benchmark: $(wc -l < "$work/paths") cable pages of build $(cat "$data/builds/CURRENT") ($(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from cables').fetchone()[0])" "$build") cables), $(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
echo
echo "render time inside the server (Server-Timing, one pass over the pages): median $(pct "$work/timings" 50) ms, p99 $(pct "$work/timings" 99) ms, max $(pct "$work/timings" 100) ms"
echo
echo "| server | requests/s | p50 | p99 | errors |"
echo "| --- | --- | --- | --- | --- |"
echo "| cablegate serve | $(rate "$ours") | $(lat "$ours" 50%) | $(lat "$ours" 99%) | $(errs "$ours") |"
echo "| nginx, same pages as files | $(rate "$theirs") | $(lat "$theirs" 50%) | $(lat "$theirs" 99%) | $(errs "$theirs") |"
echo
echo "cablegate / nginx: $(python3 -c "print('%.2f' % ($(rate "$ours")/$(rate "$theirs")))"); server memory $rss_before before, $rss_after after"
