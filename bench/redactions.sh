#!/usr/bin/env bash
# Publish with 100 redactions against publish with none, on one archive, alternating, and the
# audit's time on the redacted build: issue 19's "within 10 %" and the audit at full scale.
#
#   bench/redactions.sh [BIN] [--count N] [--runs R]
#
# BIN defaults to target/release/cablegate. The corpus is written by ../shared/tools/make-corpus
# (N cables, default all 251,287) into target/bench unless it is there. The 100 redactions are
# names of people the real cables tag (`OVIP (CLINTON, HILLARY)` → `Hillary Clinton`), then the
# names of their signers (`Scobey`, `Van Voorst`), most frequent first: real names, written into the synthetic texts
# the way the real ones are. They are put into the archive's table directly, as `redact add
# --force` would store them, because each `redact add` first previews its matches over the whole
# archive (seconds each at full scale), which is not what is measured here.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath target/release/cablegate)
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then bin=$(realpath "$1"); shift; fi
count=251287; runs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: bench/redactions.sh [BIN] [--count N] [--runs R]" >&2; exit 2 ;;
  esac
done
shared=${CABLEGATE_SHARED:-../shared}
work=$PWD/target/bench/redactions; rm -rf "$work"; mkdir -p "$work"
corpus=$PWD/target/bench/cables-$count.csv
[ -s "$corpus" ] || python3 "$shared/tools/make-corpus" --count "$count" "$corpus" >&2
d=$work/data
/usr/bin/time -f "import %e s" "$bin" --data "$d" import "$corpus" 2>&1 > /dev/null | tail -1
"$bin" --data "$d" release --all --at "2011-01-01 00:00" > /dev/null

"$bin" parse --csv "$shared/corpus/cables.csv.gz" | python3 -c '
import collections, json, sys
people, signers = collections.Counter(), collections.Counter()
for line in sys.stdin:
    c = json.loads(line)
    for t in c.get("tags") or []:
        if ", " in t and "X" * 6 not in t:
            last, first = t.split(", ", 1)
            if last.isalpha() and first.split()[0].isalpha():
                people[f"{first.split()[0].title()} {last.title()}"] += 1
    for s in c.get("signed_by") or []:
        if all(w.isalpha() for w in s.split()) and len(s) >= 4:
            signers[s.title()] += 1
names = [n for n, _ in people.most_common()] + [n for n, _ in signers.most_common()]
names = list(dict.fromkeys(names))
print("\n".join(names[:100]))' > "$work/names.txt"
echo "redactions: $(wc -l < "$work/names.txt") names, e.g. $(head -3 "$work/names.txt" | paste -sd, -)"

redact() { # add the 100 names, or remove them all
  python3 - "$d/archive.sqlite" "$1" "$work/names.txt" <<'PY'
import sqlite3, sys
db, what, names = sys.argv[1:]
c = sqlite3.connect(db)
if what == "add":
    for n in open(names).read().split("\n"):
        if n:
            c.execute("INSERT INTO redactions (text, cable_id, note, added_at) VALUES (?, NULL, 'bench', '2011-01-01T00:00:00Z')", (n,))
else:
    c.execute("DELETE FROM redactions")
c.commit()
PY
}
for r in $(seq "$runs"); do
  for kind in none with; do
    if [ $kind = with ]; then redact add; else redact remove; fi
    /usr/bin/time -f "publish $kind: %e s, %U s user, %M KB" "$bin" --data "$d" publish 2>&1 > /dev/null | tail -1
    # keep the current build only (disk)
    for b in $("$bin" --data "$d" publications --json | python3 -c 'import json,sys; v=json.load(sys.stdin); print(" ".join(str(m["number"]) for m in v["builds"] if m["number"] != v["current"]))'); do
      "$bin" --data "$d" publications --remove "$b" > /dev/null
    done
  done
done
# the audit of the last build (100 redactions), alone and with the build's export
/usr/bin/time -f "audit: %e s, %M KB" "$bin" --data "$d" audit 2>&1 | tail -2
/usr/bin/time -f "export: %e s" "$bin" --data "$d" export "$work/mirror" 2>&1 > /dev/null | tail -1
/usr/bin/time -f "audit with the export: %e s, %M KB" "$bin" --data "$d" audit --export "$work/mirror" 2>&1 | tail -2
