// Search hits from the engine's packed buffer (`searchPacked`, src/search/packed.rs,
// where the layout's schema is): one view into the engine's memory and one
// text decode per keystroke, instead of a JS object built field by field
// across the wasm boundary for every hit. Decodes to exactly the objects
// `search` returns (the generated `SearchHit`); a Rust test pins the layout
// against serde's shape, and the bench page checks both calls agree.

import type { Engine, HccCategory, HitOptions, HitSeverity, SearchHit, SystemFilter } from '../types/engine-api';

/** Version of the packed layout this decoder reads (`PACKED_HITS_VERSION`). */
export const PACKED_HITS_VERSION = 1;

const HEADER_WORDS = 4;
const decoder = new TextDecoder();
const bits = new Uint32Array(1);
const float = new Float32Array(bits.buffer);

/** Decodes one `searchPacked` answer; read it before the next engine call. */
export function decodeHits(bytes: Uint8Array): SearchHit[] {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  if (words[0] !== PACKED_HITS_VERSION) {
    throw new Error(`packed search hits of version ${words[0]}, this page reads version ${PACKED_HITS_VERSION}: reload the page`);
  }
  const n = words[1]!;
  const recordEnd = HEADER_WORDS + words[2]!;
  const textStart = recordEnd * 4;
  const text = decoder.decode(bytes.subarray(textStart, textStart + words[3]!));
  let w = HEADER_WORDS;
  let t = 0;
  const next = (): number => words[w++]!;
  const take = (): string => {
    const len = words[w++]!;
    t += len;
    return text.slice(t - len, t);
  };
  const out: SearchHit[] = new Array(n);
  for (let i = 0; i < n; i++) {
    bits[0] = next();
    const score = float[0]!;
    const flags = next();
    const system = take() as SearchHit['system'];
    const code = take();
    const title = take();
    const billable = (flags & 1) !== 0;
    const matched = (flags >>> 8) & 255;
    let hit: SearchHit;
    // Keys in serde's order and absent ones left out (`why` too, though
    // the generated type says `string | null`), as `search` builds them.
    if (matched > 0) {
      const m: string[] = new Array(matched);
      for (let k = 0; k < matched; k++) m[k] = take();
      hit = { code, title, system, billable, matched: m, score } as SearchHit;
    } else {
      hit = { code, title, system, billable, score } as SearchHit;
    }
    if (flags & 2) hit.why = take();
    if (flags & 4) {
      const sf = next();
      const version = take();
      const level = (sf & 1 ? take() : null) as HitSeverity['level'];
      const hcc: HccCategory[] = new Array((sf >>> 8) & 255);
      for (let k = 0; k < hcc.length; k++) {
        const year = next();
        const hasLabel = (next() & 1) !== 0;
        const model = take();
        const category = take();
        hcc[k] = { model, year, category, label: hasLabel ? take() : null };
      }
      hit.severity = { version, level, alive_only: (sf & 2) !== 0, hcc };
    }
    out[i] = hit;
  }
  if (w !== recordEnd || t !== text.length) throw new Error('packed search hits: damaged buffer');
  return out;
}

/** What `searchHits` needs of an engine: `searchPacked` when it has it (a test's fake may not). */
export type PackedSearchEngine = Pick<Engine, 'search'> & Partial<Pick<Engine, 'searchPacked'>>;

/** `engine.search(...)`, through the packed buffer when the engine offers it. */
export function searchHits(
  engine: PackedSearchEngine,
  query: string,
  system?: SystemFilter,
  limit?: number,
  severity?: HitOptions,
): SearchHit[] {
  if (typeof engine.searchPacked === 'function') return decodeHits(engine.searchPacked(query, system, limit, severity));
  return engine.search(query, system, limit, severity);
}
