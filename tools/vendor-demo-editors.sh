#!/usr/bin/env bash
# Rebuilds the real editor libraries the e2e fixture pages run (www/demo/vendor/; test fixtures only, never
# bundled into the extension or the page). Pinned releases, all MIT:
#   slate 0.146.0, slate-react 0.146.1, slate-dom 0.146.1 on react/react-dom 18.3.1  -> slate-react.min.js
#   prosemirror-state 1.4.4, -view 1.44.0, -model 1.25.13, -schema-basic 1.2.5                             -> prosemirror.min.js
#   draft-js 0.11.7 on react/react-dom 16.14.0 (Draft.js needs findDOMNode)            -> draft-js.min.js
#   handsontable 6.2.2 (the last MIT release; dist/handsontable.full.min.{js,css} as published)
# Entry points: www/demo/src/vendor-*.{jsx,js}. Needs the npm registry; run by hand, commit the output.
set -euo pipefail
cd "$(dirname "$0")/.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ESBUILD=$PWD/node_modules/.bin/esbuild
inst() { mkdir -p "$T/$1"; (cd "$T/$1" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "${@:2}"); }
inst slate slate@0.146.0 slate-react@0.146.1 slate-dom@0.146.1 react@18.3.1 react-dom@18.3.1
inst pm prosemirror-state@1.4.4 prosemirror-view@1.44.0 prosemirror-model@1.25.13 prosemirror-schema-basic@1.2.5
inst draft draft-js@0.11.7 react@16.14.0 react-dom@16.14.0
inst ht handsontable@6.2.2
common=(--bundle --minify --format=iife --target=es2020 "--define:process.env.NODE_ENV=\"production\"" --jsx=transform)
NODE_PATH=$T/slate/node_modules "$ESBUILD" www/demo/src/vendor-slate.jsx "${common[@]}" --outfile=www/demo/vendor/slate-react.min.js
NODE_PATH=$T/pm/node_modules "$ESBUILD" www/demo/src/vendor-prosemirror.js "${common[@]}" --outfile=www/demo/vendor/prosemirror.min.js
NODE_PATH=$T/draft/node_modules "$ESBUILD" www/demo/src/vendor-draft.jsx "${common[@]}" --define:global=window --outfile=www/demo/vendor/draft-js.min.js
cp "$T"/ht/node_modules/handsontable/dist/handsontable.full.min.{js,css} www/demo/vendor/
