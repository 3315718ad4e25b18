#!/usr/bin/env bash
# A soak of `cablegate serve`: mixed traffic for a while — cable pages (more of them than the
# page cache holds at full scale), list pages, cheap and costly searches, search feeds, 404s,
# and slow clients that read a byte a second — while a new build is published and switched to.
# Prints, per kind, requests, errors (socket errors, timeouts, and any status but the one the
# kind expects) and latencies (p50, p99); the server's RSS every second (its first, settled and
# last values); and fails when a request failed or RSS grew more than 10 % after it settled
# (after the switch, since the second build's pages and tables join the first's).
#
#   bench/soak.sh [--data DIR] [--seconds S]     # default: the demo's data, 600 s
#
# DIR is a data folder with a current build (default: the demo's cables, imported and published
# into target/bench/soak). Installs wrk from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
data=""; seconds=600
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: bench/soak.sh [--data DIR] [--seconds S]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
# BIN: a cablegate binary to use instead of building the release one (.ci/run passes its test build)
[ -n "${BIN:-}" ] || cargo build --release --quiet
bin=$(realpath "${BIN:-target/release/cablegate}")
work=$PWD/target/bench/soak; rm -rf "$work/out"; mkdir -p "$work/out"
if [ -z "$data" ]; then
  data=$work/data
  bench/demo-data.sh "$bin" "$data"
fi
build=$data/builds/$(printf %06d "$(cat "$data/builds/CURRENT")")/build.sqlite
python3 - "$build" "$work/out" <<'PY'
import re, sqlite3, sys, urllib.parse
c = sqlite3.connect(sys.argv[1]); out = sys.argv[2]
def write(name, paths):
    open(f"{out}/{name}", "w").write("".join(p + "\n" for p in paths))
write("cables", [f"/cable/{cr[:4]}/{cr[5:7]}/{rid}.html" for rid, cr in
                 c.execute("SELECT reference_id, created FROM cables WHERE created IS NOT NULL ORDER BY random()")])
slug = lambda s: re.sub(r"-+", "-", re.sub(r"[^a-z0-9]", "-", s.lower())).strip("-")
lists = [f"/date/{d}_0.html" for (d,) in c.execute("SELECT DISTINCT substr(created, 1, 7) FROM cables WHERE created IS NOT NULL")]
lists += [f"/origin/{slug(o)}_0.html" for (o,) in c.execute("SELECT DISTINCT origin FROM cables WHERE origin IS NOT NULL")]
write("lists", lists)
queries = [l.split("\t")[1] for l in open("bench/queries.tsv") if l.strip() and not l.startswith("#")]
write("cheap", ["/search?" + urllib.parse.urlencode({"q": q}) for q in queries])
costly = [" OR ".join(f'"{a} {b}"' for a, b in zip(q.split(), q.split()[1:]) ) or q for q in queries]
costly += ["iran OR iraq OR syria OR egypt OR libya nuclear* sanction* " + q for q in queries]
write("costly", ["/search?" + urllib.parse.urlencode({"q": q}) for q in costly])
write("feeds", ["/search.atom?" + urllib.parse.urlencode({"q": q}) for q in queries] + ["/feed.atom"])
write("missing", [f"/cable/2009/04/09NOWHERE{i}.html" for i in range(500)] + [f"/tag/NOPE{i}_0.html" for i in range(500)])
PY
port=18490
"$bin" --data "$data" serve --addr 127.0.0.1:$port 2> "$work/out/server.log" & server=$!
pids=()
cleanup() { kill "$server" "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
for i in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

# RSS every second
( while kill -0 "$server" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$server/status" 2>/dev/null || true; sleep 1; done ) > "$work/out/rss" & pids+=($!)
# slow clients: each asks for a search page and reads it a byte a second
python3 - "$port" "$seconds" > "$work/out/slow" 2>&1 <<'PY' & pids+=($!)
import socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
socks = []
for i in range(40):
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(1)
    s.sendall(b"GET /search?q=the HTTP/1.1\r\nHost: x\r\n\r\n"); socks.append(s)
end = time.time() + seconds
closed = 0
while time.time() < end and socks:
    for s in list(socks):
        try:
            if not s.recv(1): socks.remove(s); closed += 1
        except socket.timeout: pass
        except OSError: socks.remove(s); closed += 1
    time.sleep(1)
print(f"slow clients: 40, closed by the server: {closed}")
PY
# one wrk per kind, each with its own connections
for kind in cables:8 lists:4 cheap:4 costly:2 feeds:2 missing:2; do
  name=${kind%%:*}; conns=${kind##*:}
  cat > "$work/out/$name.lua" <<LUA
local paths = {}
for line in io.lines("$work/out/$name") do paths[#paths + 1] = line end
math.randomseed(${#name})
request = function() return wrk.format("GET", paths[math.random(#paths)], {Host = "soak"}) end
LUA
  wrk -t1 -c"$conns" -d"${seconds}s" --timeout 10s --latency -s "$work/out/$name.lua" "http://127.0.0.1:$port" > "$work/out/$name.wrk" 2>&1 & pids+=($!)
done
# halfway, a new build is published and switched to (the server switches within a second)
started=$(date +%s)
sleep $((seconds / 2))
"$bin" --data "$data" publish > "$work/out/publish" 2>&1
switched=$(( $(date +%s) - started + 1 ))
wait "${pids[@]:2}" || true
wait "${pids[1]}" 2>/dev/null || true
status=0
for name in cables lists cheap costly feeds missing; do
  f=$work/out/$name.wrk
  reqs=$(awk '/requests in/ {print $1}' "$f")
  sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$f"); sock=${sock:-0}
  non=$(awk '/Non-2xx/ {print $NF}' "$f"); non=${non:-0}
  p50=$(awk '$1 == "50%" {print $2}' "$f"); p99=$(awk '$1 == "99%" {print $2}' "$f")
  # 404s are what the missing kind expects; any other status than 2xx/3xx is an error
  errors=$sock; [ "$name" = missing ] && [ "$non" = "$reqs" ] || errors=$((sock + non))
  [ "$name" = missing ] && [ "$non" != "$reqs" ] && errors=$((sock + reqs - non))
  echo "$name: $reqs requests, $errors errors, p50 $p50, p99 $p99"
  [ "$errors" -eq 0 ] || status=1
done
cat "$work/out/slow"
python3 - "$work/out/rss" "$seconds" "$switched" <<'PY' || status=1
import sys
r = [int(x) // 1024 for x in open(sys.argv[1]) if x.strip()]
seconds, switched = int(sys.argv[2]), int(sys.argv[3])
# two builds are in memory once the second is switched to (the old one's pages leave the page
# cache only as new ones push them out, within its 256 MB): RSS settles anew after the switch
before = r[min(len(r) - 1, max(1, switched // 2))]
at = min(len(r) - 1, switched + max(3, (seconds - switched) // 5))
settled = r[at]
print(f"RSS: first {r[0]} MB, {before} MB before the switch, settled {settled} MB after it (at {at} s), "
      f"last {r[-1]} MB, peak {max(r)} MB, {len(r)} samples")
sys.exit(0 if r[-1] <= settled * 1.10 else 1)
PY
echo "publish during the soak: $(tail -1 "$work/out/publish")"
grep -c "serving build" "$work/out/server.log" | xargs echo "builds switched to:"
exit $status
