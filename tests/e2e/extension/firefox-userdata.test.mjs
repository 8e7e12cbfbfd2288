// The user's own data in the extension in Firefox ESR: the options page's
// Add data (the engine in Firefox's background page parses the file; the
// set is kept in IndexedDB in the extension's origin), CPT suggestions and
// an mue.exceeded badge on a claim form, a malformed file that changes
// nothing, and removal. WebDriver BiDi navigates to moz-extension:// only
// when Firefox runs with -remote-allow-system-access (the first test shows
// the refusal without it). Every descriptor and value is invented.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServers } from "./server.mjs";
import { launchFirefox, openFirefoxOptions } from "./harness.mjs";

let server, ff, dir;
const files = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "medcode-ff-userdata-"));
  files.cpt = join(dir, "CPT2026_synthetic.txt");
  writeFileSync(files.cpt, "SYNTHETIC TEST FILE, NOT AMA CONTENT\n99213\tSynthetic established outpatient encounter\n29881\tSynthetic knee arthroscopy with meniscus trimming\n20610\tSynthetic large joint injection\n");
  files.mue = join(dir, "MCR_MUE_PractitionerServices_Eff_01-01-2026.csv");
  writeFileSync(files.mue, "\"SYNTHETIC TEST TABLE, invented values\"\nHCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n99213,1,2 Date of Service Edit: Policy,Synthetic\n");
  files.bad = join(dir, "bad.csv");
  writeFileSync(files.bad, "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator\n99213,four,2 Date of Service Edit: Policy\n");
  server = await startServers();
  ff = await launchFirefox(server, undefined, { systemAccess: true });
});
after(async () => {
  await ff?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function options() {
  const page = await openFirefoxOptions(ff);
  await page.waitForSelector("#data-sets li", { timeout: 15000 });
  return page;
}
async function addFile(page, kind, path) {
  await page.select("#data-kind", kind);
  const input = await page.$("#data-file");
  await input.uploadFile(path);
  await page.click("#add-data button[type=submit]");
  await page.waitForSelector('#data-msg[data-state="ok"], #data-msg[data-state="error"]', { timeout: 20000 });
  return page.$eval("#data-msg", (m) => ({ state: m.dataset.state, text: m.textContent }));
}
const stored = (page) => page.$$eval("#data-sets li[data-id]", (ls) => ls.map((l) => l.dataset.id));

async function procSuggestions(query) {
  const page = await ff.browser.newPage();
  await page.goto(server.origin + "/cms1500.html");
  await page.waitForSelector("medcode-overlay", { timeout: 10000 });
  await page.click('input[name="svc_0_3"]');
  await page.keyboard.type(query);
  await page.waitForSelector("medcode-overlay >>> .listbox:not([hidden]) li.opt", { timeout: 5000 }).catch(() => undefined);
  await sleep(300);
  const codes = await page.$$eval("medcode-overlay >>> .listbox:not([hidden]) li.opt", (ls) => ls.map((l) => l.dataset.code));
  await page.close();
  return codes;
}

/** The rules on the badge over line 1's units once it settles. */
async function unitsBadge(units) {
  const page = await ff.browser.newPage();
  await page.goto(server.origin + "/cms1500.html?sample=1");
  await page.waitForSelector("medcode-overlay", { timeout: 10000 });
  await page.click('input[name="svc_0_10"]', { count: 3 });
  await page.keyboard.type(units);
  await page.click('input[name="svc_0_11"]');
  await sleep(1500);
  const rules = await page.$eval('input[name="svc_0_10"]', (el) => {
    const r = el.getBoundingClientRect();
    const hit = Array.from(document.querySelector("medcode-overlay").shadowRoot.querySelectorAll(".badge")).find((x) => {
      const br = x.getBoundingClientRect();
      return br.left >= r.left - 12 && br.right <= r.right + 12 && br.top >= r.top - 6 && br.bottom <= r.bottom + 6;
    });
    return hit ? `${hit.dataset.state}:${hit.dataset.rules ?? ""}:${hit.title}` : "";
  });
  await page.close();
  return rules;
}

describe("Add data (options page, Firefox ESR)", () => {
  test("without -remote-allow-system-access BiDi refuses the options page", async () => {
    const plain = await launchFirefox(server);
    try {
      const page = await plain.browser.newPage();
      await assert.rejects(page.goto(`${plain.base}/options.html`, { timeout: 10000 }), /not allowed in this context|Navigation timeout/); // Firefox 140.10 no longer answers; the page still never opens
    } finally {
      await plain.close();
    }
  });

  test("a CPT file: what the engine found; CPT suggestions in a procedure field", async () => {
    assert.ok(!(await procSuggestions("arthroscopy")).includes("29881"), "no CPT before the file is added");
    const page = await options();
    const r = await addFile(page, "cpt", files.cpt);
    assert.equal(r.state, "ok", r.text);
    assert.match(r.text, /CPT 2026 descriptors \(licensed\): 3 rows from CPT2026_synthetic\.txt/);
    assert.deepEqual(await stored(page), ["cpt-1"]);
    await page.close();
    const codes = await procSuggestions("arthroscopy");
    assert.ok(codes.includes("29881"), codes.join());
  });

  test("an MUE table: an mue.exceeded badge", async () => {
    const page = await options();
    const r = await addFile(page, "mue", files.mue);
    assert.equal(r.state, "ok", r.text);
    await page.close();
    const badge = await unitsBadge("3");
    assert.match(badge, /mue\.exceeded/, badge);
  });

  test("a malformed file: file, line and column; nothing stored changes", async () => {
    const page = await options();
    const before = await stored(page);
    assert.deepEqual(before, ["cpt-1", "mue-1"]);
    const r = await addFile(page, "mue", files.bad);
    assert.equal(r.state, "error");
    assert.match(r.text, /bad\.csv:2:7: MUE value "four" is not a whole number/);
    assert.deepEqual(await stored(page), before);
    await page.close();
    const again = await options();
    assert.deepEqual(await stored(again), before);
    await again.close();
  });

  test("removed data is gone from suggestions and validation", async () => {
    const page = await options();
    for (const id of await stored(page)) {
      await page.click(`#data-sets li[data-id="${id}"] button`);
      await page.waitForSelector(`#data-sets li[data-id="${id}"]`, { hidden: true, timeout: 10000 });
    }
    assert.deepEqual(await stored(page), []);
    await page.close();
    assert.ok(!(await procSuggestions("arthroscopy")).includes("29881"));
    assert.doesNotMatch(await unitsBadge("3"), /mue\.exceeded/);
  });

  test("no request left 127.0.0.1", () => {
    assert.deepEqual(server.foreign, []);
  });
});
