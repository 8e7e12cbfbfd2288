#!/usr/bin/env bash
# Everyday-language data checks the index build does not make itself (issue 13), run by
# ./build.sh test with ROOT and BUILD set: abbreviation expansions use tabular words and no
# abbreviation is in two tables, one code per default term, one line per synonym phrase,
# and the expected codes of tests/eval/everyday-more.jsonl exist (tools/check_everyday_data.py).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
cd "$ROOT"
python3 tools/check_everyday_data.py --data "$BUILD/data" --root "$ROOT"
