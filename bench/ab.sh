#!/usr/bin/env bash
# Two cablegate binaries side by side on the same corpus, alternating, so that a change with no
# intended change of behaviour can show it costs nothing: import + publish, the export of one
# publication by both (their MANIFEST.sha256 must be identical), search pages, and 20,000 random
# cable pages served under wrk.
#
#   bench/ab.sh OLD_BIN NEW_BIN [--count N] [--runs R]
#
# Writes the corpus with ../shared/tools/make-corpus (N cables, default all 251,287) into
# target/bench unless it is there; prints one line per measurement. Needs wrk (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/ab.sh OLD_BIN NEW_BIN [--count N] [--runs R]" >&2; exit 2; }
declare -A BIN=([old]=$(realpath "$1") [new]=$(realpath "$2")); shift 2
count=251287; runs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: bench/ab.sh OLD_BIN NEW_BIN [--count N] [--runs R]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
work=$PWD/target/bench/ab; mkdir -p "$work"
corpus=$PWD/target/bench/cables-$count.csv
[ -s "$corpus" ] || python3 "${CABLEGATE_SHARED:-../shared}/tools/make-corpus" --count "$count" "$corpus" >&2
cold() { sync; if [ -w /proc/sys/vm/drop_caches ]; then echo 3 > /proc/sys/vm/drop_caches; fi; }
cat "$corpus" > /dev/null
for n in old new; do
  d=$work/data-$n; rm -rf "$d"
  /usr/bin/time -f "$n import %e s, %M KB" "${BIN[$n]}" --data "$d" import "$corpus" > /dev/null 2> "$work/err" || true
  tail -1 "$work/err"
  "${BIN[$n]}" --data "$d" release --all --at "2011-01-01 00:00" > /dev/null
  /usr/bin/time -f "$n publish %e s, %M KB" "${BIN[$n]}" --data "$d" publish --at "2011-09-01 00:00" 2>&1 > /dev/null | tail -1
done
# the export: one publication (the new binary's), both binaries, alternating
for r in $(seq "$runs"); do for n in old new; do
  rm -rf "$work/mirror"; cold
  /usr/bin/time -f "$n export %e s, %U s user, %M KB" "${BIN[$n]}" --data "$work/data-new" export "$work/mirror" 2>&1 > /dev/null | tail -1
  echo "$n mirror $(sha256sum < "$work/mirror/MANIFEST.sha256" | cut -c1-16)"
done; done
rm -rf "$work/mirror"
for q in '"human rights"' 'iran nuclear' 'tag:PHUM created:2009' 'moussavi'; do
  for r in $(seq "$runs"); do for n in old new; do
    "${BIN[$n]}" --data "$work/data-$n" search --json --repeat 101 -- "$q" 2>/dev/null | tail -1 |
      python3 -c "import json,sys; r=json.load(sys.stdin); ms=sorted(r['ms']); print('$n search', repr(r['query']), 'median %.2f ms' % ms[len(ms)//2], 'total', r['total'])"
  done; done
done
python3 - "$work" <<'PY'
import random, sqlite3, sys
work = sys.argv[1]
db = sqlite3.connect(f"file:{work}/data-new/builds/000001/build.sqlite?immutable=1", uri=True)
rows = db.execute("SELECT reference_id, created FROM cables").fetchall()
random.seed(7); random.shuffle(rows)
with open(f"{work}/paths.txt", "w") as f:
    for rid, c in rows[:20000]:
        y, m = (c[0:4], c[5:7]) if c else ("0000", "00")
        f.write(f"/cable/{y}/{m}/{rid}.html\n")
with open(f"{work}/paths.lua", "w") as f:
    f.write(f'local paths = {{}}\nfor line in io.lines("{work}/paths.txt") do paths[#paths + 1] = line end\n'
            'local i = 0\nrequest = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end\n')
PY
for r in $(seq "$runs"); do for n in old new; do
  "${BIN[$n]}" --data "$work/data-$n" serve --addr 127.0.0.1:18401 2>/dev/null & pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18401/ && break; sleep 0.2; done
  echo "$n serve: $(wrk -t2 -c32 -d15s -s "$work/paths.lua" http://127.0.0.1:18401/ | grep -E 'Requests/sec' | tr -s ' ')"
  kill $pid; wait $pid 2>/dev/null || true
done; done
