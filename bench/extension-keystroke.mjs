#!/usr/bin/env node
// Benchmark: keystroke → suggestions visible in Chromium, with the built
// extension on the demo pages. Prints JSON (and writes it to --out FILE).
//   node bench/extension-keystroke.mjs [--out bench/extension-keystroke.json] [--rounds 3]
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
execFileSync(process.execPath, [new URL("../extension/build.mjs", import.meta.url).pathname, "--browser", "chrome", "--test", "--out", CHROME_TEST_EXT], { stdio: ["ignore", "ignore", "inherit"] });
const QUERIES = ["chf", "copd exac", "asthma", "type 2 diabetes", "e11.6", "hypertension", "fracture radius", "uti"];
const stats = (xs) => ({ p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), n: xs.length });
const round = (x) => Math.round(x * 100) / 100;

const server = await startServers();
const b = await launchChromium(server);
const result = { browser: b.ctx.browser()?.version() ?? "chromium", machine: { cores: availableParallelism(), loadavg_before: loadavg().map(round) } };
try {
  // typing cost without the extension on the big page (site not enabled yet)
  const plain = await b.ctx.newPage();
  await plain.goto(`${server.origin}/big.html`);
  await plain.waitForTimeout(1000);
  result.big_page_input_to_frame_without_extension_ms = stats(await inputToFrame(plain, "#big-dx", "hypertension".repeat(3)));
  await plain.close();

  await enableSiteChromium(b.ctx, b.id, server.origin);

  // message round trips and search through the worker, from an extension page
  const ext = await b.ctx.newPage();
  await ext.goto(`chrome-extension://${b.id}/options.html`);
  const cdp = await b.ctx.newCDPSession(ext);
  await cdp.send("ServiceWorker.enable");
  await cdp.send("ServiceWorker.stopAllWorkers");
  await ext.waitForTimeout(500);
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
    return { cold_start: { first_reply_ms: cold, engine_load_ms: warm.value.loadMs, breakdown: warm.value.breakdown, validators: warm.value.validateClaim && warm.value.validateField, ncci: warm.value.ncci }, _ping: ping, _search: search };
  }, QUERIES));
  result.roundtrip_ms = stats(result._ping);
  result.search_roundtrip_ms = stats(result._search);
  delete result._ping;
  delete result._search;
  result.cold_start.first_reply_ms = round(result.cold_start.first_reply_ms);
  await cdp.detach();
  await ext.close();

  for (const [name, path, sel] of [["ehr", "/ehr.html", "#dx1"], ["big_page", "/big.html", "#big-dx"]]) {
    const page = await b.ctx.newPage();
    await page.goto(server.origin + path);
    await page.locator("medcode-overlay").waitFor({ state: "attached" });
    await page.waitForTimeout(1000);
    const dom = [], frame = [];
    for (let r = 0; r < rounds; r++) {
      const t = await measureKeystrokes(page, sel, QUERIES);
      dom.push(...t.dom);
      frame.push(...t.frame);
    }
    result[`keystroke_to_suggestions_${name}_ms`] = { dom_updated: stats(dom), painted_frame: stats(frame) };
    if (name === "big_page") result.big_page_input_to_frame_with_extension_ms = stats(await inputToFrame(page, 'input[name="r3_notes"]', "hypertension".repeat(3)));
    await page.close();
  }
  result.machine.loadavg_after = loadavg().map(round);
  result.foreign_requests = foreignRequests(server);
} finally {
  await b.close();
  await server.close();
}
const json = JSON.stringify(result, null, 2);
console.log(json);
if (out) writeFileSync(out, json + "\n");

/** input event → next animation frame while typing `text` into `sel`: what typing costs the page. */
async function inputToFrame(page, sel, text) {
  await page.click(sel);
  await page.evaluate(() => {
    window.__itf = [];
    window.addEventListener("input", (e) => { const t0 = e.timeStamp; requestAnimationFrame(() => window.__itf.push(performance.now() - t0)); }, true);
  });
  for (const ch of text) {
    await page.keyboard.type(ch);
    await page.waitForTimeout(20);
  }
  return page.evaluate(() => window.__itf);
}
