#!/usr/bin/env bash
# Export benchmark: `cablegate export` of a build into an empty folder, then again into the same
# folder (nothing changed: only hashing), beside a bare Python template loop writing one page per
# cable of the same build (bench/baselines/template_loop.py). Then what a reader of the mirror
# downloads to search it: the fixed query set on the mirror's search page in headless chromium
# (bench/static_search.py; installs Debian's chromium when missing).
#
#   bench/export.sh [--data DIR] [--runs R]
#
# DIR: a data folder with a current build (default target/bench/search-data, left by search.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
data=target/bench/search-data
runs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: bench/export.sh [--data DIR] [--runs R]" >&2; exit 2 ;;
  esac
done
command -v chromium >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}
# BIN: a cablegate binary to use instead of building the release one (.ci/run passes its test build)
[ -n "${BIN:-}" ] || cargo build --release --quiet
bin=$(realpath "${BIN:-target/release/cablegate}")
work=target/bench
mirror="$work/mirror"
build="$data/builds/$(printf %06d "$(cat "$data/builds/CURRENT")")/build.sqlite"
# Each run starts with the page cache emptied (when we may): ext4 will not reuse the inodes of
# files deleted moments ago while their blocks are cached, and scanning past them cost a fresh
# export into a just-deleted mirror up to a third of its time here. Both sides start alike.
cold() { sync; if [ -w /proc/sys/vm/drop_caches ]; then echo 3 > /proc/sys/vm/drop_caches; fi; }
: > "$work/export-times"
for i in $(seq "$runs"); do
  rm -rf "$mirror" "$work/baseline-pages"; cold
  /usr/bin/time -f "first %e %M" "$bin" --data "$data" export "$mirror" --json > "$work/export-first.json" 2>> "$work/export-times"
  /usr/bin/time -f "again %e %M" "$bin" --data "$data" export "$mirror" --json > "$work/export-again.json" 2>> "$work/export-times"
  rm -rf "$work/baseline-pages"; cold
  /usr/bin/time -f "baseline %e %M" python3 bench/baselines/template_loop.py "$build" "$work/baseline-pages" > "$work/export-baseline.txt" 2>> "$work/export-times"
done
. bench/summary.sh
python3 bench/static_search.py "$mirror" bench/queries.tsv > "$work/static-search.jsonl"
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
col() { awk -v k="$1" '$1==k {print $2}' "$work/export-times"; }
mem() { awk -v k="$1" '$1==k {print $3/1024}' "$work/export-times" | median; }
files=$(python3 -c "import json; print(json.load(open('$work/export-first.json'))['files'])")
written_again=$(python3 -c "import json; print(json.load(open('$work/export-again.json'))['written'])")
pages=$(cat "$work/export-baseline.txt")
html=$(python3 -c "import json; print(sum(1 for f in json.load(open('$mirror/MANIFEST.json'))['files'] if f.endswith('.html')))")
first=$(col first | median); again=$(col again | median); base=$(col baseline | median)
echo "export benchmark: build of $(python3 -c "import sqlite3; print(sqlite3.connect('$build').execute('select count(*) from cables').fetchone()[0])") cables, $runs run(s), $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
echo
echo "| run | wall time (median) | files per second | peak memory |"
echo "| --- | --- | --- | --- |"
echo "| cablegate export, empty folder | $first s | $(python3 -c "print(round($files/$first))") | $(mem first) MB |"
echo "| cablegate export, same build again ($written_again files written) | $again s | $(python3 -c "print(round($files/$again))") | $(mem again) MB |"
echo "| baseline: Python template loop, one page per cable | $base s | $(python3 -c "print(round($pages/$base))") | $(mem baseline) MB |"
echo
echo "mirror: $html HTML pages in $files files, $(du -sm "$mirror" | cut -f1) MB on disk ($(python3 -c "import json; print(round(json.load(open('$work/export-first.json'))['bytes']/1e6))") MB of content); export / baseline pages per second: $(python3 -c "print('%.2f' % (($files/$first)/($pages/$base)))")"
echo
python3 - "$work/static-search.jsonl" "$work/search-ours.jsonl" <<'PY'
import json, os, statistics, sys
from collections import defaultdict
rows = [json.loads(l) for l in open(sys.argv[1])]
server = {}
if os.path.exists(sys.argv[2]):
    for l in open(sys.argv[2]):
        r = json.loads(l)
        server[r["query"]] = r["total"]
by = defaultdict(list)
for r in rows:
    by[r["class"]].append(r)
kb = lambda b: f"{b / 1024:.0f}"
print("search on the mirror, in chromium (nothing cached): what a query downloads")
print()
print("| class | all files, KB: median (max) | index files, KB: median (max) | shards: max | matches equal to the server's |")
print("| --- | --- | --- | --- | --- |")
for cls, rs in list(by.items()) + [("all", rows)]:
    a, i = [r["bytes"] for r in rs], [r["index_bytes"] for r in rs]
    same = sum(1 for r in rs if server.get(r["query"]) == r["matches"])
    print(f"| {cls} | {kb(statistics.median(a))} ({kb(max(a))}) | {kb(statistics.median(i))} ({kb(max(i))}) | {max(r['shards'] for r in rs)} | {same} of {len(rs)} |")
differ = [f"`{r['query']}` {r['matches']} vs {server.get(r['query'])}" for r in rows if server.get(r["query"]) != r["matches"]]
if differ:
    print()
    print("differ (a mirror reads a phrase as its words, a release date not at all): " + "; ".join(differ))
a = [r["bytes"] for r in rows]
if os.environ.get("BENCH_SUMMARY"):
    with open(os.environ["BENCH_SUMMARY"], "a", encoding="utf-8") as out:
        out.write("\t".join(["static search on the mirror: downloaded per query, median (max)", "≤ 300 KB typical",
                             f"{kb(statistics.median(a))} KB ({kb(max(a))} KB)", "", ""]) + "\n")
PY
# the target counts pages: the site's HTML pages (not the JSON API, feeds or search index files
# written in the same run), over the whole export's wall time
summary "export of the build as a mirror: HTML pages per second ($html pages; whole export, $files files in all)" "≥ 5,000/s" \
  "$(python3 -c "print(round($html/$first))")/s ($first s)" \
  "$(python3 -c "print(round($pages/$base))")/s (Python template loop, pages only)" \
  "$(python3 -c "print('%.2f×' % (($html/$first)/($pages/$base)))")"
summary "export of the build as a mirror: files per second (pages, JSON API, feeds, search index)" "" \
  "$(python3 -c "print(round($files/$first))")/s ($(mem first) MB peak with the search index)" "" ""
summary "mirror's search index: build memory (the export's peak)" "< 2048 MB" "$(mem first) MB" "" ""

