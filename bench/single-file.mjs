#!/usr/bin/env node
// Benchmark: dist/medcode.html opened from file:// in headless Chromium, from
// navigation to engine ready (median of N loads after one first load), with
// where the time goes: the file read, the parse, each embedded block's decode
// (www/src/embedded.ts marks), the wasm instantiated, the engine constructed;
// usable = the page marked itself ready (search attached, NCCI attached).
// Also the page's memory when ready: JS heap (after GC) + wasm memory.
//   node bench/single-file.mjs [--runs 7] [--out bench/tmp/single-file.json]
import fs from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, launchChromium } from '../tests/e2e/lib/browser.mjs';

const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const runs = Number(arg('runs', 7));
const out = arg('out', null);
const file = path.join(DIST, 'medcode.html');
if (!fs.existsSync(file)) throw new Error(`no ${file}: run ./build.sh first`);
const round = (x) => Math.round(x * 10) / 10;
const median = (xs) => { const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b); return s.length ? round(s[Math.floor(s.length / 2)]) : null; };

const browser = await launchChromium();
const result = { file: path.relative(process.cwd(), file), bytes: fs.statSync(file).size, runs, loadavg_before: loadavg().map(round) };
try {
  const page = await browser.page();
  // when the page said it is ready (search attached; after the NCCI table is attached too)
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (document.documentElement?.dataset.state === 'ready') window.__usableAt ??= performance.now();
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
  const url = pathToFileURL(file).href;
  const all = [];
  for (let i = 0; i <= runs; i++) {
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.state !== 'loading', null, { timeout: 60000 });
    const r = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const t = window.medcode?.loaded?.timings ?? {};
      const m = window.medcodeEmbedded?.marks ?? {};
      return {
        state: document.documentElement.dataset.state,
        file_read_ms: n.responseEnd,
        parsed_ms: n.domInteractive,
        index_decoded_ms: m['medcode-index:done'] ?? null,
        wasm_compiled_ms: m['medcode-wasm:done'] ?? null,
        wasm_instantiated_ms: t.instantiate,
        engine_construct_ms: t.engine,
        ready_ms: t.ready,
        usable_ms: window.__usableAt ?? null,
      };
    });
    if (r.state !== 'ready') throw new Error(`medcode.html did not start (${r.state})`);
    if (i > 0) all.push(r); // the first load warms the file cache
  }
  result.median = Object.fromEntries(Object.keys(all[0]).filter((k) => k !== 'state').map((k) => [k, median(all.map((x) => x[k]))]));
  result.ready_ms = all.map((x) => round(x.ready_ms));
  // memory once ready: JS heap after GC (CDP) + the wasm linear memory
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const wasmBytes = await page.evaluate(() => window.medcodeEmbedded?.sizes?.['wasm-memory'] ?? 0);
  result.memory = { js_heap_bytes: heap.usedSize, wasm_memory_bytes: wasmBytes, resident_bytes: heap.usedSize + wasmBytes };
} finally {
  await browser.close();
}
result.loadavg_after = loadavg().map(round);
const json = JSON.stringify(result, null, 2);
console.log(json);
if (out) fs.writeFileSync(out, json + '\n');
