// MS-DRG CC/MCC and HCCs in the extension (issue 15), Chromium: chips on
// diagnosis suggestions for an MCC, a CC and an HCC code (text plus words for
// screen readers), chips off in the options, the CC/MCC/HCC line under a
// CMS-1500's diagnoses for a known stay (with a CC exclusion), the exclusion
// in the popup's details, and no request leaving the fixture server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startServers } from "./server.mjs";
import { enableSiteChromium, foreignRequests, launchChromium, worker } from "./harness.mjs";

let server, b;

before(async () => {
  server = await startServers();
  b = await launchChromium(server);
  await enableSiteChromium(b.ctx, b.id, server.origin);
  // fixed versions: labels that do not depend on today's date
  await options(async (page) => {
    await page.selectOption("#sev-version", "v44");
    await page.selectOption("#sev-model", "CMS-HCC V28");
    await page.selectOption("#sev-year", "2027");
  });
});
after(async () => {
  await b?.close();
  await server?.close();
});

async function options(fn) {
  const page = await b.ctx.newPage();
  await page.goto(`chrome-extension://${b.id}/options.html`);
  await page.waitForSelector("body[data-ready]");
  await page.waitForFunction(() => document.querySelector("#sev-version")?.options.length > 1);
  await fn(page);
  await page.waitForFunction(() => document.querySelector("#sev-msg")?.textContent === "Saved.");
  await page.close();
}

async function form() {
  const page = await b.ctx.newPage();
  await page.goto(server.origin + "/cms1500.html");
  await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
  return page;
}

/** The chips of `code` among the suggestions for `query` typed in 21A: [{text, label}]. */
async function chips(page, query, code, { expectNone = false } = {}) {
  await page.click('input[name="item21A"]');
  await page.fill('input[name="item21A"]', "");
  await page.keyboard.type(query, { delay: 10 });
  const opt = page.locator(`medcode-overlay .listbox:not([hidden]) li.opt[data-code="${code}"]`);
  await opt.waitFor({ timeout: 15000 });
  if (!expectNone) await opt.locator(".chip").first().waitFor({ timeout: 15000 });
  else await page.waitForTimeout(400);
  return opt.locator(".chip").evaluateAll((els) => els.map((e) => ({ text: e.dataset.chip, label: e.textContent.trim(), title: e.title })));
}

describe("CC / MCC / HCC (Chromium)", () => {
  test("chips on diagnosis suggestions: MCC, CC, HCC, with screen-reader words", async () => {
    const page = await form();
    const j = await chips(page, "acute respiratory failure with hypoxia", "J96.01");
    assert.equal(j[0].text, "MCC");
    assert.match(j[0].label, /MCC under MS-DRG v44$/);
    assert.ok(j.some((c) => c.text === "HCC 213" && /HCC 213 in CMS-HCC V28 2027/.test(c.label)), JSON.stringify(j));
    const n = await chips(page, "acute kidney failure", "N17.9");
    assert.equal(n[0].text, "CC");
    assert.match(n[0].label, /CC under MS-DRG v44/);
    const e = await chips(page, "type 2 diabetes without complications", "E11.9");
    assert.deepEqual(e.map((c) => c.text), ["HCC 38"]);
    assert.match(e[0].title, /HCC 38 in CMS-HCC V28 2027: Diabetes/);
    // the option's text (its accessible name) carries the words
    const text = await page.locator('medcode-overlay li.opt[data-code="E11.9"]').textContent();
    assert.match(text, /HCC 38 in CMS-HCC V28 2027/);
    await page.close();
  });

  test("chips off in the options: suggestions have none; back on: they return", async () => {
    await options((page) => page.uncheck("#sev-chips"));
    const page = await form();
    const none = await chips(page, "acute respiratory failure with hypoxia", "J96.01", { expectNone: true });
    assert.deepEqual(none, []);
    await page.close();
    await options((p) => p.check("#sev-chips"));
    const again = await form();
    assert.equal((await chips(again, "acute respiratory failure with hypoxia", "J96.01"))[0].text, "MCC");
    await again.close();
  });

  test("a worklist of many patients' diagnoses gets no stay line (bug: big.html's 1,000 Dx cells showed one stay, sorted and measured on every check)", async () => {
    const page = await b.ctx.newPage();
    await page.goto(server.origin + "/big.html");
    await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
    const shown = () => page.evaluate(() => !!document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum:not([hidden])"));
    const checked = async (code) => {
      // a check of the page: the code's badge comes after the stay line was decided (Checker.runOnce)
      await page.fill("#big-dx", code);
      await page.keyboard.press("Tab");
      await page.waitForFunction((c) => [...document.querySelector("medcode-overlay").shadowRoot.querySelectorAll(".badge")]
        .some((el) => !el.hidden && (el.dataset.code ?? el.getAttribute("aria-label") ?? el.title ?? "").includes(c)), code, { timeout: 30000 });
    };
    // settled (every field found), so the count is the page's, not a partial scan's
    await page.evaluate(() => window.stopChurn());
    await page.waitForTimeout(2000);
    await checked("E11.99");
    assert.equal(await shown(), false, "1,000 diagnosis fields are many patients, not one stay");
    // the same grid cut to 20 rows is one form's diagnoses: the next check shows the line
    await page.evaluate(() => { const g = document.getElementById("grid"); while (g.children.length > 20) g.lastElementChild.remove(); });
    await page.fill("#big-dx", "I10");
    await page.keyboard.press("Tab");
    await page.waitForFunction(() => !!document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum:not([hidden])"), null, { timeout: 30000 });
    await page.close();
  });

  test("the line under a claim's diagnoses: a known stay, with the CC exclusion", async () => {
    const page = await form();
    const dx = { A: "I50.21", B: "I50.23", C: "N17.9", D: "J96.01", E: "E11.9" };
    for (const [l, c] of Object.entries(dx)) {
      await page.fill(`input[name="item21${l}"]`, c);
      await page.keyboard.press("Escape");
    }
    await page.fill('input[name="svc_0_0"]', "11/01/2026");
    const line = page.locator("medcode-overlay .sevsum:not([hidden]) .txt");
    await line.waitFor({ timeout: 15000 });
    const want = "HCC V28: 38, 213, 224 · MCC: J96.01 · CC: N17.9 · I50.23 is excluded by the principal";
    await page.waitForFunction((w) => document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum .txt")?.textContent === w, want, { timeout: 15000 })
      .catch(() => undefined);
    assert.equal(await line.textContent(), "HCC V28: 38, 213, 224 · MCC: J96.01 · CC: N17.9 · I50.23 is excluded by the principal");
    assert.match(await page.locator("medcode-overlay .sevsum .meta").textContent(), /principal I50\.21; MS-DRG v44, HCC year 2027/);
    // updated as the diagnoses change
    await page.fill('input[name="item21D"]', "");
    await page.waitForFunction(() => !document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum .txt")?.textContent.includes("J96.01"), null, { timeout: 15000 });
    assert.equal(await line.textContent(), "HCC V28: 38, 224 · CC: N17.9 · I50.23 is excluded by the principal");
    await page.close();
  });

  test("details: the principal's CC exclusion, and why", async () => {
    const page = await b.ctx.newPage();
    await page.goto(`chrome-extension://${b.id}/popup.html?code=I50.23`);
    await page.locator("#details .severity").waitFor({ timeout: 15000 });
    assert.match(await page.locator("#details .sev-level").textContent(), /MCC under MS-DRG v44/);
    assert.match(await page.locator("#details .sev-hcc").textContent(), /HCC 224 in CMS-HCC V28 2027 — Acute on Chronic Heart Failure/);
    await page.fill("#sev-principal", "I50.21");
    await page.keyboard.press("Enter");
    const excl = page.locator("#details .sev-excl[data-excluded-by]");
    await excl.waitFor({ timeout: 15000 });
    assert.equal(await excl.getAttribute("data-excluded-by"), "I50.21");
    assert.match(await excl.textContent(), /I50\.23 is an MCC but counts as a non-CC when I50\.21 is the principal diagnosis \(CC exclusion list, CMS Table 6K, MS-DRG v44\)/);
    await page.close();
  });

  test("the line's \"patient died\": an MCC that counts only when discharged alive does not count", async () => {
    const page = await form();
    for (const [l, c] of Object.entries({ A: "I50.21", B: "I46.9", C: "N17.9" })) {
      await page.fill(`input[name="item21${l}"]`, c);
      await page.keyboard.press("Escape");
    }
    await page.fill('input[name="svc_0_0"]', "11/01/2026");
    const text = () => page.evaluate(() => document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum .txt")?.textContent ?? "");
    const until = (fn) => page.waitForFunction(fn, null, { timeout: 15000 });
    await until(() => document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum:not([hidden]) .txt")?.textContent.includes("MCC: I46.9"));
    assert.equal(await text(), "HCC V28: 213, 225 · MCC: I46.9 · CC: N17.9");
    const died = page.locator("medcode-overlay .sevsum input.died");
    assert.equal(await died.isChecked(), false);
    await died.check();
    await until(() => document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum .txt")?.textContent.includes("the patient died"));
    assert.equal(await text(), "HCC V28: 213, 225 · CC: N17.9 · I46.9 does not count (the patient died)");
    assert.match(await page.locator("medcode-overlay .sevsum .meta").textContent(), /; the patient died\)$/);
    // kept while the diagnoses change; off again: back to counting
    await page.fill('input[name="item21C"]', "");
    await until(() => !document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum .txt")?.textContent.includes("N17.9"));
    assert.equal(await text(), "HCC V28: 213, 225 · no CC or MCC · I46.9 does not count (the patient died)");
    await died.uncheck();
    await until(() => document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum .txt")?.textContent.includes("MCC: I46.9"));
    await page.close();
  });

  test("details in the popup: the principal read from the page's form, and its CC exclusion", async () => {
    const page = await b.ctx.newPage();
    await page.goto(server.origin + "/inpatient-abstract.html");
    await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
    await page.fill("#pdx", "I50.21");
    await page.keyboard.press("Escape");
    await page.waitForTimeout(300);
    const tabId = await worker(b.ctx, b.id).evaluate(async (url) => (await chrome.tabs.query({ url }))[0]?.id, server.origin + "/inpatient-abstract.html");
    assert.ok(Number.isInteger(tabId), "the fixture tab");
    const popup = await b.ctx.newPage();
    await popup.goto(`chrome-extension://${b.id}/popup.html?tab=${tabId}&code=I50.23`);
    const excl = popup.locator("#details .sev-excl[data-excluded-by]");
    await excl.waitFor({ timeout: 15000 });
    assert.equal(await excl.getAttribute("data-excluded-by"), "I50.21");
    assert.equal(await popup.inputValue("#sev-principal"), "I50.21");
    assert.match(await popup.locator("#details .sev-from-page").textContent(), /Read from the page \(the principal diagnosis field\)/);
    // a principal typed in the popup wins over the page's
    await popup.fill("#sev-principal", "J18.9");
    await popup.keyboard.press("Enter");
    await popup.waitForFunction(() => !document.querySelector("#details .sev-excl[data-excluded-by]") && document.querySelector("#details .sev-excl"));
    assert.match(await popup.locator("#details .sev-excl").textContent(), /J18\.9 as principal does not exclude I50\.23/);
    assert.equal(await popup.locator("#details .sev-from-page").count(), 0);
    await popup.close();
    await page.close();
  });

  test("no request left the fixture server", () => {
    assert.deepEqual(foreignRequests(server), []);
  });
});
