// The bench page's module: loads each engine and runs the dev set through it.
// bench/browser-search.mjs drives it step by step through window.bench, taking
// heap readings (CDP) between the steps.

const now = () => performance.now();
const engines = {};
let queries = null;
let sink = 0;

export function info() {
  // The timer's actual resolution: the smallest step performance.now() takes.
  let min = Infinity;
  for (let i = 0; i < 2000; i++) {
    const a = now();
    let b = now();
    while (b === a) b = now();
    min = Math.min(min, b - a);
  }
  return {
    crossOriginIsolated: self.crossOriginIsolated,
    timer_resolution_us: min * 1000,
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

export async function loadQueries() {
  const text = await (await fetch('/dev.jsonl')).text();
  queries = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  return queries.map((q) => q.set);
}

/**
 * The floor under loadMedcode: the index fetched and its body read chunk by
 * chunk in a fresh page with nothing else to do (no wasm, no copy, no
 * checks). Measured under load, the body of a real load arrived about as
 * much later than this as its pushes took: the page reads the next chunk
 * only when the last push returns.
 */
export async function streamIndexOnly() {
  const t0 = now();
  const res = await fetch('/medcode.idx');
  const tHead = now();
  const reader = res.body.getReader();
  let chunks = 0;
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
    chunks++;
  }
  return { bare_headers_ms: tHead - t0, bare_body_ms: now() - t0, bare_chunks: chunks };
}

/**
 * For BENCH_LOAD_CPU: the index and the wasm fetched and instantiated, the
 * index cut into 1 MB chunks in memory; `mode` 'load' then makes
 * `window.pushAll()` push them into an IndexLoader and finish (the load's
 * own work without the network), 'copy' only copies them into fresh wasm
 * memory, 'nocheck' pushes them with the magic damaged (copy and checksum:
 * the staged checks stop at a header they do not know).
 */
export async function preparePushFromMemory(mode = 'load') {
  const buf = new Uint8Array(await (await fetch('/medcode.idx')).arrayBuffer());
  if (mode === 'nocheck') buf[0] ^= 1;
  const mod = await import('/wasm/medcode.js');
  await mod.default({ module_or_path: fetch('/wasm/medcode_bg.wasm') });
  const chunks = [];
  for (let i = 0; i < buf.length; i += 1 << 20) chunks.push(buf.slice(i, i + (1 << 20)));
  window.pushAll = () => {
    const t0 = now();
    if (mode === 'copy') {
      const m = new WebAssembly.Memory({ initial: 1 });
      m.grow(Math.ceil(buf.length / 65536));
      let off = 0;
      for (const c of chunks) (new Uint8Array(m.buffer, off, c.length).set(c), (off += c.length));
    } else {
      const l = new mod.IndexLoader(buf.length);
      for (const c of chunks) l.push(c);
      try {
        l.finish();
      } catch (e) {
        if (mode !== 'nocheck') throw e;
      }
    }
    return now() - t0;
  };
  await new Promise((r) => setTimeout(r, 30));
}

/**
 * medcode: fetch the glue + wasm + index, instantiate, construct the engine,
 * as the extension and the site do it (web-shared/index-stream.ts): the
 * index fetch starts at once, and its body is copied into the engine's
 * memory (IndexLoader) chunk by chunk while it arrives and the wasm compiles.
 */
export async function loadMedcode() {
  const t0 = now();
  let tWasm = 0;
  let tIdx = 0;
  const idxRes = fetch('/medcode.idx');
  // The wasm download starts with the index, not after the glue's import
  // (the site passes init a fetch() the same way: www/src/entry-site.ts).
  const wasmRes = fetch('/wasm/medcode_bg.wasm');
  const mod = await import('/wasm/medcode.js');
  const tGlue = now();
  let memory = null;
  const wasmReady = mod.default({ module_or_path: wasmRes }).then((w) => ((tWasm = now()), (memory = w.memory), w));
  const res = await idxRes;
  const tHead = now();
  let engine;
  let construct = 0;
  // Main-thread time inside IndexLoader.push (copy, hash, the checks whose
  // sections completed), in all and for the last chunk pushed.
  let pushMs = 0;
  let lastPushMs = 0;
  const push = (l, c) => {
    const a = now();
    l.push(c);
    lastPushMs = now() - a;
    pushMs += lastPushMs;
  };
  if (typeof mod.IndexLoader === 'function' && res.body) {
    let size = Number(res.headers.get('content-length') ?? 0) || 0;
    const waiting = [];
    let loader = null;
    let ready = false;
    wasmReady.then(() => { ready = true; });
    const reader = res.body.getReader();
    const open = () => {
      const l = new mod.IndexLoader(size);
      for (const c of waiting) push(l, c);
      waiting.length = 0;
      return l;
    };
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loader) push(loader, value);
      else {
        waiting.push(value);
        if (ready) loader = open();
      }
    }
    tIdx = now();
    await wasmReady;
    loader ??= open();
    const t2 = now();
    engine = loader.finish();
    construct = now() - t2;
  } else {
    // an engine without IndexLoader (an A/B run against an older build)
    const [, idx] = await Promise.all([wasmReady, res.arrayBuffer().then((b) => ((tIdx = now()), b))]);
    const t2 = now();
    engine = new mod.MedcodeEngine(new Uint8Array(idx));
    construct = now() - t2;
  }
  const t3 = now();
  engines.medcode = {
    engine,
    search: (q) => engine.search(q, 'icd10cm', 10),
    codes: (r) => r.map((h) => h.code),
  };
  return {
    load_ms: t3 - t0,
    glue_import_ms: tGlue - t0,
    wasm_fetch_instantiate_ms: tWasm - tGlue,
    idx_fetch_ms: tIdx - t0,
    idx_headers_ms: tHead - t0,
    push_ms: pushMs,
    last_push_ms: lastPushMs,
    construct_ms: construct,
    wasm_memory_bytes: memory.buffer.byteLength,
  };
}

/**
 * ICD-10-PCS on first use, as the extension and the page do it: fetch
 * pcs.idx, attach it (the search index is stored in the file), then the
 * first search and the first builder step. Needs loadMedcode first.
 */
export async function loadPcs() {
  const engine = engines.medcode?.engine;
  if (!engine || typeof engine.attachPcs !== 'function') return null;
  const t0 = now();
  const res = await fetch('/pcs.idx');
  if (!res.ok) return null;
  const bytes = new Uint8Array(await res.arrayBuffer());
  const t1 = now();
  engine.attachPcs(bytes);
  const t2 = now();
  const hits = engine.pcsSearch('lap appendectomy', 10);
  const t3 = now();
  engine.pcsNext('0DT');
  const t4 = now();
  sink += hits.length;
  return {
    bytes: bytes.length,
    fetch_ms: t1 - t0,
    attach_ms: t2 - t1,
    load_ms: t2 - t0,
    first_search_ms: t3 - t2,
    first_next_ms: t4 - t3,
    first_hit: hits[0]?.code ?? null,
  };
}

/**
 * The medcode adapter's search call: 'packed' (default; `searchPacked` and
 * web-shared/packed-hits.ts, the extension's and the page's path) or
 * 'search' (`search`, JS objects built through the boundary).
 */
export async function useMedcodeCall(call = 'packed') {
  const m = engines.medcode;
  if (call !== 'packed' || typeof m.engine.searchPacked !== 'function') {
    m.search = (q) => m.engine.search(q, 'icd10cm', 10);
    return { call: 'search' };
  }
  const { decodeHits } = await import('/tmp/packed-hits.bundle.js');
  m.decodeHits = decodeHits;
  m.search = (q) => decodeHits(m.engine.searchPacked(q, 'icd10cm', 10));
  return { call: 'packed' };
}

/** Checks `searchPacked` decodes to the objects `search` returns, for every dev query; returns the count. */
export function checkPacked() {
  const m = engines.medcode;
  if (!m.decodeHits) return 0;
  let checked = 0;
  for (const q of queries) {
    for (const system of ['icd10cm', 'hcpcs', 'all']) {
      const a = JSON.stringify(m.engine.search(q.query, system, 10));
      const b = JSON.stringify(m.decodeHits(m.engine.searchPacked(q.query, system, 10)));
      if (a !== b) throw new Error(`searchPacked differs from search for ${JSON.stringify(q.query)} (${system}):\n${a}\n${b}`);
      checked++;
    }
  }
  return checked;
}

/** A JS peer: import its bundle, fetch the documents, build the index. */
export async function loadPeer(name, bundleUrl) {
  const t0 = now();
  const [mod, docs] = await Promise.all([
    import(bundleUrl),
    fetch('/tmp/docs.json').then((r) => r.json()),
  ]);
  const t1 = now();
  const peer = mod.build(docs);
  const t2 = now();
  engines[name] = peer;
  return { load_ms: t2 - t0, fetch_ms: t1 - t0, build_ms: t2 - t1, documents: docs.length };
}

/** Indices 0..n interleaved: 0, s, 2s, …, 1, 1+s, … */
function interleaved(n, stride) {
  const out = [];
  for (let r = 0; r < stride; r++) for (let i = r; i < n; i += stride) out.push(i);
  return out;
}

/** The order queries are run in: any prefix of it is an evenly spread,
 * proportional sample of every set (each set's queries interleaved, the sets
 * merged by relative position). An engine that runs out of time has run such
 * a sample. */
function spreadOrder(qs, stride = 16) {
  const bySet = new Map();
  qs.forEach((q, i) => {
    if (!bySet.has(q.set)) bySet.set(q.set, []);
    bySet.get(q.set).push(i);
  });
  const keyed = [];
  for (const idxs of bySet.values()) {
    interleaved(idxs.length, stride).forEach((j, pos) => keyed.push([(pos + 0.5) / idxs.length, idxs[j]]));
  }
  keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return keyed.map((k) => k[1]);
}

/**
 * Runs the dev set through one engine and times every query.
 *
 * Pass 1 runs the queries in spreadOrder until `budgetMs` (an engine that
 * runs out of time has run an evenly spread sample) and keeps each query's
 * results (hit or miss). More passes over the same queries follow, in the same
 * interleaved order, while they fit in `extraMs` (at most `passes` in all).
 * Every run of a query is timed on its own, between other queries, so its
 * data are not hot in the CPU caches from the run before; a query's latency
 * is the median of its runs.
 *
 * For comparison only (`warm_us`), a query faster than `warmBatchMs` is also
 * timed as one block of back-to-back repeats lasting about `warmBatchMs`,
 * divided by the repeats: the best case, everything hot in cache.
 */
export function run(
  name,
  { budgetMs = Infinity, extraMs = 10000, passes = 5, warmBatchMs = 2, warmup = 50, warmupMs = 1000 } = {},
) {
  const eng = engines[name];
  const order = spreadOrder(queries);
  // Warm-up (JIT): the last queries of the order, which a sampled run never
  // reaches; at most warmupMs.
  const w0 = now();
  for (let i = 1; i <= Math.min(warmup, order.length) && now() - w0 < warmupMs; i++) {
    sink ^= eng.search(queries[order[order.length - i]].query).length;
  }
  const ran = [];
  const samples = new Map();
  const rows = new Map();
  const start = now();
  for (const idx of order) {
    if (now() - start > budgetMs) break;
    const q = queries[idx];
    const t0 = now();
    const r = eng.search(q.query);
    const dt = now() - t0;
    const codes = eng.codes(r).slice(0, q.k);
    ran.push(idx);
    samples.set(idx, [dt]);
    rows.set(idx, { idx, set: q.set, hit: codes.some((c) => q.expect.includes(c)), first_us: dt * 1000, top: codes[0] ?? null });
  }
  const pass1 = now() - start;
  const t1 = now();
  let done = 1;
  while (done < passes && now() - t1 + pass1 <= extraMs) {
    for (const idx of ran) {
      const t0 = now();
      sink ^= eng.search(queries[idx].query).length;
      samples.get(idx).push(now() - t0);
    }
    done++;
  }
  const out = [];
  for (const idx of ran) {
    const s = samples.get(idx).sort((a, b) => a - b);
    const row = rows.get(idx);
    row.us = s[Math.floor(s.length / 2)] * 1000;
    row.runs = s.length;
    row.warm_us = null;
    if (row.us < warmBatchMs * 1000) {
      const reps = Math.min(1000, Math.max(2, Math.ceil((warmBatchMs * 1000) / Math.max(row.us, 5))));
      const t0 = now();
      for (let i = 0; i < reps; i++) sink ^= eng.search(queries[idx].query).length;
      row.warm_us = ((now() - t0) * 1000) / reps;
    }
    out.push(row);
  }
  return { rows: out, passes: done, wall_ms: now() - start, sink };
}

/** Drops an engine so its memory can be collected. */
export function drop(name) {
  delete engines[name];
}
