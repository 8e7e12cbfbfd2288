// Bundled by bench/browser-search.mjs (esbuild) into bench/tmp/flexsearch.bundle.js.
import { Index } from 'flexsearch';

export function build(docs) {
  // One field: the codes (dotted and undotted) and the text. A two-field
  // Document with merge:true scored lower on every text set.
  const index = new Index({ tokenize: 'forward' });
  for (let i = 0; i < docs.length; i++) index.add(i, docs[i].codes + ' ' + docs[i].text);
  return {
    search: (q) => index.search(q, { limit: 10, suggest: true }),
    codes: (r) => r.map((i) => docs[i].code),
  };
}
