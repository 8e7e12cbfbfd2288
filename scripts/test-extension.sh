#!/usr/bin/env bash
# Extension tests (issue 5), run by ./build.sh test with ROOT, BUILD and DIST set:
# unit tests, then end-to-end in Chromium (playwright-core) and Firefox ESR
# (puppeteer-core), headless and offline against tests/e2e/extension/server.mjs.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
DIST=${DIST:-$ROOT/dist}
cd "$ROOT"
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

[ -f "$DIST/extension/manifest.json" ] || bash scripts/build-extension.sh
# test flavours: the shipped manifest + manifest/test*.json (fixture host granted at install)
for b in chrome firefox; do
  node extension/build.mjs --browser "$b" --test --out "$BUILD/extension-test-$b" \
    --wasm "$BUILD/wasm" --index "$DIST/medcode.idx" >/dev/null
done

files=(tests/e2e/extension/unit.test.mjs tests/e2e/extension/fuzz.test.mjs tests/e2e/extension/chromium.test.mjs tests/e2e/extension/realworld.test.mjs tests/e2e/extension/firefox.test.mjs tests/e2e/extension/universal.test.mjs tests/e2e/extension/userdata.test.mjs tests/e2e/extension/severity.test.mjs tests/e2e/extension/pcs-builder.test.mjs tests/e2e/extension/firefox-userdata.test.mjs tests/e2e/extension/firefox-pcs-builder.test.mjs tests/e2e/extension/firefox-realworld.test.mjs tests/e2e/extension/hostile-dom.test.mjs tests/e2e/extension/firefox-hostile-dom.test.mjs)
[ -x /usr/lib/chromium/chromium ] || { echo "test-extension: /usr/lib/chromium/chromium missing (apt install chromium)" >&2; exit 1; }
[ -x /usr/bin/firefox-esr ] || { echo "test-extension: /usr/bin/firefox-esr missing (apt install firefox-esr)" >&2; exit 1; }
log "extension: unit + Chromium + Firefox e2e"
ROOT=$ROOT BUILD=$BUILD DIST=$DIST node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
