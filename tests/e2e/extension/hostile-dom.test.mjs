// The content script on a hostile page (www/demo/hostile-dom.html), in
// Chromium: 50,000 inputs inside one unclosed <label>, a label with a
// megabyte of text and a megabyte placeholder, 200 nested shadow roots, and
// a field the page swaps for an NPI box while our list is open. The page
// must stay responsive, every input gets classified in bounded time, the
// normal fields still get suggestions, and no code lands anywhere but the
// field it was chosen for.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startServers } from "./server.mjs";
import { enableSiteChromium, foreignRequests, launchChromium, settledCodes, suggestionOptions } from "./harness.mjs";

let server, b;
before(async () => {
  server = await startServers();
  b = await launchChromium(server);
  await enableSiteChromium(b.ctx, b.id, server.origin);
});
after(async () => {
  await b?.close();
  await server?.close();
});

/** The content script's registry counters for the tab at `url` (its "ping" answer). */
async function registryStats(url) {
  const sw = b.ctx.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${b.id}/`));
  return sw.evaluate(async (u) => {
    const [tab] = await chrome.tabs.query({ url: u });
    return tab ? chrome.tabs.sendMessage(tab.id, { type: "ping" }, { frameId: 0 }) : null;
  }, url);
}

/** Opens `path` and polls the registry until `n` inputs are classified (at most 600 polls); its stats. */
async function classifiedAll(path, n) {
  const page = await b.ctx.newPage();
  await page.goto(server.origin + path);
  await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 30_000 });
  let stats = null;
  for (let i = 0; i < 600; i++) {
    stats = await registryStats(page.url());
    if (stats && stats.stats.classified >= n) break;
    await page.waitForTimeout(100);
  }
  return { page, stats };
}

test("a page of 50,000 inputs in one label, a megabyte label and 200 nested shadow roots: classified with work linear in the inputs, responsive, suggestions work", { timeout: 300_000 }, async () => {
  // Baseline in this run, same browser and load: the page with 5,000 inputs.
  const small = await classifiedAll("/hostile-dom.html?inputs=5000", 5_000);
  const base = small.stats;
  assert.ok(base && base.stats.classified >= 5_000, `baseline classified ${base?.stats.classified} of 5,000`);
  await small.page.close();
  const t0 = Date.now();
  // every input classified (the registry works in idle slices)
  const { page, stats } = await classifiedAll("/hostile-dom.html", 50_000);
  assert.equal(await page.evaluate(() => document.body.dataset.built), "50000");
  const classifyS = (Date.now() - t0) / 1000;
  const perInput = (s) => s.stats.idleMs / s.stats.classified;
  console.log(`hostile page: ${stats?.stats.classified} inputs classified in ${classifyS.toFixed(1)} s, ${stats?.stats.idleSlices} idle slices, ${stats?.stats.idleMs.toFixed(0)} ms idle work (${(1000 * perInput(stats)).toFixed(1)} µs an input; 5,000-input page ${(1000 * perInput(base)).toFixed(1)} µs); known fields ${stats?.known}`);
  assert.ok(stats && stats.stats.classified >= 50_000, `classified ${stats?.stats.classified} of 50,000 in ${classifyS} s`);
  // linear: ten times the inputs, about ten times the work; a cost that grows with the inputs already seen
  // makes each input dearer. Regression: the div-grid header reader's childElementCount (a walk over every
  // child in Chromium) took 1,180 µs an input here against 137 µs on the 5,000-input page.
  assert.ok(perInput(stats) <= 2.5 * perInput(base) + 0.02,
    `${(1000 * perInput(stats)).toFixed(1)} µs an input on the 50,000-input page vs ${(1000 * perInput(base)).toFixed(1)} µs on the 5,000 one`);

  // the page's own cost of a keystroke, in this run: typing in one of its notes inputs (no list of ours)
  await page.click("input[name=n25000]");
  await page.evaluate(() => window.resetGap());
  await page.keyboard.type("chf asthma");
  await page.waitForTimeout(500);
  const ownGap = await page.evaluate(() => window.maxGapMs);

  await page.evaluate(() => window.resetGap());
  await page.click("#dx-top");
  await page.keyboard.type("chf");
  const top = await settledCodes(page);
  assert.ok(top.length && top.every((c) => c.startsWith("I50")), top.join());
  await page.keyboard.press("Escape");

  // the megabyte label and placeholder: still a diagnosis field, suggestions as usual
  await page.click("#dx-huge");
  await page.keyboard.type("asthma");
  const huge = await settledCodes(page);
  assert.ok(huge.length && huge[0].startsWith("J45"), huge.join());
  await page.keyboard.press("Escape");

  // 200 shadow roots deep: no hang, no error; whatever is suggested is inserted only there
  await page.evaluate(() => {
    let root = document.getElementById("deep-card").shadowRoot;
    while (root.querySelector("deep-a, deep-b")) root = root.querySelector("deep-a, deep-b").shadowRoot;
    root.getElementById("dx-deep").focus();
  });
  await page.keyboard.type("copd");
  await page.waitForTimeout(1500);
  const gap = await page.evaluate(() => window.maxGapMs);
  console.log(`hostile page: longest main-thread block while typing ${gap.toFixed(0)} ms (typing in the page's own notes input: ${ownGap.toFixed(0)} ms)`);
  // A hang or work per keystroke that grows with the page shows as seconds; the bound scales with what
  // a keystroke costs this page on this machine (a 2-core CI host measured the page alone at ~1 s).
  assert.ok(gap < Math.max(2_000, 2.5 * ownGap), `the page was blocked ${gap.toFixed(0)} ms (its own keystroke: ${ownGap.toFixed(0)} ms)`);
  assert.deepEqual(foreignRequests(server), []);
  await page.close();
});

test("the page swaps the field being typed in for an NPI box while the list is open: Enter puts no code in the NPI box", { timeout: 120_000 }, async () => {
  const page = await b.ctx.newPage();
  await page.goto(server.origin + "/hostile-dom.html?inputs=10");
  await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 30_000 });
  await page.click("#dx-swap");
  await page.keyboard.type("chf");
  const list = await settledCodes(page);
  assert.ok(list.length, "suggestions before the swap");
  await page.keyboard.press("ArrowDown");
  await page.evaluate(() => window.swapField());
  await page.keyboard.press("Enter");
  await page.waitForTimeout(400);
  assert.equal(await page.inputValue("#npi-swap"), "", "no code in the field that replaced the diagnosis field");
  await page.keyboard.type("1234567893");
  await page.waitForTimeout(300);
  assert.equal(await page.inputValue("#npi-swap"), "1234567893");
  assert.equal(await suggestionOptions(page).count(), 0, "no diagnosis list on the NPI box");
  await page.close();
});

test("regression (a field whose focusin the page swallowed got no suggestions): typing there still suggests, Enter inserts the chosen code", { timeout: 120_000 }, async () => {
  const page = await b.ctx.newPage();
  // registered before any page script and before our content script: our focusin listener never runs
  await page.addInitScript(() => window.addEventListener("focusin", (e) => e.stopImmediatePropagation(), true));
  await page.goto(server.origin + "/hostile-dom.html?inputs=10");
  await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 30_000 });
  await page.click("#dx-swap");
  await page.keyboard.type("chf");
  const list = await settledCodes(page);
  assert.ok(list.length && list.every((c) => c.startsWith("I50")), `suggestions for "chf": ${list.join()}`);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForFunction((c) => document.querySelector("#dx-swap").value === c, list[0], { timeout: 5000 });
  await page.close();
});
