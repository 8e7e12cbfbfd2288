// The ICD-10-PCS builder in the extension's popup in Firefox ESR (issue 14):
// the same steps as pcs-builder.test.mjs in Chromium — characters, a word
// filter, typing ahead — and the complete code goes through Firefox's
// background page into the fixture's "Principal procedure" field. BiDi opens
// moz-extension:// pages only with -remote-allow-system-access (see
// firefox-userdata.test.mjs). Offline: no request leaves the fixture server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startServers } from "./server.mjs";
import { launchFirefox } from "./harness.mjs";

let server, ff;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  server = await startServers();
  ff = await launchFirefox(server, undefined, { systemAccess: true });
});
after(async () => {
  await ff?.close();
  await server?.close();
});

// BiDi reports no load event for an extension page: wait for an element of
// the page itself, retrying while the navigation is still in about:blank.
async function extensionPage(path, selector) {
  const page = await ff.browser.newPage();
  void page.goto(`${ff.base}/${path}`, { timeout: 20000 }).catch(() => undefined);
  const end = Date.now() + 20000;
  for (;;) {
    try {
      await page.waitForSelector(selector, { timeout: 5000 });
      if (await page.evaluate(() => location.protocol === "moz-extension:")) return page;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    await sleep(200);
  }
}

const stepText = (popup) => popup.$eval("#pcs .pcs-step", (e) => e.textContent ?? "").catch(() => "");
async function step(popup, prefix) {
  const end = Date.now() + 20000;
  while (!(await stepText(popup)).startsWith(prefix)) {
    if (Date.now() > end) throw new Error(`no "${prefix}" (now: ${await stepText(popup)})`);
    await sleep(50);
  }
}
const codeSoFar = (popup) => popup.$eval("#pcs .pcs-code", (e) => e.textContent);
const values = (popup) => popup.$$eval('#pcs [role="option"]', (els) => els.map((e) => e.dataset.value));

test("Firefox popup PCS builder: 0DTJ4ZZ by keyboard goes into the focused Principal procedure field", { timeout: 180_000 }, async () => {
  const page = await ff.browser.newPage();
  const url = server.origin + "/inpatient-abstract.html";
  await page.goto(url);
  await page.waitForSelector("medcode-overlay", { timeout: 10000 });
  await page.click("#ppx");
  await page.keyboard.type("0DTJ0Z"); // a stale value the builder's code replaces
  await page.click("#ppx");

  // The fixture tab's id, asked from an extension page.
  const probe = await extensionPage("popup.html", "#pcs-open");
  const tabs = await probe.evaluate(async () => (await browser.tabs.query({})).map((t) => ({ id: t.id, url: t.url, title: t.title })));
  const tabId = tabs.find((t) => t.url === url)?.id;
  await probe.close();
  assert.ok(Number.isInteger(tabId), `the fixture tab among ${JSON.stringify(tabs)}`);

  const popup = await extensionPage(`popup.html?tab=${tabId}`, "#pcs-open");
  await popup.keyboard.down("Alt");
  await popup.keyboard.press("p");
  await popup.keyboard.up("Alt");
  await step(popup, "Step 1 of 7");
  assert.equal(await codeSoFar(popup), "_______");
  for (const [ch, next, soFar] of [["0", "Step 2", "0______"], ["D", "Step 3", "0D_____"], ["T", "Step 4", "0DT____"]]) {
    await popup.keyboard.type(ch);
    await step(popup, next);
    assert.equal(await codeSoFar(popup), soFar);
  }
  await popup.keyboard.type("appendix");
  const end = Date.now() + 10000;
  while ((await values(popup)).length !== 1 && Date.now() < end) await sleep(50);
  assert.deepEqual(await values(popup), ["J"]);
  await popup.keyboard.press("Enter");
  await step(popup, "Step 5");
  assert.deepEqual(await values(popup), ["0", "4", "7", "8"]);
  await popup.keyboard.type("4Z");
  await step(popup, "Step 7");
  assert.equal(await codeSoFar(popup), "0DTJ4Z_");
  await popup.keyboard.type("Z");
  const done = Date.now() + 10000;
  let result = "";
  while (!/Inserted 0DTJ4ZZ into Principal procedure/.test(result)) {
    if (Date.now() > done) throw new Error(`not inserted: ${result}`);
    await sleep(50);
    result = await popup.$eval("#pcs .pcs-result", (e) => e.textContent ?? "").catch(() => "");
  }
  await popup.close();

  // The page holds exactly the chosen code, still after its own scripts ran.
  await sleep(400);
  assert.equal(await page.$eval("#ppx", (e) => e.value), "0DTJ4ZZ");
  assert.equal(await page.$eval("#opx", (e) => e.value), "");
  await page.close();
});

test("no request left 127.0.0.1", () => {
  assert.deepEqual(server.foreign, []);
});
