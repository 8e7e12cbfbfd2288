// End-to-end tests of the built extension in Firefox ESR (puppeteer-core over
// WebDriver BiDi, headless, offline). The test build declares the content
// script for 127.0.0.1 (manifest/test-firefox.json): BiDi cannot open
// moz-extension:// pages, so the options-page flow is covered in Chromium.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startServers } from "./server.mjs";
import { FIREFOX_EXT_ID, launchFirefox } from "./harness.mjs";

let server, ff;
before(async () => {
  server = await startServers();
  ff = await launchFirefox(server);
});
after(async () => {
  await ff?.close();
  await server?.close();
});

async function open(path) {
  const page = await ff.browser.newPage();
  await page.goto(server.origin + path);
  await page.waitForSelector("medcode-overlay", { timeout: 10000 });
  return page;
}
async function suggestions(scope) {
  await scope.waitForSelector("medcode-overlay >>> .listbox:not([hidden]) li.opt", { timeout: 10000 });
  return scope.$$eval("medcode-overlay >>> .listbox:not([hidden]) li.opt", (ls) => ls.map((l) => l.dataset.code));
}
async function badgeStates(page) {
  return page.$$eval("medcode-overlay >>> .badge", (bs) => bs.map((b) => `${b.dataset.state} ${b.dataset.rules}`));
}

test("the extension installs", () => {
  assert.equal(ff.id, FIREFOX_EXT_ID);
});

test("suggestions appear as you type and insert on Enter", async () => {
  const page = await open("/ehr.html");
  await page.click("#dx1");
  await page.keyboard.type("chf");
  const list = await suggestions(page);
  assert.ok(list.length >= 3 && list.every((c) => c.startsWith("I50")), list.join());
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  assert.equal(await page.$eval("#dx1", (e) => e.value), list[1]);
  await page.click("#dx2");
  await page.keyboard.type("asthma");
  await suggestions(page);
  await page.keyboard.press("Escape");
  assert.equal(await page.$eval("#dx2", (e) => e.value), "asthma");
  await page.close();
});

test("a React-controlled form registers the inserted code", async () => {
  const page = await open("/cms1500.html");
  await page.click("#dx-A");
  await page.keyboard.type("chf");
  const list = await suggestions(page);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForFunction((c) => JSON.parse(document.getElementById("state").textContent).dx[0] === c, {}, list[0]);
  await page.close();
});

test("under CSP default-src 'none' the overlay is styled and badges work", async () => {
  const page = await open("/cms1500-csp.html");
  await page.waitForFunction(() => {
    const host = document.querySelector("medcode-overlay");
    return Array.from(host.shadowRoot.querySelectorAll(".badge")).some((b) => b.dataset.state === "error");
  }, { timeout: 10000 });
  assert.ok((await badgeStates(page)).some((s) => /dx\.not_billable/.test(s)));
  await page.click("#dx-C");
  await page.keyboard.type("chf");
  await suggestions(page);
  const styled = await page.$eval("medcode-overlay >>> .listbox:not([hidden])", (lb) => getComputedStyle(lb).position === "absolute" && getComputedStyle(lb).borderRadius === "8px");
  assert.ok(styled, "the overlay's own styles apply under the page CSP");
  await page.close();
});

test("closed shadow roots and about:blank/srcdoc frames", async () => {
  const page = await open("/shadow.html");
  await page.evaluate(() => window.__closedInput.focus());
  await page.keyboard.type("chf");
  const list = await suggestions(page);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => window.__closedInput.value), list[0]);
  await page.goto(server.origin + "/frames.html");
  for (const [id, sel] of [["srcdoc", "#s-dx"], ["blank", "#b-dx"], ["cross", "#f-dx"]]) {
    const frame = await (await page.$(`#${id}`)).contentFrame();
    await frame.waitForSelector("medcode-overlay", { timeout: 10000 });
    await frame.click(sel);
    await page.keyboard.type("chf");
    const l = await suggestions(frame);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    assert.equal(await frame.$eval(sel, (e) => e.value), l[0], id);
  }
  await page.close();
});

test("no request left 127.0.0.1", () => {
  assert.deepEqual(server.foreign, []);
});
