#!/usr/bin/env bash
# The JSON API under a real API fuzzer: schemathesis (PyPI) generates requests from
# /api/openapi.json against `cablegate serve` on the demo's data, and checks that no answer is a
# 5xx and that every answer matches the schema.
#
#   bench/schemathesis.sh [--data DIR] [--max-examples N]
set -euo pipefail
cd "$(dirname "$0")/.."
data=""; examples=200
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --max-examples) examples=$2; shift 2 ;;
    *) echo "usage: bench/schemathesis.sh [--data DIR] [--max-examples N]" >&2; exit 2 ;;
  esac
done
venv=$PWD/target/venv-schemathesis
[ -x "$venv/bin/st" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q schemathesis; }
# BIN: a cablegate binary to use instead of building the release one (.ci/run passes its test build)
[ -n "${BIN:-}" ] || cargo build --release --quiet
bin=$(realpath "${BIN:-target/release/cablegate}")
if [ -z "$data" ]; then
  data=$PWD/target/bench/soak/data
  bench/demo-data.sh "$bin" "$data"
fi
port=18495
"$bin" --data "$data" serve --addr 127.0.0.1:$port 2> /dev/null & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for i in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
cd "$PWD/target" && "$venv/bin/st" run "http://127.0.0.1:$port/api/openapi.json" --url "http://127.0.0.1:$port" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --max-examples "$examples" --workers 2
