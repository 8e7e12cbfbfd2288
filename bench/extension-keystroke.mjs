#!/usr/bin/env node
// Benchmark: keystroke → suggestions visible in Chromium, with the built
// extension on the demo pages. Prints JSON (and writes it to --out FILE).
//   node bench/extension-keystroke.mjs [--out bench/extension-keystroke.json] [--rounds 3] [--ext BUILT_TEST_EXTENSION_DIR] [--cold-only]
// --cold-only: only the cold start (killed worker → first search answer), for load work.
// Builds the Chromium test flavour (build/extension-test-chrome) from build/wasm
// and dist/medcode.idx first, so run ./build.sh before.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { startServers } from "../tests/e2e/extension/server.mjs";
import { CHROME_TEST_EXT, enableSiteChromium, foreignRequests, launchChromium, measureKeystrokes, percentile, worker } from "../tests/e2e/extension/harness.mjs";

const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const rounds = Number(arg("rounds", 3));
const out = arg("out", null);
// --ext DIR: a test flavour built elsewhere (an A/B comparison against another commit's extension)
const extDir = arg("ext", null);
const coldOnly = process.argv.includes("--cold-only");
if (!extDir) execFileSync(process.execPath, [new URL("../extension/build.mjs", import.meta.url).pathname, "--browser", "chrome", "--test", "--out", CHROME_TEST_EXT], { stdio: ["ignore", "ignore", "inherit"] });
const QUERIES = ["chf", "copd exac", "asthma", "type 2 diabetes", "e11.6", "hypertension", "fracture radius", "uti"];
const stats = (xs) => ({ p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), n: xs.length });
const round = (x) => Math.round(x * 100) / 100;
/** frames-after-key counts: the share painted in the first frame after the key, the second, later */
const framesStats = (xs) => ({
  first_frame: round(xs.filter((k) => k <= 1).length / Math.max(1, xs.length)),
  second_frame: round(xs.filter((k) => k === 2).length / Math.max(1, xs.length)),
  later: round(xs.filter((k) => k > 2).length / Math.max(1, xs.length)),
  p95: percentile(xs, 95),
  n: xs.length,
});

const server = await startServers();
const b = await launchChromium(server, extDir ?? CHROME_TEST_EXT);
const result = { browser: b.ctx.browser()?.version() ?? "chromium", machine: { cores: availableParallelism(), loadavg_before: loadavg().map(round) } };
try { run: {
  result.cold_start = {};
  // typing cost without the extension on the big page (site not enabled yet)
  if (!coldOnly) {
  const plain = await b.ctx.newPage();
  await plain.goto(`${server.origin}/big.html`);
  await plain.waitForTimeout(1000);
  result.big_page_input_to_frame_without_extension_ms = stats(await inputToFrame(plain, "#big-dx", "hypertension".repeat(3)));
  await plain.close();
  // the floor for anything a keystroke shows on the EHR demo: the key's own echo painted, no extension
  // (a key lands at a random point of a frame, so even zero work waits 0–16.7 ms for the next one)
  const plainEhr = await b.ctx.newPage();
  await plainEhr.goto(`${server.origin}/ehr.html`);
  await plainEhr.waitForTimeout(500);
  result.ehr_input_to_frame_without_extension_ms = stats(await inputToFrame(plainEhr, "#dx1", "hypertension".repeat(3)));
  await plainEhr.close();
  }

  await enableSiteChromium(b.ctx, b.id, server.origin);

  // message round trips and search through the worker, from an extension page
  const ext = await b.ctx.newPage();
  await ext.goto(`chrome-extension://${b.id}/options.html`);
  const cdp = await b.ctx.newCDPSession(ext);
  await cdp.send("ServiceWorker.enable");
  await cdp.send("ServiceWorker.stopAllWorkers");
  await ext.waitForTimeout(500);
  if (!coldOnly) {
  Object.assign(result, await ext.evaluate(async (queries) => {
    const send = (m) => chrome.runtime.sendMessage(m);
    const t0 = performance.now();
    const warm = await send({ type: "warm" });
    const cold = performance.now() - t0;
    const ping = [], search = [];
    for (let i = 0; i < 300; i++) { const t = performance.now(); await send({ type: "ping" }); ping.push(performance.now() - t); }
    for (let r = 0; r < 5; r++) for (const q of queries) for (let i = 2; i <= q.length; i++) {
      const t = performance.now(); await send({ type: "search", query: q.slice(0, i), system: "icd10cm", limit: 8 }); search.push(performance.now() - t);
    }
    // the same over the long-lived port the content script uses (extension/src/shared/platform.ts)
    const port = chrome.runtime.connect({ name: "medcode-rpc" });
    let id = 0;
    const waiting = new Map();
    port.onMessage.addListener((m) => { waiting.get(m.id)?.(m.env); waiting.delete(m.id); });
    let closed = false; // an extension without the port (an older build): no port figures
    port.onDisconnect.addListener(() => { closed = true; for (const w of waiting.values()) w(null); waiting.clear(); });
    const viaPort = (msg) => new Promise((resolve) => { if (closed) return resolve(null); const i = ++id; waiting.set(i, resolve); port.postMessage({ id: i, msg }); });
    const portPing = [], portSearch = [];
    for (let i = 0; i < 300 && !closed; i++) { const t = performance.now(); if (await viaPort({ type: "ping" })) portPing.push(performance.now() - t); }
    if (!closed) for (let r = 0; r < 5; r++) for (const q of queries) for (let i = 2; i <= q.length; i++) {
      const t = performance.now(); await viaPort({ type: "search", query: q.slice(0, i), system: "icd10cm", limit: 8 }); portSearch.push(performance.now() - t);
    }
    if (!closed) port.disconnect();
    return { _portPing: portPing, _portSearch: portSearch, cold_start: { first_reply_ms: cold, engine_load_ms: warm.value.loadMs, breakdown: warm.value.breakdown, validators: warm.value.validateClaim && warm.value.validateField, ncci: warm.value.ncci }, _ping: ping, _search: search };
  }, QUERIES));
  result.roundtrip_ms = stats(result._ping);
  result.search_roundtrip_ms = stats(result._search);
  result.port_roundtrip_ms = stats(result._portPing);
  result.port_search_roundtrip_ms = stats(result._portSearch);
  for (const k of ["_ping", "_search", "_portPing", "_portSearch"]) delete result[k];
  result.cold_start.first_reply_ms = round(result.cold_start.first_reply_ms);
  }
  // killed worker → first search answer, from an extension page (median of 3)
  const firstSearch = [], loads = [];
  for (let i = 0; i < 5; i++) {
    await cdp.send("ServiceWorker.stopAllWorkers");
    await ext.waitForTimeout(500);
    const r = await ext.evaluate(async () => {
      const t = performance.now();
      await chrome.runtime.sendMessage({ type: "search", query: "chf", system: "icd10cm", limit: 8 });
      const ms = performance.now() - t;
      const status = (await chrome.runtime.sendMessage({ type: "warm" })).value; // that load's breakdown
      return { ms, loadMs: status.loadMs, ...status.breakdown };
    });
    firstSearch.push(r.ms);
    loads.push(r);
  }
  result.cold_start.first_search_ms = stats(firstSearch);
  // where those loads went (medians): worker start ≈ first search − load
  const med = (k) => round(percentile(loads.map((l) => l[k]), 50));
  result.cold_start.first_search_breakdown = { load_ms: med("loadMs"), wasm_ms: med("wasmMs"), index_fetch_ms: med("fetchMs"), engine_ms: med("engineMs"), user_data_ms: med("userDataMs") };
  if (coldOnly) {
    result.cold_start.first_search_each_ms = firstSearch.map(round);
    result.machine.loadavg_after = loadavg().map(round);
    break run;
  }
  // killed worker → first suggestions painted in a page: focus a code field (warms the engine), type "chf"
  const coldPaint = { from_focus: [], from_first_key: [] };
  for (let i = 0; i < 3; i++) {
    const page = await b.ctx.newPage();
    await page.goto(server.origin + "/ehr.html");
    await page.locator("medcode-overlay").waitFor({ state: "attached" });
    await page.waitForTimeout(500);
    await cdp.send("ServiceWorker.stopAllWorkers");
    await page.waitForTimeout(500);
    await page.evaluate(() => {
      const host = document.querySelector("medcode-overlay");
      window.__cold = {};
      window.addEventListener("focusin", (e) => { window.__cold.focus ??= e.timeStamp; }, true);
      window.addEventListener("input", (e) => { window.__cold.key ??= e.timeStamp; }, true);
      new MutationObserver(() => {
        const lb = host.shadowRoot.querySelector(".listbox:not([hidden])");
        if (lb && lb.dataset.query === "chf" && Number(lb.dataset.count) > 0 && !window.__cold.shown) {
          window.__cold.shown = true;
          requestAnimationFrame(() => { window.__cold.painted = performance.now(); });
        }
      }).observe(host.shadowRoot, { subtree: true, childList: true, attributes: true });
    });
    await page.click("#dx1");
    await page.keyboard.type("chf", { delay: 60 });
    await page.waitForFunction(() => window.__cold.painted, null, { timeout: 10000 }).catch(() => undefined);
    const c = await page.evaluate(() => window.__cold);
    if (c.painted) {
      coldPaint.from_focus.push(c.painted - c.focus);
      coldPaint.from_first_key.push(c.painted - c.key);
    }
    await page.close();
  }
  result.cold_start.page_first_suggestions_ms = { from_focus: stats(coldPaint.from_focus), from_first_key: stats(coldPaint.from_first_key) };
  await cdp.detach();
  await ext.close();

  for (const [name, path, sel] of [["ehr", "/ehr.html", "#dx1"], ["big_page", "/big.html", "#big-dx"]]) {
    const page = await b.ctx.newPage();
    await page.goto(server.origin + path);
    await page.locator("medcode-overlay").waitFor({ state: "attached" });
    await page.waitForTimeout(1000);
    const all = { dom: [], frame: [], frames: [], frameStart: [], frameRender: [], toRequest: [], request: [], worker: [], render: [] };
    for (let r = 0; r < rounds; r++) {
      const t = await measureKeystrokes(page, sel, QUERIES);
      for (const k of Object.keys(all)) all[k].push(...(t[k] ?? []));
    }
    result[`keystroke_to_suggestions_${name}_ms`] = {
      dom_updated: stats(all.dom),
      // the end of the main-thread rendering of the frame that shows the suggestions (harness.mjs measureKeystrokes)
      painted_frame: stats(all.frame),
      // which frame after the key painted them: 1 = the first (the "one frame from key to painted suggestions")
      frames_after_key: framesStats(all.frames),
      // where painted_frame goes: key → the painting frame's rAF, then that frame's style, layout, paint
      painted_split: { key_to_frame_start: stats(all.frameStart), frame_rendering: stats(all.frameRender) },
      // where dom_updated goes: input event → request sent, request → answer in the content script
      // (of which the background's own handling: worker), answer → rendered
      stages: { input_to_request: stats(all.toRequest), request_roundtrip: stats(all.request), worker: stats(all.worker), render: stats(all.render) },
    };
    if (name === "big_page") result.big_page_input_to_frame_with_extension_ms = stats(await inputToFrame(page, 'input[name="r3_notes"]', "hypertension".repeat(3)));
    await page.close();
  }
  result.machine.loadavg_after = loadavg().map(round);
  result.foreign_requests = foreignRequests(server);
} } finally {
  await b.close();
  await server.close();
}
const json = JSON.stringify(result, null, 2);
console.log(json);
if (out) writeFileSync(out, json + "\n");

/**
 * input event → the next frame painted (its rAF, then a message that runs once
 * that frame's rendering is done; the same end point as measureKeystrokes)
 * while typing `text` into `sel`: what typing costs the page.
 */
async function inputToFrame(page, sel, text) {
  await page.click(sel);
  await page.evaluate(() => {
    window.__itf = [];
    window.addEventListener("input", (e) => {
      const t0 = e.timeStamp;
      requestAnimationFrame(() => {
        const mc = new MessageChannel();
        mc.port1.onmessage = () => window.__itf.push(performance.now() - t0);
        mc.port2.postMessage(0);
      });
    }, true);
  });
  for (const ch of text) {
    await page.keyboard.type(ch);
    await page.waitForTimeout(20);
  }
  return page.evaluate(() => window.__itf);
}
