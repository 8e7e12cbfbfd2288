// The user's own data in the extension (Chromium): add a synthetic CPT file
// and a synthetic MUE table in the options page, get CPT suggestions and an
// mue.exceeded badge on a claim form, remove them and both are gone; a
// malformed file leaves everything as it was with a clear message. Every
// descriptor and value here is invented (never AMA or CMS content).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServers } from "./server.mjs";
import { ROOT, enableSiteChromium, launchChromium, settledCodes, worker } from "./harness.mjs";

let server, b, dir;
const files = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "medcode-userdata-"));
  files.cpt = join(dir, "CPT2026_synthetic.txt");
  writeFileSync(files.cpt, "SYNTHETIC TEST FILE, NOT AMA CONTENT\n99213\tSynthetic established outpatient encounter\n29881\tSynthetic knee arthroscopy with meniscus trimming\n20610\tSynthetic large joint injection\n");
  files.mue = join(dir, "MCR_MUE_PractitionerServices_Eff_01-01-2026.csv");
  writeFileSync(files.mue, "\"SYNTHETIC TEST TABLE, invented values\"\nHCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n99213,1,2 Date of Service Edit: Policy,Synthetic\nJ1100,30,3 Date of Service Edit: Clinical,Synthetic\n");
  files.bad = join(dir, "bad.csv");
  writeFileSync(files.bad, "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator\n99213,four,2 Date of Service Edit: Policy\n");
  // A slice of the real CDC tabular (E11, I42) with synthetic E11.Z1 added
  // (see the fixture's comment), and the same file cut short.
  files.icd = join(ROOT, "tests/fixtures/userdata/icd10cm-tabular-2027-slice.xml");
  files.badXml = join(dir, "icd10cm-cut.xml");
  const xml = readFileSync(files.icd, "utf8");
  writeFileSync(files.badXml, xml.slice(0, xml.indexOf("<name>E11.Z1</name>")));
  server = await startServers();
  b = await launchChromium(server);
  await enableSiteChromium(b.ctx, b.id, server.origin);
});
after(async () => {
  await b?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function options() {
  const page = await b.ctx.newPage();
  await page.goto(`chrome-extension://${b.id}/options.html`);
  await page.waitForSelector("body[data-ready]");
  await page.waitForSelector("#data-sets li");
  return page;
}
async function addFile(page, kind, path) {
  await page.selectOption("#data-kind", kind);
  await page.setInputFiles("#data-file", path);
  await page.click("#add-data button[type=submit]");
  await page.waitForSelector('#data-msg[data-state="ok"], #data-msg[data-state="error"]', { timeout: 15000 });
  return { state: await page.getAttribute("#data-msg", "data-state"), text: await page.textContent("#data-msg") };
}
const stored = (page) => page.locator("#data-sets li[data-id]").evaluateAll((ls) => ls.map((l) => l.dataset.id));

async function procSuggestions(query) {
  const page = await b.ctx.newPage();
  await page.goto(server.origin + "/cms1500.html");
  await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
  await page.click('input[name="svc_0_3"]');
  await page.keyboard.type(query);
  const opts = page.locator("medcode-overlay .listbox:not([hidden]) li.opt");
  await opts.first().waitFor({ timeout: 3000 }).catch(() => undefined);
  await page.waitForTimeout(300);
  const codes = await opts.evaluateAll((ls) => ls.map((l) => l.dataset.code));
  await page.close();
  return codes;
}

/** Suggestions in the EHR demo's first diagnosis field. */
async function dxSuggestions(query) {
  const page = await b.ctx.newPage();
  await page.goto(server.origin + "/ehr.html");
  await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
  await page.click("#dx1");
  await page.keyboard.type(query);
  const codes = await settledCodes(page).catch(() => []);
  await page.close();
  return codes;
}

/** The rules of the badge over the units field of line 1 once it settles. */
async function unitsBadge(units) {
  const page = await b.ctx.newPage();
  await page.goto(server.origin + "/cms1500.html?sample=1");
  await page.locator("medcode-overlay").waitFor({ state: "attached", timeout: 10000 });
  await page.fill('input[name="svc_0_10"]', units);
  await page.click('input[name="svc_0_11"]');
  await page.waitForTimeout(1500);
  const rules = await page.locator('input[name="svc_0_10"]').evaluate((el) => {
    const r = el.getBoundingClientRect();
    const host = document.querySelector("medcode-overlay");
    const hit = Array.from(host.shadowRoot.querySelectorAll(".badge")).find((x) => {
      const br = x.getBoundingClientRect();
      return br.left >= r.left - 12 && br.right <= r.right + 12 && br.top >= r.top - 6 && br.bottom <= r.bottom + 6;
    });
    return hit ? `${hit.dataset.state}:${hit.dataset.rules ?? ""}:${hit.title}` : "";
  });
  await page.close();
  return rules;
}

describe("Add data (options page, Chromium)", () => {
  test("a CPT file: the engine says what it found; CPT suggestions in a claim's procedure field", async () => {
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

  test("an MUE table: an mue.exceeded badge on the units that pass it", async () => {
    const page = await options();
    const r = await addFile(page, "mue", files.mue);
    assert.equal(r.state, "ok", r.text);
    assert.match(r.text, /CMS practitioner MUE table: 2 rows .*effective 2026-01-01/);
    await page.close();
    const badge = await unitsBadge("3");
    assert.match(badge, /mue\.exceeded/, badge);
    assert.match(badge, /allows 1 per day/, badge);
  });

  test("the same table added again (renamed copy) is refused: it says where it already is; nothing stored changes", async () => {
    const page = await options();
    const before = await stored(page);
    const copy = join(dir, "MUE copy.csv");
    writeFileSync(copy, readFileSync(files.mue));
    const r = await addFile(page, "mue", copy);
    assert.equal(r.state, "error", r.text);
    assert.match(r.text, /already added as mue-\d+/, r.text);
    assert.deepEqual(await stored(page), before);
    await page.close();
  });

  test("a malformed file is refused with file, line and column; nothing stored changes", async () => {
    const page = await options();
    const before = await stored(page);
    const r = await addFile(page, "mue", files.bad);
    assert.equal(r.state, "error");
    assert.match(r.text, /bad\.csv:2:7: MUE value "four" is not a whole number/);
    assert.match(r.text, /Nothing you had stored has changed/);
    assert.deepEqual(await stored(page), before);
    await page.reload();
    await page.waitForSelector("#data-sets li[data-id]");
    assert.deepEqual(await stored(page), before);
    await page.close();
    assert.match(await unitsBadge("3"), /mue\.exceeded/);
  });

  test("removed data is gone from suggestions and validation", async () => {
    const page = await options();
    for (const id of await stored(page)) {
      await page.click(`#data-sets li[data-id="${id}"] button`);
      await page.waitForSelector(`#data-sets li[data-id="${id}"]`, { state: "detached" });
    }
    assert.deepEqual(await stored(page), []);
    await page.close();
    assert.ok(!(await procSuggestions("arthroscopy")).includes("29881"));
    assert.doesNotMatch(await unitsBadge("3"), /mue\.exceeded/);
  });

  test("an ICD-10-CM tabular XML adds its codes: found by words and by code in a diagnosis field, also after a restart; a cut file changes nothing", async () => {
    assert.ok(!(await dxSuggestions("diabetes earlobe")).includes("E11.Z1"), "no E11.Z1 before the file");
    const page = await options();
    const before = await stored(page);
    const bad = await addFile(page, "icd10cm", files.badXml);
    assert.equal(bad.state, "error");
    assert.match(bad.text, /icd10cm-cut\.xml:\d+:\d+: .*cut short/);
    assert.match(bad.text, /Nothing you had stored has changed/);
    assert.deepEqual(await stored(page), before);
    const r = await addFile(page, "icd10cm", files.icd);
    assert.equal(r.state, "ok", r.text);
    assert.match(r.text, /ICD-10-CM FY2027 tabular \(CDC XML\): 130 rows from icd10cm-tabular-2027-slice\.xml/);
    await page.close();
    const words = await dxSuggestions("diabetes earlobe");
    assert.equal(words[0], "E11.Z1", words.join());
    assert.equal((await dxSuggestions("E11.Z1"))[0], "E11.Z1");
    const cdp = await b.ctx.newCDPSession(await b.ctx.newPage());
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    assert.equal((await dxSuggestions("earlobe neuropathy"))[0], "E11.Z1");
    const again = await options();
    await again.click('#data-sets li[data-id^="icd10cm"] button');
    await again.waitForSelector('#data-sets li[data-id^="icd10cm"]', { state: "detached" });
    await again.close();
    assert.ok(!(await dxSuggestions("diabetes earlobe")).includes("E11.Z1"));
  });

  test("stored data survives a worker restart (loaded at start)", async () => {
    const page = await options();
    assert.equal((await addFile(page, "cpt", files.cpt)).state, "ok");
    await page.close();
    const cdp = await b.ctx.newCDPSession(await b.ctx.newPage());
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    const codes = await procSuggestions("arthroscopy");
    assert.ok(codes.includes("29881"), codes.join());
    // the CPT search index is kept beside the sets (format 1), for the next start to read
    const kept = await worker(b.ctx, b.id).evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open("medcode-user-data");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction("derived").objectStore("derived").get("cpt-index");
        get.onsuccess = () => { resolve(get.result ? { format: get.result.format, bytes: get.result.bytes.length } : null); open.result.close(); };
        get.onerror = () => reject(get.error);
      };
    }));
    assert.equal(kept?.format, 1, JSON.stringify(kept));
    assert.ok(kept.bytes > 1000, JSON.stringify(kept));
  });

  test("regression: two adds at once (two options tabs, a double submit) both stay stored; neither replaces the other", async () => {
    const page = await options();
    // two different tables (one MUE value apart): the same data twice is refused by design (content key)
    const names = ["MCR_MUE_PractitionerServices_race_a.csv", "MCR_MUE_PractitionerServices_race_b.csv"];
    const tables = names.map((_, i) => [...Buffer.from(readFileSync(files.mue, "utf8").replace("J1100,30,", `J1100,${31 + i},`))]);
    assert.notDeepEqual(tables[0], tables[1], "the two race tables differ");
    const before = await stored(page);
    const replies = await page.evaluate(async ({ tables, names }) => {
      const putPending = (id, bytes) => new Promise((resolve, reject) => {
        const open = indexedDB.open("medcode-user-data");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction("pending", "readwrite");
          tx.objectStore("pending").put({ id, bytes: new Uint8Array(bytes) });
          tx.oncomplete = () => { open.result.close(); resolve(); };
          tx.onerror = () => reject(tx.error);
        };
      });
      await Promise.all(names.map((n, i) => putPending(`race-${n}`, tables[i])));
      // both messages in flight together: each lists the sets before the other stores
      return Promise.all(names.map((n) => chrome.runtime.sendMessage({ type: "userData", op: "add", kind: "mue", name: n, pending: `race-${n}` })));
    }, { tables, names });
    for (const r of replies) assert.ok(r.ok !== false && !r.error && !r.value?.error, JSON.stringify(r).slice(0, 300));
    await page.reload();
    await page.waitForSelector("#data-sets li");
    const after = await stored(page);
    const added = after.filter((id) => !before.includes(id));
    assert.equal(added.length, 2, `stored before ${before}, after ${after}`);
    assert.equal(new Set(after).size, after.length, after.join());
    for (const id of added) {
      await page.click(`#data-sets li[data-id="${id}"] button`);
      await page.waitForFunction((id) => !document.querySelector(`#data-sets li[data-id="${id}"]`), id);
    }
    await page.close();
  });
});
