# Sourced by scripts/build-*.sh and scripts/test-*.sh: skip a step whose
# inputs are unchanged since it last passed. A stamp holds the sha256 of the
# step's input files (paths and contents); CI=true runs every step.
#   if stamp_fresh NAME INPUT…; then skip; else run; stamp_write NAME; fi
# Stamps live in $BUILD/stamps (./build.sh clean removes them).

_stamp_hash() {
  find "$@" -type f -not -path '*/node_modules/*' -print0 2>/dev/null | LC_ALL=C sort -z |
    xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

stamp_fresh() {  # stamp_fresh NAME INPUT…: true when NAME passed on these inputs
  local name=$1; shift
  _STAMP_PENDING=$(_stamp_hash "$@")
  [ "${CI:-}" != "true" ] && [ -f "$BUILD/stamps/$name" ] && [ "$(cat "$BUILD/stamps/$name")" = "$_STAMP_PENDING" ]
}

stamp_write() {  # stamp_write NAME: record the inputs stamp_fresh hashed
  mkdir -p "$BUILD/stamps"
  printf '%s\n' "$_STAMP_PENDING" > "$BUILD/stamps/$1"
}
