// The real-world pages (tests/e2e/extension/realworld-cases.mjs) in Chromium, driven by Playwright,
// and (Chromium only) what the popup reads from such a page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { enableSiteChromium, foreignRequests, launchChromium, worker } from "./harness.mjs";
import { realWorldCases } from "./realworld-cases.mjs";

/** the browser and fixture server of the cases (the popup test below runs in the same browser) */
let chromium = null;

realWorldCases("Chromium", async (server) => {
  const b = await launchChromium(server);
  await enableSiteChromium(b.ctx, b.id, server.origin);
  chromium = { b, server };
  return {
    close: () => b.close(),
    async open(url, onError) {
      const page = await b.ctx.newPage();
      page.on("pageerror", (e) => onError(e.message));
      await page.goto(url);
      await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
      return {
        click: (sel) => page.click(sel),
        type: (text) => page.keyboard.type(text),
        press: (key) => page.keyboard.press(key),
        fill: (sel, v) => page.fill(sel, v),
        blur: (sel) => page.locator(sel).blur(),
        value: (sel) => page.inputValue(sel),
        eval: (fn, arg) => page.evaluate(fn, arg),
        close: () => page.close(),
      };
    },
  };
});

describe("Chromium: the popup reads the discharge status of GNU Health's hospitalization form (MS-DRG 'died'; never stored)", () => {
  test("Discharge Reason 'Death': an alive-only MCC does not count, said in the details; 'Home / Selfcare': no such note", async () => {
    const { b, server } = chromium;
    const url = server.origin + "/gnuhealth-sao-inpatient.html";
    const page = await b.ctx.newPage();
    await page.goto(url);
    await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
    await page.fill("input[name=admission_reason]", "I50.21");
    await page.keyboard.press("Escape");
    await page.selectOption("select[name=discharge_reason]", "death");
    await page.waitForTimeout(300);
    const tabId = await worker(b.ctx, b.id).evaluate(async (u) => (await chrome.tabs.query({ url: u }))[0]?.id, url);
    assert.ok(Number.isInteger(tabId), "the fixture tab");
    // I46.9 (cardiac arrest) is an MCC only when the patient is discharged alive (CMS Table 6K part 2)
    const popup = await b.ctx.newPage();
    await popup.goto(`chrome-extension://${b.id}/popup.html?tab=${tabId}&code=I46.9`);
    const note = popup.locator("#details .sev-died");
    await note.waitFor({ timeout: 15000 });
    const text = await note.textContent();
    assert.match(text, /the patient died/);
    assert.match(text, /discharge status \(death Death\)/);
    assert.equal(await popup.inputValue("#sev-principal"), "I50.21");
    // the page's answer is not kept anywhere
    const stored = await worker(b.ctx, b.id).evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));
    assert.doesNotMatch(stored, /death|died|I50\.21/i);
    await popup.close();
    // discharged home: the same code counts, no note
    await page.bringToFront();
    await page.selectOption("select[name=discharge_reason]", "home");
    const again = await b.ctx.newPage();
    await again.goto(`chrome-extension://${b.id}/popup.html?tab=${tabId}&code=I46.9`);
    await again.locator("#details .sev-level").waitFor({ timeout: 15000 });
    assert.equal(await again.locator("#details .sev-died").count(), 0);
    await again.close();
    // the CC/MCC line under the form's diagnoses: "patient died" follows the discharge status
    await page.fill("input[name=discharge_dx]", "I46.9");
    await page.keyboard.press("Escape");
    const line = () => page.evaluate(() => document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum:not([hidden]) .txt")?.textContent ?? "");
    const died = () => page.evaluate(() => document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum input.died").checked);
    await page.waitForFunction(() => /MCC: I46\.9/.test(document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum:not([hidden]) .txt")?.textContent ?? ""), undefined, { timeout: 15000 });
    assert.equal(await died(), false);
    await page.selectOption("select[name=discharge_reason]", "death");
    await page.waitForFunction(() => /I46\.9 does not count \(the patient died\)/.test(document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum:not([hidden]) .txt")?.textContent ?? ""), undefined, { timeout: 15000 });
    assert.equal(await died(), true, await line());
    await page.close();
    assert.deepEqual(foreignRequests(server), []);
  });

  test("OpenEMR UB-04 box 17 (a 2-character box named by its title): '20' ticks 'patient died' on the CC/MCC line, '01' clears it", async () => {
    const { b, server } = chromium;
    const page = await b.ctx.newPage();
    await page.goto(server.origin + "/openemr-ub04.html");
    await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
    const line = () => page.evaluate(() => document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum:not([hidden]) .txt")?.textContent ?? "");
    const until = (re) => page.waitForFunction((src) => new RegExp(src).test(document.querySelector("medcode-overlay").shadowRoot.querySelector(".sevsum:not([hidden]) .txt")?.textContent ?? ""), re.source, { timeout: 15000 });
    await page.fill("#ub04id30", "20");
    await page.fill("#ub04id328", "I50.21");
    await page.keyboard.press("Escape");
    await page.fill("#ub04id330", "I46.9");
    await page.keyboard.press("Escape");
    await page.locator("#ub04id330").blur();
    await until(/I46\.9 does not count \(the patient died\)/);
    // discharged home (01), typed into the box: the line counts I46.9 again once the box changes
    await page.fill("#ub04id30", "01");
    await page.locator("#ub04id30").blur();
    await until(/MCC: I46\.9/);
    assert.doesNotMatch(await line(), /the patient died/);
    await page.close();
    assert.deepEqual(foreignRequests(server), []);
  });
});
