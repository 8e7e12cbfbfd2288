// The content script on the hostile page (www/demo/hostile-dom.html) in
// Firefox ESR: 50,000 inputs in one unclosed <label>, a megabyte label and
// placeholder, 200 nested shadow roots, a field swapped for an NPI box while
// our list is open. See hostile-dom.test.mjs for the Chromium run. The
// content script's registry counters are read through an extension page
// (WebDriver BiDi opens moz-extension:// only with -remote-allow-system-access).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startServers } from "./server.mjs";
import { foreignRequests, launchFirefox, openFirefoxOptions } from "./harness.mjs";

const FIREFOX_FORM_AUTOFILL_OFF = {
  "signon.autofillForms": false, "signon.rememberSignons": false, "browser.formfill.enable": false,
  "extensions.formautofill.addresses.enabled": false, "extensions.formautofill.creditCards.enabled": false,
};
let server, ff;
before(async () => {
  server = await startServers();
  // Firefox's own form autofill and login manager gather every form-less input on focus: on
  // this page focus() took 14.6 s in Firefox ESR 140.10 with no extension installed, 8 ms with
  // them off. Off here, so "the page was blocked" measures our content script, not Firefox.
  ff = await launchFirefox(server, undefined, { systemAccess: true, prefs: FIREFOX_FORM_AUTOFILL_OFF });
});
after(async () => {
  await ext?.close().catch(() => undefined);
  await ff?.close();
  await server?.close();
});

async function open(path) {
  const page = await ff.browser.newPage();
  await page.goto(server.origin + path);
  await page.waitForSelector("medcode-overlay", { timeout: 30_000 });
  return page;
}
let ext = null;
/** An extension page to ask the content script from. */
async function extensionPage() {
  return (ext ??= await openFirefoxOptions(ff));
}
/** The content script's registry counters for the tab at `url` (its "ping" answer). */
async function registryStats(url) {
  const page = await extensionPage();
  // every tab asked (a URL with a port is no match pattern in Firefox); the answer names its page
  return page.evaluate(async (u) => {
    for (const tab of await browser.tabs.query({})) {
      const r = await browser.tabs.sendMessage(tab.id, { type: "ping" }, { frameId: 0 }).catch(() => null);
      if (r && r.url === u) return r;
    }
    return null;
  }, url);
}
/** Waits until every one of `inputs` inputs is classified; the registry's counters then. */
async function classifiedAll(page, inputs) {
  let stats = null;
  for (let i = 0; i < 600; i++) {
    stats = await registryStats(page.url());
    if (stats && stats.stats.classified >= inputs) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return stats;
}

const OPTS = "medcode-overlay >>> .listbox:not([hidden]) li.opt";
/** the list's codes once it shows the answer to `q` (earlier answers may show first) */
async function suggestionsFor(page, q) {
  await page.waitForFunction((q) => {
    const lb = document.querySelector("medcode-overlay")?.shadowRoot?.querySelector(".listbox:not([hidden])");
    return lb && (lb.dataset.query ?? "").toLowerCase() === q && lb.querySelector("li.opt");
  }, { timeout: 30_000, polling: 50 }, q);
  return page.$$eval(OPTS, (ls) => ls.map((l) => l.dataset.code));
}

test("a page of 50,000 inputs in one label, a megabyte label and 200 nested shadow roots: classified with work linear in the inputs, responsive, suggestions work", { timeout: 300_000 }, async () => {
  // Baseline in this run, same browser and load: the page with 5,000 inputs.
  const small = await open("/hostile-dom.html?inputs=5000");
  const base = await classifiedAll(small, 5_000);
  assert.ok(base && base.stats.classified >= 5_000, `baseline classified ${base?.stats.classified} of 5,000`);
  await small.close();
  const page = await open("/hostile-dom.html");
  assert.equal(await page.evaluate(() => document.body.dataset.built), "50000");
  const stats = await classifiedAll(page, 50_000);
  const perInput = (s) => s.stats.idleMs / s.stats.classified;
  console.log(`hostile page (Firefox): ${stats?.stats.classified} inputs classified, ${stats?.stats.idleSlices} idle slices, ${stats?.stats.idleMs.toFixed(0)} ms idle work (${(1000 * perInput(stats)).toFixed(1)} µs an input; 5,000-input page ${(1000 * perInput(base)).toFixed(1)} µs)`);
  assert.ok(stats && stats.stats.classified >= 50_000, `classified ${stats?.stats.classified} of 50,000`);
  // each input classified once: the page's other fields are a handful, never a second pass
  assert.ok(stats.stats.classified <= 50_000 + 50, `classified ${stats.stats.classified}: inputs classified more than once`);
  // linear: ten times the inputs, about ten times the work. A cost that grows with the
  // inputs already seen (quadratic) makes each input ~10x dearer; the ceiling is 2.5x the
  // baseline's per-input work measured in this run (plus 20 µs of slack for a quiet baseline).
  assert.ok(perInput(stats) <= 2.5 * perInput(base) + 0.02,
    `${(1000 * perInput(stats)).toFixed(1)} µs an input on the 50,000-input page vs ${(1000 * perInput(base)).toFixed(1)} µs on the 5,000 one`);
  // the page's own cost of a keystroke, in this run: typing in one of its notes inputs (no list of ours)
  await page.click("input[name=n25000]");
  await page.evaluate(() => window.resetGap());
  await page.keyboard.type("chf asthma");
  await new Promise((r) => setTimeout(r, 500));
  const ownGap = await page.evaluate(() => window.maxGapMs);
  await page.evaluate(() => window.resetGap());
  await page.click("#dx-top");
  await page.keyboard.type("chf");
  const top = await suggestionsFor(page, "chf");
  assert.ok(top.length && top.every((c) => c.startsWith("I50")), top.join());
  await page.keyboard.press("Escape");
  await page.click("#dx-huge");
  await page.keyboard.type("asthma");
  const huge = await suggestionsFor(page, "asthma");
  assert.ok(huge.length && huge[0].startsWith("J45"), huge.join());
  await page.keyboard.press("Escape");
  await page.evaluate(() => {
    let root = document.getElementById("deep-card").shadowRoot;
    while (root.querySelector("deep-a, deep-b")) root = root.querySelector("deep-a, deep-b").shadowRoot;
    root.getElementById("dx-deep").focus();
  });
  await page.keyboard.type("copd");
  await new Promise((r) => setTimeout(r, 1500));
  const gap = await page.evaluate(() => window.maxGapMs);
  console.log(`hostile page (Firefox): longest main-thread block while typing ${gap.toFixed(0)} ms (typing in the page's own notes input: ${ownGap.toFixed(0)} ms)`);
  // bound scaled by the page's own keystroke on this machine, as in the Chromium spec
  assert.ok(gap < Math.max(2_000, 2.5 * ownGap), `the page was blocked ${gap.toFixed(0)} ms (its own keystroke: ${ownGap.toFixed(0)} ms)`);
  assert.deepEqual(foreignRequests(server), []);
  await page.close();
});

test("the page swaps the field being typed in for an NPI box while the list is open: Enter puts no code in the NPI box", { timeout: 120_000 }, async () => {
  const page = await open("/hostile-dom.html?inputs=10");
  await page.click("#dx-swap");
  await page.keyboard.type("chf");
  assert.ok((await suggestionsFor(page, "chf")).length);
  await page.keyboard.press("ArrowDown");
  await page.evaluate(() => window.swapField());
  await page.keyboard.press("Enter");
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await page.$eval("#npi-swap", (e) => e.value), "");
  await page.keyboard.type("1234567893");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await page.$eval("#npi-swap", (e) => e.value), "1234567893");
  assert.equal((await page.$$(OPTS)).length, 0, "no diagnosis list on the NPI box");
  await page.close();
});
