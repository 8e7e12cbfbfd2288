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

/** medcode: fetch the glue + wasm + index, instantiate, construct the engine. */
export async function loadMedcode() {
  const t0 = now();
  const mod = await import('/wasm/medcode.js');
  const tGlue = now();
  let tWasm = 0;
  let tIdx = 0;
  const [wasm, idx] = await Promise.all([
    mod.default({ module_or_path: '/wasm/medcode_bg.wasm' }).then((w) => ((tWasm = now()), w)),
    fetch('/medcode.idx')
      .then((r) => r.arrayBuffer())
      .then((b) => ((tIdx = now()), b)),
  ]);
  const t2 = now();
  const engine = new mod.MedcodeEngine(new Uint8Array(idx));
  const t3 = now();
  engines.medcode = {
    search: (q) => engine.search(q, 'icd10cm', 10),
    codes: (r) => r.map((h) => h.code),
  };
  return {
    load_ms: t3 - t0,
    glue_import_ms: tGlue - t0,
    wasm_fetch_instantiate_ms: tWasm - tGlue,
    idx_fetch_ms: tIdx - tGlue,
    construct_ms: t3 - t2,
    wasm_memory_bytes: wasm.memory.buffer.byteLength,
  };
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
 * Runs the dev set through one engine, query by query (spreadOrder), until
 * `budgetMs`. Each query's first run gives its results (hit or miss). Its
 * latency is the median of 3 measurements (1 when the first run took
 * `singleMs` or more): a query faster than `batchMs` is measured as a block
 * of `reps` back-to-back runs lasting about `batchMs`, divided by `reps`, so
 * the 5 µs timer step is ≤ 0.25% of what is measured; a slower one as single
 * runs. The median of 3 keeps a preempted measurement (other processes on
 * the machine) out of the figure.
 */
export function run(
  name,
  { budgetMs = 600000, batchMs = 2, singleMs = 10, maxReps = 500, warmup = 50, warmupMs = 1000 } = {},
) {
  const eng = engines[name];
  const order = spreadOrder(queries);
  // Warm-up (JIT): the last queries of the order, which a sampled run never
  // reaches; at most warmupMs.
  const w0 = now();
  for (let i = 1; i <= Math.min(warmup, order.length) && now() - w0 < warmupMs; i++) {
    sink ^= eng.search(queries[order[order.length - i]].query).length;
  }
  const rows = [];
  const start = now();
  for (const idx of order) {
    if (now() - start > budgetMs) break;
    const q = queries[idx];
    let t0 = now();
    const r = eng.search(q.query);
    const first = now() - t0;
    const codes = eng.codes(r).slice(0, q.k);
    const hit = codes.some((c) => q.expect.includes(c));
    const samples = [];
    let reps = 1;
    if (first < batchMs) {
      reps = Math.min(maxReps, Math.max(2, Math.ceil(batchMs / Math.max(first, 0.005))));
      for (let b = 0; b < 3; b++) {
        t0 = now();
        for (let i = 0; i < reps; i++) sink ^= eng.search(q.query).length;
        samples.push((now() - t0) / reps);
      }
    } else {
      samples.push(first);
      if (first < singleMs) {
        for (let b = 0; b < 2; b++) {
          t0 = now();
          sink ^= eng.search(q.query).length;
          samples.push(now() - t0);
        }
      }
    }
    samples.sort((a, b) => a - b);
    const us = samples[Math.floor(samples.length / 2)] * 1000;
    rows.push({ idx, set: q.set, hit, us, first_us: first * 1000, reps, runs: samples.length, top: codes[0] ?? null });
  }
  return { rows, wall_ms: now() - start, sink };
}

/** Drops an engine so its memory can be collected. */
export function drop(name) {
  delete engines[name];
}
