#!/usr/bin/env bash
# Makes DIR a data folder holding the demo's real cables, published as `cablegate demo` does
# (the versions, the catalogue, the real release schedule), unless it holds a build already.
#
#   bench/demo-data.sh BIN DIR
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1; data=$2
[ -f "$data/builds/CURRENT" ] && exit 0
"$bin" --data "$data" import demo/cables.csv.gz demo/versions.jsonl.gz > /dev/null
"$bin" --data "$data" catalog demo/full-release-ids.csv.gz > /dev/null
"$bin" --data "$data" release --schedule demo/releases.tsv > /dev/null
"$bin" --data "$data" publish > /dev/null
