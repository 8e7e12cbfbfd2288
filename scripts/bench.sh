#!/usr/bin/env bash
# Benchmarks (./build.sh bench runs this with ROOT, BUILD and DIST set):
#   1. native: medcode vs SQLite FTS5      -> bench/results-native.json, bench/tmp/docs.json
#   2. Chromium: medcode (wasm) vs MiniSearch and FlexSearch, and pcs.idx (bytes, load, first
#      search, first builder step) -> bench/tmp/results-browser.json
#   3. merge into bench/results.json, print one table, refresh bench/README.md
#   4. bench/extension-keystroke.mjs, when it exists
#   5. bench/single-file.mjs: dist/medcode.html from file:// (ready, where the time goes, memory)
#   6. bench/userdata-load.mjs: adding a 10,000-row CPT file and a 15,000-row MUE table (< 1 s)
# BENCH_FULL=1 runs every query through every engine (slow: MiniSearch alone takes 6-10 min).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
DIST=${DIST:-$ROOT/dist}
export ROOT BUILD DIST
cd "$ROOT"
T0=$SECONDS
log() { printf '\033[1m==> %s\033[0m (%ds)\n' "$*" $((SECONDS - T0)) >&2; }

mkdir -p bench/tmp
log "building the native bench"
cargo bench -q --bench native_search --no-run 2> >(grep -v '^warning: `panic` setting is ignored' >&2)
log "native search bench (cargo bench --bench native_search)"
MEDCODE_INDEX=$DIST/medcode.idx MEDCODE_DATA=$BUILD/data \
  cargo bench -q --bench native_search 2> >(grep -v '^warning: `panic` setting is ignored' >&2) >bench/tmp/native.txt
log "browser search bench (headless Chromium)"
rm -f bench/tmp/results-browser.json bench/tmp/extension-keystroke.json bench/tmp/single-file.json
BENCH_NO_REPORT=1 node bench/browser-search.mjs || { node bench/report.mjs; exit 1; }  # on failure: the native rows at least
if [ -f bench/extension-keystroke.mjs ]; then
  log "extension keystroke bench (bench/extension-keystroke.mjs)"
  node bench/extension-keystroke.mjs --out bench/tmp/extension-keystroke.json >/dev/null \
    || echo "bench.sh: bench/extension-keystroke.mjs failed (exit $?); the table leaves it out" >&2
fi
log "single-file page bench (bench/single-file.mjs: dist/medcode.html from file://, goal ready ≤ 400 ms)"
node bench/single-file.mjs --out bench/tmp/single-file.json >/dev/null \
  || echo "bench.sh: bench/single-file.mjs failed (exit $?); the table leaves it out" >&2
log "user-data load bench (bench/userdata-load.mjs: 10,000 CPT + 15,000 MUE rows in Chromium, goal < 1 s)"
node bench/userdata-load.mjs --out bench/tmp/userdata-load.json >/dev/null \
  || echo "bench.sh: bench/userdata-load.mjs missed its goal or failed (exit $?)" >&2
log "results: bench/results.json, table in bench/README.md"
node bench/report.mjs
