# Sourced by the bench scripts: `summary FIGURE TARGET OURS BASELINE RATIO` adds a row to the
# suite's summary table (bench/run sets BENCH_SUMMARY to its file; alone, a script adds none).
summary() {
  [ -n "${BENCH_SUMMARY:-}" ] || return 0
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$BENCH_SUMMARY"
}
