#!/usr/bin/env bash
# Builds the offline page: dist/www/ (static PWA) and dist/medcode.html
# (single self-contained file). Run by ./build.sh after the wasm is built.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
export ROOT BUILD=${BUILD:-$ROOT/build} DIST=${DIST:-$ROOT/dist}
cd "$ROOT"
[ -x node_modules/.bin/esbuild ] || { echo "build-www: node_modules missing: run npm ci" >&2; exit 1; }
exec node www/tools/build.mjs "$@"
