// Browser search bench: medcode's WASM engine vs MiniSearch and FlexSearch in
// one headless Chromium page, over the same documents and the dev set.
//
//   node bench/browser-search.mjs        (scripts/bench.sh runs it after the native bench)
//
// Needs bench/tmp/docs.json (written by `cargo bench --bench native_search`),
// $BUILD/wasm/medcode{.js,_bg.wasm} and $DIST/medcode.idx (./build.sh).
// Writes bench/tmp/results-browser.json, merges it with bench/results-native.json
// into bench/results.json and prints the table (bench/report.mjs).
//
// Environment:
//   CHROMIUM                 the browser (default /usr/lib/chromium/chromium, else /usr/bin/chromium)
//   BENCH_NO_REPORT=1        skip the merge and table (scripts/bench.sh reports at its end)
//   BENCH_FULL=1             run every query through every engine (MiniSearch alone takes 6-10 min)
//   BENCH_MINISEARCH_BUDGET_S  seconds of MiniSearch queries (default 50): an evenly spread sample
//   BENCH_LOAD_CPU=1         only the load's main-thread CPU from memory (loadCpu; Linux)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { startServer, ROOT, BUILD, DIST, DEV_SET } from './server.mjs';
import { report } from './report.mjs';
import { gzip9 } from '../www/tools/gzip.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const TMP = path.join(HERE, 'tmp');
const FULL = process.env.BENCH_FULL === '1';
const MINI_BUDGET_MS = FULL ? 3.6e6 : Number(process.env.BENCH_MINISEARCH_BUDGET_S ?? 50) * 1000;
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const log = (...a) => console.error('[browser-bench]', ...a);

function need(file, hint) {
  if (!fs.existsSync(file)) {
    console.error(`browser-search: ${file} is missing: ${hint}`);
    process.exit(2);
  }
  return file;
}

function sizes(files) {
  let raw = 0;
  let gz = 0;
  const parts = {};
  for (const f of files) {
    const b = fs.readFileSync(f);
    const g = gzip9(b).length; // as shipped (www/tools/gzip.mjs)
    raw += b.length;
    gz += g;
    parts[path.basename(f)] = { raw: b.length, gzip: g };
  }
  return { raw, gzip: gz, parts };
}

async function bundle(name, entry = path.join(HERE, 'page', `${name}-entry.js`)) {
  const out = path.join(TMP, `${name}.bundle.js`);
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outfile: out,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  return out;
}

function browserPath() {
  for (const p of [process.env.CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium']) {
    if (p && fs.existsSync(p)) return p;
  }
  console.error('browser-search: no chromium found (apt-get install chromium, or set CHROMIUM)');
  process.exit(2);
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

/** This browser's renderers' main threads (tid = pid), in ms of CPU (Linux schedstat). */
function rendererMainCpuMs(userDataDir) {
  let ns = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !cmd.includes(userDataDir)) continue;
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a process that ended meanwhile
    }
  }
  return ns / 1e6;
}

/**
 * BENCH_LOAD_ONLY=1: only the cold loads of medcode in fresh pages
 * (BENCH_LOAD_RUNS of them, default 9), each with its breakdown and, from
 * another fresh page, the bare index stream (`bare_*`: fetch and read the
 * body, nothing else), and the renderer main thread's CPU time over the
 * load (`load_cpu_ms`, Linux schedstat); no peers, no queries, no docs.json needed. For load
 * work; prints JSON to stdout.
 */
async function loadOnly() {
  need(path.join(BUILD, 'wasm', 'medcode_bg.wasm'), 'run ./build.sh');
  need(path.join(DIST, 'medcode.idx'), 'run ./build.sh');
  const runs = Number(process.env.BENCH_LOAD_RUNS ?? 9);
  const { server, url } = await startServer(0);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: browserPath(), headless: true, args: FLAGS });
  try {
    const loads = [];
    for (let i = 0; i < runs; i++) {
      const p = await context.newPage();
      await p.goto(`${url}/page/index.html`);
      await p.waitForFunction(() => window.benchReady === true);
      // The renderer main thread's CPU over the cold load (fetch, read,
      // push, finish): what a loaded machine's wall clock hides.
      const c0 = rendererMainCpuMs(userDataDir);
      const load = await p.evaluate(() => window.bench.loadMedcode());
      load.load_cpu_ms = rendererMainCpuMs(userDataDir) - c0;
      await p.close();
      // The bare stream in another fresh page, for comparison (bench.js streamIndexOnly).
      const q = await context.newPage();
      await q.goto(`${url}/page/index.html`);
      await q.waitForFunction(() => window.benchReady === true);
      const b0 = rendererMainCpuMs(userDataDir);
      const bare = await q.evaluate(() => window.bench.streamIndexOnly());
      bare.bare_cpu_ms = rendererMainCpuMs(userDataDir) - b0;
      loads.push({ ...load, ...bare });
      await q.close();
    }
    const keys = Object.keys(loads[0]).filter((k) => typeof loads[0][k] === 'number');
    const med = Object.fromEntries(keys.map((k) => [k, Math.round(median(loads.map((l) => l[k])) * 10) / 10]));
    log(`cold load, median of ${runs} fresh pages: ${JSON.stringify(med)}`);
    log(`load_ms each: ${loads.map((l) => l.load_ms.toFixed(1)).join(' ')}; loadavg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(JSON.stringify({ median: med, loads }, null, 1));
  } finally {
    await context.close();
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

/**
 * BENCH_LOAD_CPU=1: the load's own main-thread work, without the network:
 * in fresh pages (BENCH_LOAD_RUNS, default 8), the index already in memory,
 * the renderer main thread's CPU time (Linux /proc/<pid>/schedstat, so
 * other processes on a loaded machine do not count) and the wall time of
 * pushing it into an IndexLoader and finishing; then of copying it only,
 * and of copy + checksum (bench.js preparePushFromMemory). Medians; prints
 * JSON to stdout.
 */
async function loadCpu() {
  need(path.join(BUILD, 'wasm', 'medcode_bg.wasm'), 'run ./build.sh');
  need(path.join(DIST, 'medcode.idx'), 'run ./build.sh');
  const runs = Number(process.env.BENCH_LOAD_RUNS ?? 8);
  const { server, url } = await startServer(0);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: browserPath(), headless: true, args: FLAGS });
  const rendererCpuMs = () => rendererMainCpuMs(userDataDir);
  try {
    const out = {};
    for (let i = 0; i < runs; i++) {
      for (const mode of ['load', 'copy', 'nocheck']) {
        const p = await context.newPage();
        await p.goto(`${url}/page/index.html`);
        await p.waitForFunction(() => window.benchReady === true);
        await p.evaluate((m) => window.bench.preparePushFromMemory(m), mode);
        const c0 = rendererCpuMs();
        const wall = await p.evaluate(() => window.pushAll());
        const cpu = rendererCpuMs() - c0;
        await p.close();
        (out[`${mode}_cpu_ms`] ??= []).push(cpu);
        (out[`${mode}_wall_ms`] ??= []).push(wall);
      }
    }
    const med = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
    log(`main-thread work of a load from memory, median of ${runs} fresh pages: ${JSON.stringify(med)}; loadavg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(JSON.stringify({ median: med, runs: out }));
  } finally {
    await context.close();
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** medcode's search call as the extension and the page make it (bench.js useMedcodeCall). */
const MEDCODE_CALL = process.env.BENCH_MEDCODE_CALL ?? 'packed';

/**
 * BENCH_SEARCH_ONLY=1: only medcode's queries (no peers, no cold loads), as
 * in the full run; BENCH_MEDCODE_CALL=search times the object-building call
 * instead of the packed one. For search work; prints JSON to stdout.
 */
async function searchOnly() {
  need(path.join(BUILD, 'wasm', 'medcode_bg.wasm'), 'run ./build.sh');
  fs.mkdirSync(TMP, { recursive: true });
  await bundle('packed-hits', path.join(ROOT, 'web-shared', 'packed-hits.ts'));
  const { server, url } = await startServer(0);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: browserPath(), headless: true, args: FLAGS });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${url}/page/index.html`);
    await page.waitForFunction(() => window.benchReady === true);
    const nq = (await page.evaluate(() => window.bench.loadQueries())).length;
    await page.evaluate(() => window.bench.loadMedcode());
    const call = await page.evaluate((c) => window.bench.useMedcodeCall(c), MEDCODE_CALL);
    const r = await page.evaluate(() => window.bench.run('medcode', { extraMs: 10000, passes: 7 }));
    // After the timed run, so its garbage does not land in the timings.
    call.checked = await page.evaluate(() => window.bench.checkPacked());
    const s = summarize(r, nq);
    const out = { call, loadavg: os.loadavg(), p50_us: s.p50_us, p99_us: s.p99_us, latency_by_set: s.latency_by_set, hit_rate: s.hit_rate };
    log(`${call.call} (${call.checked} query × system checked equal to search): p50 ${s.p50_us.toFixed(1)} µs, p99 ${s.p99_us.toFixed(0)} µs; loadavg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(JSON.stringify(out));
  } finally {
    await context.close();
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function main() {
  if (process.env.BENCH_LOAD_ONLY === '1') return loadOnly();
  if (process.env.BENCH_LOAD_CPU === '1') return loadCpu();
  if (process.env.BENCH_SEARCH_ONLY === '1') return searchOnly();
  const docs = need(path.join(TMP, 'docs.json'), 'run `cargo bench --bench native_search` first');
  const glue = need(path.join(BUILD, 'wasm', 'medcode.js'), 'run ./build.sh');
  const wasm = need(path.join(BUILD, 'wasm', 'medcode_bg.wasm'), 'run ./build.sh');
  const idx = need(path.join(DIST, 'medcode.idx'), 'run ./build.sh');
  fs.mkdirSync(TMP, { recursive: true });
  const miniBundle = await bundle('minisearch');
  const flexBundle = await bundle('flexsearch');
  await bundle('packed-hits', path.join(ROOT, 'web-shared', 'packed-hits.ts'));
  const shipped = {
    medcode: sizes([glue, wasm, idx]),
    minisearch: sizes([miniBundle, docs]),
    flexsearch: sizes([flexBundle, docs]),
  };
  const indexGzip = shipped.medcode.parts['medcode.idx'].gzip;

  const { server, url } = await startServer(0);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: browserPath(),
    headless: true,
    args: FLAGS,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const open = async (p) => {
      await p.goto(`${url}/page/index.html`);
      await p.waitForFunction(() => window.benchReady === true);
    };
    await open(page);
    const cdp = await context.newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const info = await page.evaluate(() => window.bench.info());
    info.loadavg_before = os.loadavg();
    info.product = (await cdp.send('Browser.getVersion')).product;
    log(`crossOriginIsolated=${info.crossOriginIsolated}, timer step ${info.timer_resolution_us.toFixed(1)} µs`);
    if (!info.crossOriginIsolated) log('WARNING: page is not crossOriginIsolated; the timer is coarse');
    const querySets = await page.evaluate(() => window.bench.loadQueries());
    const nq = querySets.length;

    // Loads, one after another in the same page, with the JS heap (after GC) between.
    const heap0 = await heap();
    const mLoad = await page.evaluate(() => window.bench.loadMedcode());
    mLoad.search_call = await page.evaluate((c) => window.bench.useMedcodeCall(c), MEDCODE_CALL);
    const heap1 = await heap();
    log(`medcode loaded in ${mLoad.load_ms.toFixed(1)} ms`);
    const miniLoad = await page.evaluate(() => window.bench.loadPeer('minisearch', '/tmp/minisearch.bundle.js'));
    const heap2 = await heap();
    log(`MiniSearch built in ${miniLoad.load_ms.toFixed(0)} ms`);
    const flexLoad = await page.evaluate(() => window.bench.loadPeer('flexsearch', '/tmp/flexsearch.bundle.js'));
    const heap3 = await heap();
    log(`FlexSearch built in ${flexLoad.load_ms.toFixed(0)} ms`);

    // Cold loads of medcode in fresh pages (no HTTP cache: no-store).
    const coldLoads = [];
    const pcsLoads = []; // ICD-10-PCS attached on first use in the same fresh pages
    for (let i = 0; i < 5; i++) {
      const p = await context.newPage();
      await open(p);
      coldLoads.push(await p.evaluate(() => window.bench.loadMedcode()));
      const pcs = await p.evaluate(() => window.bench.loadPcs());
      if (pcs) pcsLoads.push(pcs);
      await p.close();
    }
    if (pcsLoads.length) log(`pcs.idx loaded in ${median(pcsLoads.map((l) => l.load_ms)).toFixed(1)} ms (median of ${pcsLoads.length})`);

    // Queries.
    const runs = {};
    for (const [name, opts] of [
      ['medcode', { extraMs: 10000, passes: 7 }],
      ['flexsearch', { extraMs: FULL ? 3.6e6 : 25000, passes: 3 }],
      ['minisearch', { budgetMs: MINI_BUDGET_MS, extraMs: FULL ? 3.6e6 : 0, passes: 3 }],
    ]) {
      const t = Date.now();
      runs[name] = await page.evaluate(([n, o]) => window.bench.run(n, o), [name, opts]);
      const r = runs[name];
      log(`${name}: ${r.rows.length}/${nq} queries, ${r.passes} timed passes, in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    mLoad.search_call.checked = await page.evaluate(() => window.bench.checkPacked());

    const engines = [
      {
        id: 'medcode',
        engine: 'medcode (wasm)',
        load: { ...mLoad, cold_load_ms_median: median(coldLoads.map((l) => l.load_ms)), cold_loads_ms: coldLoads.map((l) => l.load_ms) },
        load_ms: median(coldLoads.map((l) => l.load_ms)),
        shipped: shipped.medcode,
        js_heap_bytes: heap1 - heap0,
        wasm_memory_bytes: mLoad.wasm_memory_bytes,
        resident_bytes: heap1 - heap0 + mLoad.wasm_memory_bytes,
        index_gzip_bytes: indexGzip,
      },
      {
        id: 'minisearch',
        engine: 'MiniSearch 7.2.0',
        config: 'fields codes+text, fuzzy 0.2, prefix true; top 10 of search()',
        load: miniLoad,
        load_ms: miniLoad.load_ms,
        shipped: shipped.minisearch,
        js_heap_bytes: heap2 - heap1,
        resident_bytes: heap2 - heap1,
      },
      {
        id: 'flexsearch',
        engine: 'FlexSearch 0.8.212',
        config: 'Index, tokenize forward, one field codes+text; search limit 10, suggest true',
        load: flexLoad,
        load_ms: flexLoad.load_ms,
        shipped: shipped.flexsearch,
        js_heap_bytes: heap3 - heap2,
        resident_bytes: heap3 - heap2,
      },
    ];
    for (const e of engines) Object.assign(e, summarize(runs[e.id], nq));

    const result = {
      info,
      chromium: (info.product.match(/([\d.]+)$/) ?? [])[1] ?? null,
      queries: nq,
      queries_sets: querySets,
      full: FULL,
      minisearch_budget_s: MINI_BUDGET_MS / 1000,
      loadavg_after: os.loadavg(),
      engines,
      pcs: pcsLoads.length
        ? {
            file: 'pcs.idx',
            bytes: fs.statSync(path.join(DIST, 'pcs.idx')).size,
            gzip_bytes: gzip9(fs.readFileSync(path.join(DIST, 'pcs.idx'))).length,
            load_ms_median: median(pcsLoads.map((l) => l.load_ms)),
            fetch_ms_median: median(pcsLoads.map((l) => l.fetch_ms)),
            attach_ms_median: median(pcsLoads.map((l) => l.attach_ms)),
            first_search_ms_median: median(pcsLoads.map((l) => l.first_search_ms)),
            first_next_ms_median: median(pcsLoads.map((l) => l.first_next_ms)),
            loads: pcsLoads,
          }
        : null,
    };
    fs.writeFileSync(path.join(TMP, 'results-browser.json'), JSON.stringify(result, null, 2));
  } finally {
    await context.close();
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  if (process.env.BENCH_NO_REPORT !== '1') report();
}

let devLines = null;
function devQuery(i) {
  devLines ??= fs.readFileSync(DEV_SET, 'utf8').split('\n').filter((l) => l.trim());
  return JSON.parse(devLines[i]).query;
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.round((sorted.length - 1) * p)] : null;
}

function summarize(run, total) {
  const rows = run.rows;
  const us = rows.map((r) => r.us).sort((a, b) => a - b);
  const bySet = {};
  for (const r of rows) {
    const s = (bySet[r.set] ??= { hits: 0, n: 0, us: [] });
    s.hits += r.hit;
    s.n += 1;
    s.us.push(r.us);
  }
  const hit_rate = { all: rows.reduce((a, r) => a + r.hit, 0) / rows.length };
  const queries_by_set = {};
  const latency_by_set = {};
  for (const [k, s] of Object.entries(bySet)) {
    hit_rate[k] = s.hits / s.n;
    queries_by_set[k] = s.n;
    const sorted = s.us.sort((a, b) => a - b);
    latency_by_set[k] = { p50_us: pct(sorted, 0.5), p99_us: pct(sorted, 0.99) };
  }
  return {
    p50_us: pct(us, 0.5),
    p99_us: pct(us, 0.99),
    mean_us: us.reduce((a, b) => a + b, 0) / us.length,
    timed_passes: run.passes,
    // For comparison: each query's first run alone, and (fast queries only)
    // back-to-back repeats of one query, everything hot in cache.
    first_run_p50_us: pct(rows.map((r) => r.first_us).sort((a, b) => a - b), 0.5),
    first_run_mean_us: rows.reduce((a, r) => a + r.first_us, 0) / rows.length,
    warm_repeat_p50_us: pct(rows.map((r) => r.warm_us ?? r.us).sort((a, b) => a - b), 0.5),
    queries_run: rows.length,
    // Which queries ran and which hit, to compare engines on the same queries.
    ran_idx: rows.map((r) => r.idx).sort((a, b) => a - b),
    hit_idx: rows.filter((r) => r.hit).map((r) => r.idx).sort((a, b) => a - b),
    sampled: rows.length < total,
    queries_by_set,
    hit_rate,
    // The slowest queries, for whoever tunes the p99.
    slowest: [...rows].sort((a, b) => b.us - a.us).slice(0, 10).map((r) => ({ us: r.us, set: r.set, query: devQuery(r.idx) })),
    latency_by_set,
  };
}

await main();
