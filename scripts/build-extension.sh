#!/usr/bin/env bash
# Builds the browser extension (issue 5). Called by ./build.sh after the wasm
# with ROOT, BUILD and DIST set. Produces:
#   dist/extension/          load unpacked in Chromium (chrome://extensions) or Firefox (about:debugging)
#   dist/medcode-chrome.zip  Chrome Web Store / enterprise package
#   dist/medcode-firefox.zip addons.mozilla.org package (web-ext lint clean)
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
DIST=${DIST:-$ROOT/dist}
cd "$ROOT"
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

[ -f "$BUILD/wasm/medcode.js" ] && [ -f "$BUILD/wasm/medcode_bg.wasm" ] || { echo "build-extension: no wasm in $BUILD/wasm (run ./build.sh)" >&2; exit 1; }
[ -f "$DIST/medcode.idx" ] || { echo "build-extension: no $DIST/medcode.idx (run ./build.sh)" >&2; exit 1; }

# Type-check, bundle and lint only when an input changed (CI=true: always).
. scripts/stamp.sh
outputs=("$DIST/extension/manifest.json" "$DIST/medcode-chrome.zip" "$DIST/medcode-firefox.zip")
inputs=(extension types web-shared "$BUILD/wasm" "$DIST/medcode.idx" "$DIST/ncci.idx" "$DIST/pcs.idx" "$DIST/severity.idx" Cargo.toml package-lock.json scripts/build-extension.sh scripts/stamp.sh "${outputs[@]}")
all_out=1; for f in "${outputs[@]}"; do [ -f "$f" ] || all_out=0; done
if [ $all_out = 1 ] && stamp_fresh extension "${inputs[@]}"; then
  log "extension: up to date"
  exit 0
fi

log "extension: type-check"
node_modules/.bin/tsc -p extension/tsconfig.json

flavour() {  # flavour BROWSER OUTDIR [--test]
  node extension/build.mjs --browser "$1" --out "$2" --wasm "$BUILD/wasm" --index "$DIST/medcode.idx" ${3:-} >/dev/null
}
zipdir() {  # zipdir DIR ZIP   (deterministic order, no extra attributes)
  rm -f "$2"
  (cd "$1" && find . -type f | LC_ALL=C sort | sed 's|^\./||' | TZ=UTC zip -q -X -9 "$2" -@)
}

log "extension: dist/extension (universal), chrome and firefox packages"
flavour universal "$DIST/extension"
flavour chrome "$BUILD/extension-chrome"
flavour firefox "$BUILD/extension-firefox"
# A package carrying licensed CPT descriptors says so in its name: for the licensee only.
rm -f "$DIST"/medcode-*-LICENSED-CPT-do-not-redistribute.zip
if ls "$DIST"/data/cpt-*.mcdata >/dev/null 2>&1; then
  zipdir "$BUILD/extension-chrome" "$DIST/medcode-chrome-LICENSED-CPT-do-not-redistribute.zip"
  zipdir "$BUILD/extension-firefox" "$DIST/medcode-firefox-LICENSED-CPT-do-not-redistribute.zip"
  rm -f "$DIST/medcode-chrome.zip" "$DIST/medcode-firefox.zip"
else
  zipdir "$BUILD/extension-chrome" "$DIST/medcode-chrome.zip"
  zipdir "$BUILD/extension-firefox" "$DIST/medcode-firefox.zip"
fi

log "extension: web-ext lint (Firefox package)"
lint_json=$BUILD/extension-firefox-lint.json
node_modules/.bin/web-ext lint --source-dir "$BUILD/extension-firefox" --output json --no-config-discovery > "$lint_json" 2>/dev/null || true
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const n = r.count ?? (r.errors.length + r.warnings.length + r.notices.length);
  for (const k of ["errors", "warnings", "notices"]) for (const m of r[k]) console.error(`  ${k.slice(0, -1)}: ${m.code} ${m.file ?? ""} ${m.message}`);
  if (r.errors.length || r.warnings.length) { console.error(`web-ext lint: ${r.errors.length} errors, ${r.warnings.length} warnings`); process.exit(1); }
  console.error(`  web-ext lint: clean (${r.notices.length} notices)`);
' "$lint_json"
for z in "$DIST"/medcode-chrome*.zip "$DIST"/medcode-firefox*.zip; do
  printf '  %-28s %6s KB\n' "dist/$(basename "$z")" "$(( $(stat -c %s "$z") / 1024 ))" >&2
done
stamp_fresh extension "${inputs[@]}" || true  # hash again: the outputs are inputs too
stamp_write extension
