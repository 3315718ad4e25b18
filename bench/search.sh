#!/usr/bin/env bash
# Search benchmark, beside SQLite FTS5 on the same cables in the same run:
#  1. import + release + publish (the build with its search index), against loading the CSV into
#     SQLite and building an FTS5 index (bench/baselines/fts5.py);
#  2. the fixed query set (bench/queries.tsv): a full results page (exact count, top 20 with
#     snippets, facets, month histogram) through /api/search of a running server, against the
#     same page from FTS5 (count, top 20 by bm25 with a snippet, the same facets).
#
#   bench/search.sh [--count N] [--runs R] [--builds B]
#
# R: requests per query (default 20, after one warm-up); B: import+publish runs (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
count=251287
runs=20
builds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --builds) builds=$2; shift 2 ;;
    *) echo "usage: bench/search.sh [--count N] [--runs R] [--builds B]" >&2; exit 2 ;;
  esac
done
shared=${CABLEGATE_SHARED:-../shared}
work=target/bench
mkdir -p "$work"
corpus="$work/cables-$count.csv"
if [ ! -s "$corpus" ]; then
  echo "writing $corpus with make-corpus ($count cables)…" >&2
  python3 "$shared/tools/make-corpus" --count "$count" "$corpus" >&2
fi
# BIN: a cablegate binary to use instead of building the release one (.ci/run passes its test build)
[ -n "${BIN:-}" ] || cargo build --release --quiet
bin=$(realpath "${BIN:-target/release/cablegate}")
data="$work/search-data"
fts="$work/fts5.sqlite"
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -f "$fts"; }
trap cleanup EXIT
cat "$corpus" > /dev/null

: > "$work/search-times"
for i in $(seq "$builds"); do
  rm -rf "$data" "$fts"; sync
  /usr/bin/time -f "fts5_load %e %M" python3 bench/baselines/fts5.py load "$corpus" "$fts" > /dev/null 2>> "$work/search-times"
  rm -rf "$data"; sync
  /usr/bin/time -f "import %e %M" "$bin" --data "$data" import "$corpus" > /dev/null 2>> "$work/search-times"
  "$bin" --data "$data" release --all --at "2010-11-28 00:00" > /dev/null
  /usr/bin/time -f "publish %e %M" "$bin" --data "$data" publish > /dev/null 2>> "$work/search-times"
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CABLEGATE_LOG=warn "$bin" --data "$data" serve --addr "127.0.0.1:$port" 2> "$work/search-server.log" &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/" > /dev/null && break; sleep 0.1; done
python3 bench/search_client.py "127.0.0.1:$port" bench/queries.tsv "$runs" > "$work/search-ours.jsonl"
python3 bench/baselines/fts5.py query "$fts" bench/queries.tsv "$runs" > "$work/search-fts5.jsonl"
# the same queries through `cablegate search`, in one process per query (its first run opens the
# index cold and is left out)
: > "$work/search-cli.jsonl"
grep -v '^#' bench/queries.tsv | while IFS=$'\t' read -r cls q _; do
  [ -n "$cls" ] || continue
  "$bin" --data "$data" search --json --repeat "$((runs + 1))" -- "$q" \
    | python3 -c "import json,sys; r=json.load(sys.stdin); [print(json.dumps({'class': sys.argv[1], 'query': r['query'], 'ms': m, 'total': r['total']})) for m in r['ms'][1:]]" "$cls" \
    >> "$work/search-cli.jsonl"
done

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
minmax() { sort -n | awk 'NR==1{min=$1} {max=$1} END {printf "%.1f–%.1f", min, max}'; }
col() { awk -v k="$1" '$1==k {print $2}' "$work/search-times"; }
mem() { awk -v k="$1" '$1==k {print $3/1024}' "$work/search-times" | median; }
both=$(paste <(col import) <(col publish) | awk '{print $1+$2}')
. bench/summary.sh
index_mb=$(du -smL "$data"/builds/000001/search | cut -f1)
build_mb=$(du -smL "$data"/builds/000001 | cut -f1)

echo
echo "search benchmark: $count cables, $(du -mL "$corpus" | cut -f1) MB, $builds build run(s), $runs requests per query, $(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
echo
echo "| step | wall time: median (min–max) | peak memory |"
echo "| --- | --- | --- |"
echo "| cablegate import | $(col import | median) s ($(col import | minmax)) | $(mem import) MB |"
echo "| cablegate publish (build + search index, $index_mb MB of $build_mb MB) | $(col publish | median) s ($(col publish | minmax)) | $(mem publish) MB |"
echo "| **cablegate import + publish** (target ≤ 66 s) | **$(echo "$both" | median) s** ($(echo "$both" | minmax)) | |"
echo "| baseline: SQLite load + FTS5 index | $(col fts5_load | median) s ($(col fts5_load | minmax)) | $(mem fts5_load) MB |"
echo
echo "(import + publish) / baseline: $(python3 -c "print('%.2f' % ($(echo "$both" | median)/$(col fts5_load | median)))")"
echo
summary "import + publish with the search index" "≤ 66 s" \
  "$(echo "$both" | median) s ($(echo "$both" | minmax)), publish $(mem publish) MB" \
  "$(col fts5_load | median) s (SQLite load + FTS5)" \
  "$(python3 -c "print('%.2f×' % ($(echo "$both" | median)/$(col fts5_load | median)))")"
python3 bench/summarize_search.py "$work/search-ours.jsonl" "$work/search-fts5.jsonl" "$work/search-cli.jsonl"
echo
echo "server memory after the queries: $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}')"
