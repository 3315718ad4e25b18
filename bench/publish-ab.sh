#!/usr/bin/env bash
# Publish at full scale with two binaries, alternating on one archive (imported once by NEW_BIN,
# everything released), R runs each: the cost of a change to publish, side by side.
#
#   bench/publish-ab.sh OLD_BIN NEW_BIN [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/publish-ab.sh OLD_BIN NEW_BIN [RUNS]" >&2; exit 2; }
old=$(realpath "$1"); new=$(realpath "$2"); runs=${3:-2}
corpus=$PWD/target/bench/cables-251287.csv
[ -s "$corpus" ] || python3 "${CABLEGATE_SHARED:-../shared}/tools/make-corpus" "$corpus" >&2
d=$PWD/target/bench/publish-ab; rm -rf "$d"
"$new" --data "$d" import "$corpus" > /dev/null
"$new" --data "$d" release --all --at "2011-01-01 00:00" > /dev/null
for r in $(seq "$runs"); do
  for which in old new; do
    bin=$old; [ $which = new ] && bin=$new
    /usr/bin/time -f "$which publish: %e s, %U s user, %M KB" "$bin" --data "$d" publish 2>&1 > /dev/null | tail -1
    # keep the current build only (disk)
    cur=$(cat "$d/builds/CURRENT")
    for x in $(ls "$d/builds" | grep -E '^[0-9]+$'); do [ "$((10#$x))" = "$cur" ] || rm -rf "${d:?}/builds/$x"; done
  done
done
rm -rf "$d"
