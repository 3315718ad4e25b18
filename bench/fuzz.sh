#!/usr/bin/env bash
# Fuzzes every target of fuzz/ (cargo fuzz, libFuzzer, the nightly toolchain) for a time each,
# from its seeds of real inputs (the fixtures' cables and pages; fuzz/seeds) and what earlier runs kept
# (target/fuzz-corpus/TARGET), and prints one line per target: its runs, its time, and whether it
# found a crash (the crash's input is left in fuzz/artifacts/TARGET/).
#
#   bench/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      # default 30 s, every target
#
# .ci/run runs it for a few seconds per target, built with FUZZ_BUILD=--dev (no optimisation:
# a third of the build's time, slower runs); a longer run (hours) goes in RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}; shift || true
command -v cargo-fuzz > /dev/null || cargo install cargo-fuzz --locked > /dev/null 2>&1 || cargo install cargo-fuzz > /dev/null
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse query import_csv import_html import_jsonl router)
build=${FUZZ_BUILD:--O}
# the time one input may take before libFuzzer calls it a hang: 10 s optimised; an unoptimised
# build with AddressSanitizer runs 20 to 50 times slower, so there it gets 120 s (a hang that
# only the optimised build would catch is left to the longer runs)
limit=10; [ "$build" = --dev ] && limit=120
limit=${FUZZ_TIMEOUT:-$limit}
cargo +nightly fuzz build --fuzz-dir fuzz "$build" > /dev/null
# the seeds of the importers and the parser are the repository's real cables (fixtures/), copied
# here; those of the query language and the router are in fuzz/seeds
seeds=target/fuzz-seeds; rm -rf "$seeds"; mkdir -p "$seeds"/{parse,import_csv,import_html,import_jsonl}
cp fixtures/*.txt "$seeds/parse/"
cp fixtures/cables.csv fixtures/reissued.csv "$seeds/import_csv/"
find fixtures/html -name '*.html' -exec cp {} "$seeds/import_html/" \;
split -l 3 fixtures/versions.jsonl "$seeds/import_jsonl/v"
cp -r fuzz/seeds/query fuzz/seeds/router "$seeds/"
status=0
for t in "${targets[@]}"; do
  corpus=target/fuzz-corpus/$t; mkdir -p "$corpus" "fuzz/artifacts/$t"
  log=target/fuzz-corpus/$t.log
  # the router's publication lives as long as the process (a data folder made once, on purpose
  # never freed): not a leak to report
  extra=(); asan=""; [ "$t" = router ] && { extra=(-detect_leaks=0); asan=detect_leaks=0; }
  if ASAN_OPTIONS=$asan cargo +nightly fuzz run --fuzz-dir fuzz "$build" "$t" "$corpus" "$seeds/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=4096 -timeout="$limit" -max_len=65536 \
      -artifact_prefix="fuzz/artifacts/$t/" "${extra[@]}" > "$log" 2>&1; then
    found=none
  else
    kind=CRASH
    grep -q 'ERROR: libFuzzer: timeout' "$log" && kind="HANG (an input took over ${limit} s)"
    grep -q 'ERROR: libFuzzer: out-of-memory' "$log" && kind="OUT OF MEMORY (over 4096 MB)"
    found="$kind (see $log and fuzz/artifacts/$t/)"; status=1
  fi
  runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 || true)
  echo "$t: ${runs:-no summary} (${secs} s asked), findings: $found"
done
exit $status
