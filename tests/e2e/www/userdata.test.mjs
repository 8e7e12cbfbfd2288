// "Your data" in the offline page (Chromium): add a synthetic CPT file and
// get CPT suggestions and a CPT lookup; add a synthetic MUE table and get
// mue.exceeded on the claim form; a malformed file is refused with file,
// line and column and changes nothing (also after a reload); remove both and
// both are gone; no request leaves the server. Then the single file from
// file:// takes a CPT file the same way. Every descriptor and value here is
// invented (never AMA or CMS content).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { DIST, ROOT, foreignRequests, launchChromium, startServer } from '../lib/browser.mjs';
import { claimIssues, openClaim, openReady } from './pages.mjs';

const T = { timeout: 90_000 };
let browser;
let server;
let page;
let dir;
const files = {};

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-www-userdata-'));
  files.cpt = path.join(dir, 'CPT2026_synthetic.txt');
  fs.writeFileSync(files.cpt, 'SYNTHETIC TEST FILE, NOT AMA CONTENT\n99213\tSynthetic established outpatient encounter\n29881\tSynthetic knee arthroscopy with meniscus trimming\n20610\tSynthetic large joint injection\n');
  files.mue = path.join(dir, 'MCR_MUE_PractitionerServices_Eff_01-01-2026.csv');
  fs.writeFileSync(files.mue, '"SYNTHETIC TEST TABLE, invented values"\nHCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n99213,1,2 Date of Service Edit: Policy,Synthetic\nJ1100,30,3 Date of Service Edit: Clinical,Synthetic\n');
  // A newer tabular in the CDC layout: I42.00 has no title in the bundled release.
  files.icd = path.join(dir, 'icd10cm-tabular-2027-synthetic.xml');
  fs.writeFileSync(files.icd, '<?xml version="1.0" encoding="utf-8"?>\n<ICD10CM.tabular><version>2027</version>\n<chapter><name>9</name><desc>Synthetic</desc><section id="I30-I5A"><desc>Synthetic</desc>\n<diag><name>I42</name><desc>Synthetic</desc><diag><name>I42.0</name><desc>Synthetic</desc>\n<diag><name>I42.00</name><desc>Synthetic FY2027 title for a new code</desc></diag>\n</diag></diag></section></chapter></ICD10CM.tabular>\n');
  files.badXml = path.join(dir, 'cut.xml');
  fs.writeFileSync(files.badXml, '<?xml version="1.0"?>\n<ICD10CM.tabular><version>2027</version>\n<chapter><name>9</name>\n');
  files.bad = path.join(dir, 'bad.csv');
  fs.writeFileSync(files.bad, 'HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator\n99213,four,2 Date of Service Edit: Policy\n');
  server = await startServer();
  browser = await launchChromium();
  page = await browser.page();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function openData(p) {
  await p.evaluate(() => { location.hash = '#/data'; });
  await p.waitForSelector('#view-data:not([hidden]) #data-form[data-ready]');
}

async function addFile(p, kind, file) {
  await openData(p);
  await p.selectOption('#data-kind', kind);
  await p.setInputFiles('#data-file', file);
  await p.click('#data-form button[type=submit]');
  await p.waitForSelector('#data-msg[data-state="ok"], #data-msg[data-state="error"]');
  const r = { state: await p.getAttribute('#data-msg', 'data-state'), text: await p.textContent('#data-msg') };
  return r;
}

const stored = (p) => p.locator('#data-sets li[data-id]').evaluateAll((ls) => ls.map((l) => `${l.dataset.id}:${l.textContent}`));

/** The search box's suggestions for a query, as "system:code". */
async function suggestions(p, query) {
  await p.evaluate(() => { location.hash = '#/'; });
  const input = p.locator('#search-input');
  await input.fill('');
  await input.pressSequentially(query, { delay: 10 });
  await p.waitForFunction((q) => document.getElementById('search-input').value === q, query);
  await p.waitForTimeout(300);
  return p.locator('#search-results [role="option"]').evaluateAll((els) => els.map((e) => `${e.dataset.system}:${e.dataset.code}`));
}

/** Loads a claim with 99213 × 3 units on one date and returns its rules. */
async function claimRules(p) {
  await openClaim(p);
  const claim = {
    diagnoses: ['E11.9'],
    service_lines: [{ from: '2026-03-10', to: '2026-03-10', place_of_service: '11', code: '99213', diagnosis_pointers: ['A'], units: 3, charge: '90.00' }],
  };
  await p.evaluate((text) => window.medcode.claim.importText(text, 'mue.json'), JSON.stringify(claim));
  return claimIssues(p);
}

describe('Your data (offline page, Chromium)', () => {
  test('a CPT file: what the engine found; CPT suggestions and lookup at once', T, async () => {
    await openReady(page, server.url);
    assert.ok(!(await suggestions(page, 'arthroscopy')).includes('cpt:29881'), 'no CPT before the file is added');
    const r = await addFile(page, 'cpt', files.cpt);
    assert.equal(r.state, 'ok', r.text);
    assert.match(r.text, /CPT 2026 descriptors \(licensed\): 3 rows from CPT2026_synthetic\.txt/);
    const list = await stored(page);
    assert.equal(list.length, 1);
    assert.match(list[0], /^cpt-1:.*3 rows.*CPT2026_synthetic\.txt, added \d{4}-\d\d-\d\d/);
    const codes = await suggestions(page, 'arthroscopy');
    assert.ok(codes.includes('cpt:29881'), codes.join());
    assert.ok(await page.locator('#search-system option[value="cpt"]').count(), 'a CPT choice in the code set select');
    await page.evaluate(() => { location.hash = '#/code/29881'; });
    await page.waitForFunction(() => /Synthetic knee arthroscopy/.test(document.getElementById('details').textContent));
  });

  test('an MUE table: mue.exceeded on the claim form', T, async () => {
    assert.ok(!(await claimRules(page)).some((i) => i.rule === 'mue.exceeded'), 'no MUE rule before the table');
    const r = await addFile(page, 'mue', files.mue);
    assert.equal(r.state, 'ok', r.text);
    assert.match(r.text, /CMS practitioner MUE table: 2 rows .*effective 2026-01-01/);
    const issues = await claimRules(page);
    assert.ok(issues.some((i) => i.rule === 'mue.exceeded' && i.field === 'service_lines[0].units'), JSON.stringify(issues));
    assert.match(await page.locator('#view-claim').textContent(), /allows 1 per day/);
  });

  test('a malformed file: file, line and column; nothing changes, also after a reload', T, async () => {
    const before = await stored(page);
    assert.equal(before.length, 2);
    const r = await addFile(page, 'mue', files.bad);
    assert.equal(r.state, 'error');
    assert.match(r.text, /bad\.csv:2:7: MUE value "four" is not a whole number/);
    assert.match(r.text, /Nothing you had stored has changed/);
    assert.deepEqual(await stored(page), before);
    assert.ok((await claimRules(page)).some((i) => i.rule === 'mue.exceeded'));
    await page.reload();
    await openReady(page, server.url + '#/data');
    await openData(page);
    assert.deepEqual(await stored(page), before);
    // the CPT search index was kept with the sets and read back, not built again
    assert.equal(await page.evaluate(() => window.medcode.loaded.engine.cptIndexState()), 'stored');
    assert.ok((await suggestions(page, 'arthroscopy')).includes('cpt:29881'), 'stored CPT attached at start');
    assert.ok((await claimRules(page)).some((i) => i.rule === 'mue.exceeded'), 'stored MUE attached at start');
  });

  test('removed data is gone from suggestions, lookup and the claim check', T, async () => {
    await openData(page);
    for (const id of await page.locator('#data-sets li[data-id]').evaluateAll((ls) => ls.map((l) => l.dataset.id))) {
      await page.click(`#data-sets li[data-id="${id}"] button`);
      await page.waitForSelector(`#data-sets li[data-id="${id}"]`, { state: 'detached' });
    }
    assert.deepEqual(await stored(page), []);
    assert.ok(!(await suggestions(page, 'arthroscopy')).includes('cpt:29881'));
    assert.equal(await page.locator('#search-system option[value="cpt"]').count(), 0);
    await page.evaluate(() => { location.hash = '#/code/29881'; });
    await page.waitForFunction(() => document.getElementById('details').textContent.includes('29881'));
    assert.doesNotMatch(await page.locator('#details').textContent(), /Synthetic knee arthroscopy/);
    assert.ok(!(await claimRules(page)).some((i) => i.rule === 'mue.exceeded'));
    await page.reload();
    await openReady(page, server.url + '#/data');
    await openData(page);
    assert.deepEqual(await stored(page), []);
  });

  test('an ICD-10-CM tabular XML: a newer year\'s title in place of "no title"; removable', T, async () => {
    await page.evaluate(() => { location.hash = '#/code/I42.00'; });
    await page.waitForFunction(() => document.getElementById('details').textContent.includes('I42.00'));
    assert.doesNotMatch(await page.locator('#details').textContent(), /Synthetic FY2027 title/);
    const bad = await addFile(page, 'icd10cm', files.badXml);
    assert.equal(bad.state, 'error');
    assert.match(bad.text, /cut\.xml:\d+:\d+: .*cut short/);
    const r = await addFile(page, 'icd10cm', files.icd);
    assert.equal(r.state, 'ok', r.text);
    assert.match(r.text, /ICD-10-CM FY2027 tabular \(CDC XML\): 3 rows from icd10cm-tabular-2027-synthetic\.xml, effective 2026-10-01 to 2027-09-30/);
    await page.evaluate(() => { location.hash = '#/code/I42.00'; });
    await page.waitForFunction(() => /Synthetic FY2027 title for a new code/.test(document.getElementById('details').textContent));
    await openData(page);
    await page.click('#data-sets li[data-kind="icd10cm"] button');
    await page.waitForSelector('#data-sets li[data-kind="icd10cm"]', { state: 'detached' });
    await page.evaluate(() => { location.hash = '#/code/I42.00'; });
    await page.waitForFunction(() => document.getElementById('details').textContent.includes('I42.00'));
    assert.doesNotMatch(await page.locator('#details').textContent(), /Synthetic FY2027 title/);
  });

  test('an ICD-10-CM tabular XML adds its codes: found by words and by code, looked up, gone when removed', T, async () => {
    // A slice of the real CDC tabular (E11, I42) with synthetic E11.Z1 added; see the fixture's comment.
    const slice = path.join(ROOT, 'tests/fixtures/userdata/icd10cm-tabular-2027-slice.xml');
    assert.ok(!(await suggestions(page, 'diabetes earlobe')).includes('icd10cm:E11.Z1'));
    const r = await addFile(page, 'icd10cm', slice);
    assert.equal(r.state, 'ok', r.text);
    assert.match(r.text, /ICD-10-CM FY2027 tabular \(CDC XML\): 130 rows from icd10cm-tabular-2027-slice\.xml/);
    const words = await suggestions(page, 'diabetes earlobe');
    assert.equal(words[0], 'icd10cm:E11.Z1', words.join());
    assert.equal((await suggestions(page, 'E11.Z1'))[0], 'icd10cm:E11.Z1');
    await page.evaluate(() => { location.hash = '#/code/E11.Z1'; });
    await page.waitForFunction(() => /synthetic earlobe neuropathy/.test(document.getElementById('details').textContent));
    assert.match(await page.locator('#details').textContent(), /From your own file/);
    await page.reload();
    await openReady(page, server.url + '#/data');
    await openData(page);
    assert.equal((await suggestions(page, 'earlobe neuropathy'))[0], 'icd10cm:E11.Z1', 'kept after a reload');
    await openData(page);
    await page.click('#data-sets li[data-kind="icd10cm"] button');
    await page.waitForSelector('#data-sets li[data-kind="icd10cm"]', { state: 'detached' });
    assert.ok(!(await suggestions(page, 'diabetes earlobe')).includes('icd10cm:E11.Z1'));
  });

  test('no page error', () => {
    assert.deepEqual(browser.errors, []);
  });

  test('no request left the server', () => {
    assert.ok(browser.requests.length > 5);
    assert.deepEqual(foreignRequests(browser.requests, { origins: [server.origin] }), []);
  });

  test('the single file (file://) takes a CPT file the same way', T, async () => {
    const url = pathToFileURL(path.join(DIST, 'medcode.html')).href;
    const p = await browser.context.newPage();
    await openReady(p, url);
    const r = await addFile(p, 'cpt', files.cpt);
    assert.equal(r.state, 'ok', r.text);
    assert.ok((await suggestions(p, 'arthroscopy')).includes('cpt:29881'));
    await p.close();
  });
});
