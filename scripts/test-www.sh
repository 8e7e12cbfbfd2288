#!/usr/bin/env bash
# Tests of the offline page (run by ./build.sh test after the build):
# TypeScript type check, then the e2e suite in headless Chromium (the served
# site, the single file from file://, the service worker offline, axe-core,
# no foreign requests) and a Firefox ESR smoke test, with node's test runner.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
export ROOT BUILD=${BUILD:-$ROOT/build} DIST=${DIST:-$ROOT/dist}
cd "$ROOT"
[ -f "$DIST/medcode.html" ] && [ -f "$DIST/www/index.html" ] || bash scripts/build-www.sh

# The type check runs only when its inputs changed (CI=true: always).
. scripts/stamp.sh
if stamp_fresh www-typecheck www/src web-shared www/tsconfig.json www/tsconfig.sw.json types package-lock.json; then
  echo "www: type check up to date" >&2
else
  echo "www: type check" >&2
  node_modules/.bin/tsc -p www/tsconfig.json
  node_modules/.bin/tsc -p www/tsconfig.sw.json
  stamp_write www-typecheck
fi

echo "www: e2e (Chromium, Firefox)" >&2
# One file at a time: each starts its own browser, and the machine has 2 cores.
exec node --test --test-reporter=spec --test-concurrency=1 tests/e2e/www/
