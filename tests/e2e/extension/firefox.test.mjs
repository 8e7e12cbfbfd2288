// End-to-end tests of the built extension in Firefox ESR (puppeteer-core over
// WebDriver BiDi, headless, offline). The test build declares the content
// script for 127.0.0.1 (manifest/test-firefox.json). BiDi opens
// moz-extension:// pages only with -remote-allow-system-access: the options
// page's Add data runs in firefox-userdata.test.mjs.
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

/** polls `fn` in the page until it returns true (no injected poller, see the CSP test) */
async function pollUntil(page, fn, timeout, what) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await page.evaluate(fn).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
}

/** the frames.html child frame by its iframe id, found by URL: ElementHandle.contentFrame()
 * asks BiDi for a "context" locator, which Firefox 140.10 refuses */
async function childFrame(page, id) {
  const want = {
    srcdoc: (u) => u === "about:srcdoc",
    blank: (u) => u === "about:blank",
    cross: (u) => u.endsWith("/frame-form.html") && !u.startsWith(server.origin),
    same: (u) => u.startsWith(server.origin) && u.endsWith("/frame-form.html"),
  }[id];
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    const f = page.frames().find((fr) => fr !== page.mainFrame() && want(fr.url()));
    if (f) return f;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no child frame ${id} in ${page.frames().map((f) => f.url()).join(", ")}`);
}

test("under CSP default-src 'none' the overlay is styled and badges work", async () => {
  const page = await open("/cms1500-csp.html");
  // polled with evaluate: waitForFunction's injected poller builds a Function, which
  // Firefox 140.10 blocks under this page's CSP (it did not before)
  await pollUntil(page, () => {
    const host = document.querySelector("medcode-overlay");
    return !!host && Array.from(host.shadowRoot.querySelectorAll(".badge")).some((b) => b.dataset.state === "error");
  }, 10000, "an error badge under CSP");
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
    const frame = await childFrame(page, id);
    await frame.waitForSelector("medcode-overlay", { timeout: 10000 });
    // focused, not clicked: a click in a child frame asks BiDi for the frame element
    // (a "context" locator), which Firefox 140.10 refuses
    await frame.$eval(sel, (e) => e.focus());
    await page.keyboard.type("chf");
    const l = await suggestions(frame);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    assert.equal(await frame.$eval(sel, (e) => e.value), l[0], id);
  }
  await page.close();
});

// ---- pages modeled on real systems (issue 10) ---------------------------------------------
const pageErrors = [];
async function openReal(path) {
  const page = await open(path);
  page.on("pageerror", (e) => pageErrors.push(`${path}: ${e.message}`));
  return page;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** the badge drawn over a field (badges live in the overlay) */
async function badgeOf(page, sel) {
  return page.$eval(sel, (el) => {
    const r = el.getBoundingClientRect();
    const all = Array.from(document.querySelector("medcode-overlay").shadowRoot.querySelectorAll(".badge"));
    const hit = all.find((b) => {
      const br = b.getBoundingClientRect();
      return br.left >= r.left - 12 && br.right <= r.right + 12 && br.top >= r.top - 6 && br.bottom <= r.bottom + 6;
    });
    return hit ? { state: hit.dataset.state, rules: hit.dataset.rules } : null;
  });
}
async function waitBadge(page, sel, pred, timeout = 10000) {
  const end = Date.now() + timeout;
  let last = null;
  while (Date.now() < end) {
    last = await badgeOf(page, sel);
    if (last && pred(last)) return last;
    await sleep(100);
  }
  assert.fail(`badge on ${sel}: ${JSON.stringify(last)}`);
}
const listOpen = (page) => page.$eval("medcode-overlay", (h) => !!h.shadowRoot.querySelector(".listbox:not([hidden])"));
async function pick(page, code) {
  await suggestions(page);
  await page.$eval(`medcode-overlay >>> li.opt[data-code="${code}"]`, (li) => li.scrollIntoView({ block: "nearest" }));
  const li = await page.$(`medcode-overlay >>> li.opt[data-code="${code}"]`);
  await li.click();
}
const noteText = async (page) => {
  await page.waitForSelector("medcode-overlay >>> .note:not([hidden])", { timeout: 5000 });
  await sleep(400); // the read-back runs after the page's own scripts
  return page.$eval("medcode-overlay >>> .note:not([hidden])", (n) => n.textContent);
};
const rectsApart = (a, b) => a.right <= b.left + 1 || b.right <= a.left + 1 || a.bottom <= b.top + 1 || b.bottom <= a.top + 1;
const rectOf = (page, sel) => page.$eval(sel, (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; });
const cardCode = (page) => page.$eval("medcode-overlay", (h) => h.shadowRoot.querySelector(".card:not([hidden])")?.dataset.code ?? null);
async function waitCard(page, code) {
  await page.waitForFunction((c) => document.querySelector("medcode-overlay").shadowRoot.querySelector(".card:not([hidden])")?.dataset.code === c, { timeout: 8000 }, code);
}

test("detection: fee sheet ICD-10 column under a fees legend is a diagnosis; revenue codes left alone", async () => {
  const page = await openReal("/feesheet.html");
  const v = await waitBadge(page, "#dl_1", (x) => x.state === "valid");
  assert.ok(!/charge/.test(v.rules ?? ""));
  await page.click("#bill_1_code");
  await page.keyboard.type("asthma");
  assert.ok((await suggestions(page)).some((c) => c.startsWith("J45")));
  await page.keyboard.press("Escape");
  await page.click("#bill_2_rev");
  await page.keyboard.type("04");
  await sleep(700);
  assert.equal(await listOpen(page), false);
  assert.equal(await badgeOf(page, "#bill_3_rev"), null);
  await page.close();
});

test("detection: DDE SERV DT in a <tbody> header row is a date; ARIA grid From column too", async () => {
  const page = await openReal("/dde.html");
  await page.click("#l1_dt");
  await page.keyboard.type("023026");
  await page.click("#f_pdx");
  assert.match((await waitBadge(page, "#l1_dt", (x) => x.state === "error")).rules, /date\./);
  for (const sel of ["#f_tob", "#f_cc1", "#f_icdind", "#l1_rev"]) assert.equal(await badgeOf(page, sel), null, sel);
  await page.goto(server.origin + "/material.html");
  await page.waitForSelector("medcode-overlay");
  await page.click("#load");
  assert.match((await waitBadge(page, '[data-line="0"][data-col="from"]', (x) => x.state === "error")).rules, /date\./);
  await page.close();
});

test("insert that fits: maxlength 7 takes the undotted form; maxlength 5 takes nothing and says why", async () => {
  const page = await openReal("/dde.html");
  await page.click("#f_dx1");
  await page.keyboard.type("S52.501");
  await pick(page, "S52.501A");
  assert.equal(await page.$eval("#f_dx1", (e) => e.value), "S52501A");
  await page.click("#f_adx");
  await page.keyboard.type("S52.5");
  const list = await suggestions(page);
  const long = list.find((c) => c.replace(".", "").length > 5);
  await pick(page, long);
  assert.equal(await page.$eval("#f_adx", (e) => e.value), "S52.5");
  assert.match(await noteText(page), /not inserted.*5 characters/);
  await page.click("#f_dx3");
  await page.keyboard.type("S52.501");
  await pick(page, "S52.501A");
  assert.equal(await page.$eval("#f_dx3", (e) => e.value), "S52501A");
  await page.click("#f_dx4");
  await page.keyboard.type("S52.501");
  await pick(page, "S52.501A");
  assert.match(await noteText(page), /changed S52\.501A to S52501/);
  assert.ok(!/^S52\.?501A$/.test(await page.$eval("#f_dx4", (e) => e.value)));
  await page.close();
});

test("beside the page's autocomplete: no overlap, arrows and Esc reach the page, aria-expanded stays live", async () => {
  const page = await openReal("/visitnote.html");
  await page.click("#diagnosisSearch");
  await page.keyboard.type("diabetes");
  await suggestions(page);
  await page.waitForSelector("#diagnosisList:not([hidden]) li");
  await page.waitForFunction(() => document.querySelector("medcode-overlay").shadowRoot.querySelector(".listbox:not([hidden])")?.dataset.beside === "page-list", { timeout: 5000 });
  assert.ok(rectsApart(await rectOf(page, "medcode-overlay >>> .listbox:not([hidden])"), await rectOf(page, "#diagnosisList")));
  await page.keyboard.press("ArrowDown");
  assert.equal((await page.$$("#diagnosisList li.active")).length, 1);
  await page.keyboard.press("Escape");
  assert.ok(await page.evaluate(() => window.__escSeen));
  assert.equal(await listOpen(page), false);
  await page.click("#downshift-1-input");
  await page.keyboard.type("hyper");
  await suggestions(page);
  await page.waitForFunction(() => document.getElementById("downshift-1-input").getAttribute("aria-expanded") === "true");
  await page.waitForFunction(() => document.querySelector("medcode-overlay").shadowRoot.querySelector(".listbox:not([hidden])")?.dataset.beside === "page-list", { timeout: 5000 });
  assert.ok(rectsApart(await rectOf(page, "medcode-overlay >>> .listbox:not([hidden])"), await rectOf(page, "#downshift-1-menu")));
  await page.keyboard.press("Escape");
  assert.ok(await page.evaluate(() => window.__cbEsc));
  assert.equal(await page.$eval("#downshift-1-input", (e) => e.getAttribute("aria-expanded")), "false");
  await page.close();
});

test("values the page fills in by script are checked without typing", async () => {
  const page = await openReal("/material.html");
  assert.match((await waitBadge(page, "#mat-input-1", (x) => x.state === "error")).rules, /dx\.not_billable/);
  await page.click("#load");
  assert.match((await waitBadge(page, "#mat-input-2", (x) => x.state === "error")).rules, /dx\.not_billable/);
  await page.close();
});

test("a readable list: titles wrap in full, codes are never cut", async () => {
  const page = await openReal("/ehr.html");
  await page.click("#dx1");
  await page.keyboard.type("systolic heart failure");
  await suggestions(page);
  const bad = await page.$eval("medcode-overlay >>> .listbox:not([hidden])", (lb) => Array.from(lb.querySelectorAll("li.opt")).filter((li) => {
    const c = li.querySelector(".code"), t = li.querySelector(".title");
    return c.scrollWidth > c.clientWidth + 1 || t.scrollWidth > t.clientWidth + 1 || lb.getBoundingClientRect().right > document.documentElement.clientWidth;
  }).map((li) => li.dataset.code));
  assert.deepEqual(bad, []);
  await page.close();
});

test("page-text lookup: <textarea>, <input>, a double-click that stops at the dot, a rich-text editor", async () => {
  const page = await openReal("/lookup.html");
  const ta = await rectOf(page, "#ta");
  await page.mouse.click(ta.left + 14, ta.top + 14, { count: 2 });
  await waitCard(page, "E11.65");
  await page.keyboard.press("Escape");
  const inp = await rectOf(page, "#free-in");
  await page.mouse.click(inp.left + 12, (inp.top + inp.bottom) / 2, { count: 2 });
  await waitCard(page, "I10");
  await page.keyboard.press("Escape");
  const p = await rectOf(page, "#p-code");
  await page.mouse.click(p.left + 8, (p.top + p.bottom) / 2, { count: 2 }); // Firefox selects "E11" of "E11.65"
  await waitCard(page, "E11.65");
  await page.keyboard.press("Escape");
  const b = await rectOf(page, "#rte b");
  await page.mouse.click((b.left + b.right) / 2, (b.top + b.bottom) / 2, { count: 2 });
  await page.mouse.move((b.left + b.right) / 2 + 3, (b.top + b.bottom) / 2 + 1);
  await sleep(900);
  await waitCard(page, "E11.65");
  assert.equal(await cardCode(page), "E11.65");
  await page.close();
});

test("CC / MCC / HCC: chips on suggestions and the line under the diagnoses (default options)", async () => {
  const page = await open("/cms1500.html");
  await page.click("#dx-A");
  await page.keyboard.type("acute respiratory failure with hypoxia");
  await page.waitForSelector('medcode-overlay >>> .listbox:not([hidden]) li.opt[data-code="J96.01"] .chip', { timeout: 15000 });
  const chips = await page.$$eval('medcode-overlay >>> li.opt[data-code="J96.01"] .chip', (cs) => cs.map((c) => c.textContent.trim()));
  assert.match(chips[0], /^MCC MCC under MS-DRG v\d+(\.\d)?$/);
  assert.ok(chips.some((c) => /^HCC 213 HCC 213 in CMS-HCC V28 \d{4}$/.test(c)), chips.join(" | "));
  await page.keyboard.press("Escape");
  await page.close();
  const form = await open("/cms1500.html");
  for (const [l, c] of [["A", "I50.21"], ["B", "I50.23"], ["C", "J96.01"]]) {
    await form.click(`#dx-${l}`);
    await form.keyboard.type(c);
    await form.keyboard.press("Escape");
  }
  await form.waitForFunction(() => /MCC: J96\.01 · I50\.23 is excluded by the principal$/.test(
    document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum:not([hidden]) .txt")?.textContent ?? ""), { timeout: 15000 });
  await form.close();
});

test("no page error on the real-world pages", () => {
  assert.deepEqual(pageErrors, []);
});

test("no request left 127.0.0.1", () => {
  assert.deepEqual(server.foreign, []);
});
