// Bundled by bench/browser-search.mjs (esbuild) into bench/tmp/minisearch.bundle.js.
import MiniSearch from 'minisearch';

export function build(docs) {
  const ms = new MiniSearch({
    idField: 'code',
    fields: ['codes', 'text'],
    searchOptions: { fuzzy: 0.2, prefix: true },
  });
  ms.addAll(docs);
  return {
    // MiniSearch has no limit: it scores every match, we keep the top 10.
    search: (q) => ms.search(q).slice(0, 10),
    codes: (r) => r.map((h) => h.id),
  };
}
