#!/usr/bin/env bash
# Memory after heavy queries: the server's RSS on the demo publication before, right after a
# burst of the costliest queries the limits let through (32 words: prefixes and phrases joined
# by OR), and after it has been idle; whether the memory of a heavy query is given back.
#
#   bench/memory.sh [QUERIES]        # default 200 heavy queries, two at a time
#
# BIN: a cablegate binary to use instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
[ -n "${BIN:-}" ] || cargo build --release --quiet
bin=$(realpath "${BIN:-target/release/cablegate}")
work=target/memory; mkdir -p "$work"
bench/demo-data.sh "$bin" "$work/data"
port=18455
"$bin" --data "$work/data" serve --addr 127.0.0.1:$port 2> "$work/serve.log" & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -s -o /dev/null http://127.0.0.1:$port/; do sleep 0.2; done
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status; }
hwm() { awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$pid/status; }
for q in iran nuclear embassy minister; do curl -s -o /dev/null "http://127.0.0.1:$port/search?q=$q"; done
before=$(rss)
words=(a b c d e f g h i k l m n o p r s t u w)
heavy=()
heavy+=("$(printf '%s* OR ' "${words[@]}" | sed 's/ OR $//')")
heavy+=("$(for i in $(seq 1 16); do printf '"the %s" OR ' "${words[$((i % 20))]}"; done | sed 's/ OR $//')")
heavy+=("the OR of OR and OR to OR in OR a OR is OR that OR for OR on OR with OR as OR by OR at OR from OR this")
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
urls=(); for q in "${heavy[@]}"; do urls+=("http://127.0.0.1:$port/search?q=$(enc "$q")&sort=newest"); done
start=$(date +%s.%N)
for i in $(seq 1 $((n / 2))); do
  # wait for these two only (a bare wait would wait for the server too)
  pids=(); for j in 0 1; do curl -s -o /dev/null "${urls[$(((i + j) % ${#urls[@]}))]}" & pids+=($!); done
  wait "${pids[@]}"
done
secs=$(echo "$(date +%s.%N) - $start" | bc)
after=$(rss); peak=$(hwm)
sleep 10; idle10=$(rss)
sleep 50; idle60=$(rss)
echo "$n heavy queries (${#urls[@]} kinds, two at a time) in ${secs%.*} s on the demo (6,717 cables):"
echo "RSS before ${before} MB, right after ${after} MB, peak ${peak} MB, idle 10 s ${idle10} MB, idle 60 s ${idle60} MB"
