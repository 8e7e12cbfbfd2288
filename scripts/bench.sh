#!/usr/bin/env bash
# Benchmarks (./build.sh bench runs this with ROOT, BUILD and DIST set):
#   1. native: medcode vs SQLite FTS5      -> bench/results-native.json, bench/tmp/docs.json
#   2. Chromium: medcode (wasm) vs MiniSearch and FlexSearch -> bench/tmp/results-browser.json
#   3. merge into bench/results.json, print one table, refresh bench/README.md
#   4. bench/extension-keystroke.mjs, when it exists
# BENCH_FULL=1 runs every query through every engine (slow: MiniSearch takes ~8 min).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
DIST=${DIST:-$ROOT/dist}
export ROOT BUILD DIST
cd "$ROOT"
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

mkdir -p bench/tmp
log "native search bench (cargo bench --bench native_search)"
MEDCODE_INDEX=$DIST/medcode.idx MEDCODE_DATA=$BUILD/data \
  cargo bench -q --bench native_search 2> >(grep -v '^warning: `panic` setting is ignored' >&2) >bench/tmp/native.txt
log "browser search bench (headless Chromium)"
rm -f bench/tmp/results-browser.json
if ! node bench/browser-search.mjs; then
  node bench/report.mjs  # the native rows at least
  exit 1
fi
if [ -f bench/extension-keystroke.mjs ]; then
  log "extension keystroke bench"
  node bench/extension-keystroke.mjs
fi
log "results: bench/results.json, table in bench/README.md"
