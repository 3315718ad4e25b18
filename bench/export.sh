#!/usr/bin/env bash
# Export benchmark: `cablegate export` of a build into an empty folder, then again into the same
# folder (nothing changed: only hashing), beside a bare Python template loop writing one page per
# cable of the same build (bench/baselines/template_loop.py).
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
cargo build --release --quiet
bin=target/release/cablegate
work=target/bench
mirror="$work/mirror"
build="$data/builds/$(printf %06d "$(cat "$data/builds/CURRENT")")/build.sqlite"
: > "$work/export-times"
for i in $(seq "$runs"); do
  rm -rf "$mirror" "$work/baseline-pages"; sync
  /usr/bin/time -f "first %e %M" "$bin" --data "$data" export "$mirror" --json > "$work/export-first.json" 2>> "$work/export-times"
  /usr/bin/time -f "again %e %M" "$bin" --data "$data" export "$mirror" --json > "$work/export-again.json" 2>> "$work/export-times"
  rm -rf "$work/baseline-pages"; sync
  /usr/bin/time -f "baseline %e %M" python3 bench/baselines/template_loop.py "$build" "$work/baseline-pages" > "$work/export-baseline.txt" 2>> "$work/export-times"
done
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
col() { awk -v k="$1" '$1==k {print $2}' "$work/export-times"; }
mem() { awk -v k="$1" '$1==k {print $3/1024}' "$work/export-times" | median; }
files=$(python3 -c "import json; print(json.load(open('$work/export-first.json'))['files'])")
written_again=$(python3 -c "import json; print(json.load(open('$work/export-again.json'))['written'])")
pages=$(cat "$work/export-baseline.txt")
first=$(col first | median); again=$(col again | median); base=$(col baseline | median)
echo "export benchmark: build of $(python3 -c "import sqlite3; print(sqlite3.connect('$build').execute('select count(*) from cables').fetchone()[0])") cables, $runs run(s), $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
echo
echo "| run | wall time (median) | files per second | peak memory |"
echo "| --- | --- | --- | --- |"
echo "| cablegate export, empty folder | $first s | $(python3 -c "print(round($files/$first))") | $(mem first) MB |"
echo "| cablegate export, same build again ($written_again files written) | $again s | $(python3 -c "print(round($files/$again))") | $(mem again) MB |"
echo "| baseline: Python template loop, one page per cable | $base s | $(python3 -c "print(round($pages/$base))") | $(mem baseline) MB |"
echo
echo "mirror: $files files, $(du -sm "$mirror" | cut -f1) MB on disk ($(python3 -c "import json; print(round(json.load(open('$work/export-first.json'))['bytes']/1e6))") MB of content); export / baseline pages per second: $(python3 -c "print('%.2f' % (($files/$first)/($pages/$base)))")"
