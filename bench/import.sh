#!/usr/bin/env bash
# Full-scale import benchmark: `cablegate import` (first run, then an unchanged rerun) beside
# Python's csv module + SQLite INSERTs in one transaction, on the same file, in the same run.
#
#   bench/import.sh [--count N] [--runs R]
#
# Writes the corpus with ../shared/tools/make-corpus into target/bench/ unless it is there, builds
# the release binary, runs each contender R times (default 3) from the page cache, and prints a
# Markdown table of medians (min–max), peak memory, and how the import's time divides.
set -euo pipefail
cd "$(dirname "$0")/.."
count=251287
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: bench/import.sh [--count N] [--runs R]" >&2; exit 2 ;;
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
cat "$corpus" > /dev/null   # into the page cache

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
minmax() { sort -n | awk 'NR==1{min=$1} {max=$1} END {printf "%.2f–%.2f", min, max}'; }

: > "$work/times"
rm -f "$work"/first-*.json "$work"/rerun-*.json
for i in $(seq "$runs"); do
  # each run starts with no dirty pages left by the one before (they would slow its writes)
  rm -rf "$work/data" "$work/baseline.sqlite"; sync
  /usr/bin/time -f "baseline %e %M" python3 bench/baselines/sqlite_insert.py "$corpus" "$work/baseline.sqlite" > /dev/null 2>> "$work/times"
  rm -f "$work/baseline.sqlite"; sync
  /usr/bin/time -f "first %e %M" "$bin" --data "$work/data" import "$corpus" --json > "$work/first-$i.json" 2>> "$work/times"
  sync
  /usr/bin/time -f "rerun %e %M" "$bin" --data "$work/data" import "$corpus" --json > "$work/rerun-$i.json" 2>> "$work/times"
done
rm -rf "$work/baseline.sqlite"

. bench/summary.sh
row() { # name key
  local t m
  t=$(awk -v k="$2" '$1==k {print $2}' "$work/times")
  m=$(awk -v k="$2" '$1==k {print $3/1024}' "$work/times" | median)
  printf "| %s | %s s (%s) | %s MB |\n" "$1" "$(echo "$t" | median)" "$(echo "$t" | minmax)" "$m"
}
stage() { python3 -c "
import json,sys,statistics
v=[json.load(open(f))['timings'][sys.argv[1]] for f in sys.argv[2:]]
print('%.1f' % statistics.median(v))" "$@"; }

echo
echo "import benchmark: $count cables, $(du -mL "$corpus" | cut -f1) MB, $runs runs, $(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
echo
echo "| run | wall time: median (min–max) | peak memory (median) |"
echo "| --- | --- | --- |"
row "cablegate import, first" first
row "cablegate import, unchanged rerun" rerun
row "baseline: Python csv + SQLite INSERT, one transaction" baseline
b=$(awk '$1=="baseline" {print $2}' "$work/times" | median)
f=$(awk '$1=="first" {print $2}' "$work/times" | median)
echo
echo "first import / baseline: $(python3 -c "print('%.2f' % ($f/$b))")"
times() { awk -v k="$1" '$1==k {print $2}' "$work/times"; }
mems() { awk -v k="$1" '$1==k {print $3/1024}' "$work/times" | median; }
summary "import, first run ($count cables)" "≤ 20 s, ≤ 1024 MB" \
  "$(times first | median) s ($(times first | minmax)), $(mems first) MB" "$b s (Python csv + SQLite)" \
  "$(python3 -c "print('%.2f×' % ($f/$b))")"
summary "import, unchanged rerun" "≤ 10 s" "$(times rerun | median) s ($(times rerun | minmax)), $(mems rerun) MB" "" ""
echo "busy time per stage of the first import (median; the stages overlap on 2 cores):" \
  "reading $(stage reading_s "$work"/first-*.json) s, parsing $(stage parsing_s "$work"/first-*.json) s," \
  "writing $(stage writing_s "$work"/first-*.json) s"
