// The ICD-10-PCS builder in the extension's popup (issue 14), in Chromium:
// build 0DTJ4ZZ by keyboard (characters and a word filter), the code so far
// always shown, and the complete code inserted into the fixture page's
// "Principal procedure" field, which had focus before the popup opened.
// Offline: no request leaves the fixture server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startServers } from "./server.mjs";
import { enableSiteChromium, foreignRequests, launchChromium, worker } from "./harness.mjs";

let server, b;
const requests = [];

before(async () => {
  server = await startServers();
  b = await launchChromium(server);
  b.ctx.on("request", (r) => requests.push(r.url()));
  await enableSiteChromium(b.ctx, b.id, server.origin);
});
after(async () => {
  await b?.close();
  await server?.close();
});

const step = (popup, prefix) => popup.waitForFunction((k) => document.querySelector("#pcs .pcs-step")?.textContent?.startsWith(k), prefix, { timeout: 20000 });
const codeSoFar = (popup) => popup.locator("#pcs .pcs-code").textContent();
const values = (popup) => popup.locator('#pcs [role="option"]').evaluateAll((els) => els.map((e) => e.dataset.value));

test("popup PCS builder: 0DTJ4ZZ by keyboard goes into the focused Principal procedure field", { timeout: 120_000 }, async () => {
  const page = await b.ctx.newPage();
  await page.goto(server.origin + "/inpatient-abstract.html");
  await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
  await page.click("#ppx");
  // A stale value the builder's code replaces (the field holds one code).
  await page.fill("#ppx", "0DTJ0Z");
  await page.click("#ppx");
  const tabId = await worker(b.ctx, b.id).evaluate(async (url) => (await chrome.tabs.query({ url }))[0]?.id, server.origin + "/inpatient-abstract.html");
  assert.ok(Number.isInteger(tabId), "the fixture tab");

  const popup = await b.ctx.newPage();
  await popup.goto(`chrome-extension://${b.id}/popup.html?tab=${tabId}`);
  await popup.keyboard.press("Alt+p");
  await step(popup, "Step 1 of 7");
  assert.equal(await codeSoFar(popup), "_______");
  assert.ok((await values(popup)).includes("0"));
  // Characters pick values; the code so far is shown after each step.
  for (const [ch, next, soFar] of [["0", "Step 2", "0______"], ["D", "Step 3", "0D_____"], ["T", "Step 4", "0DT____"]]) {
    await popup.keyboard.type(ch);
    await step(popup, next);
    assert.equal(await codeSoFar(popup), soFar);
  }
  // Words filter the body parts (labels and definitions); Enter picks.
  await popup.keyboard.type("appendix");
  await popup.waitForFunction(() => document.querySelectorAll('#pcs [role="option"]').length === 1);
  assert.deepEqual(await values(popup), ["J"]);
  await popup.keyboard.press("Enter");
  await step(popup, "Step 5");
  // Only the approaches valid for 0DTJ, each with its definition.
  assert.deepEqual(await values(popup), ["0", "4", "7", "8"]);
  assert.match(await popup.locator("#pcs .pcs-def").first().textContent(), /Cutting through the skin/);
  // Typed ahead without waiting: applied in order as the steps arrive.
  await popup.keyboard.type("4Z");
  await step(popup, "Step 7");
  assert.equal(await codeSoFar(popup), "0DTJ4Z_");
  assert.match(await popup.locator("#pcs .pcs-title").first().textContent(), /Resection of Appendix, Percutaneous Endoscopic/);
  await popup.keyboard.type("Z");
  await popup.waitForFunction(() => /Inserted 0DTJ4ZZ into Principal procedure/.test(document.querySelector("#pcs .pcs-result")?.textContent ?? ""), null, { timeout: 10000 });
  assert.equal(await codeSoFar(popup), "0DTJ4ZZ");

  // The page holds exactly the chosen code, still after its own scripts ran.
  await page.waitForTimeout(400);
  assert.equal(await page.inputValue("#ppx"), "0DTJ4ZZ");
  assert.equal(await page.inputValue("#opx"), "");
  const recent = await worker(b.ctx, b.id).evaluate(async () => (await chrome.storage.local.get("recent")).recent);
  assert.ok(Array.isArray(recent) && recent.includes("0DTJ4ZZ"), JSON.stringify(recent));
  await popup.close();
  await page.close();
});

test("popup PCS builder: a page that rewrites the code gets its old value back, never another code", { timeout: 120_000 }, async () => {
  const page = await b.ctx.newPage();
  await page.goto(server.origin + "/inpatient-abstract.html");
  await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
  // A page script that cuts every value to six characters (a wrong mask).
  await page.evaluate(() => {
    const f = document.getElementById("opx");
    f.addEventListener("input", () => { if (f.value.length > 6) setTimeout(() => { f.value = f.value.slice(0, 6); }, 0); });
  });
  await page.click("#opx");
  const tabId = await worker(b.ctx, b.id).evaluate(async (url) => (await chrome.tabs.query({ url }))[0]?.id, server.origin + "/inpatient-abstract.html");
  const popup = await b.ctx.newPage();
  await popup.goto(`chrome-extension://${b.id}/popup.html?tab=${tabId}&view=pcs`);
  await step(popup, "Step 1 of 7");
  await popup.locator("#pcs .pcs-filter").focus();
  await popup.keyboard.type("0DTJ4ZZ");
  await popup.waitForFunction(() => /changed 0DTJ4ZZ to 0DTJ4Z.*put back/.test(document.querySelector("#pcs .pcs-result")?.textContent ?? ""), null, { timeout: 20000 });
  // The page cut it to 0DTJ4Z (another code's prefix): put back as it was (empty).
  await page.waitForFunction(() => document.getElementById("opx").value === "", null, { timeout: 5000 });
  await popup.close();
  await page.close();
});

test("offline: no request left the fixture server", () => {
  assert.deepEqual(foreignRequests(server), []);
  const bad = requests.filter((u) => !u.startsWith(server.origin) && !u.startsWith(server.altOrigin)
    && !u.startsWith(`chrome-extension://${b.id}/`) && !u.startsWith("about:") && !u.startsWith("data:"));
  assert.deepEqual(bad, []);
  assert.ok(requests.some((u) => u.startsWith(server.origin + "/inpatient-abstract.html")), "the fixture page was requested");
});
