// MS-DRG CC/MCC and HCCs on the offline page (issue 15), in headless
// Chromium against dist/www and dist/medcode.html: chips on search results
// for an MCC, a CC and an HCC code (text and screen-reader label), chips off
// in the settings, the claim form's CC/MCC/HCC line for a known stay with a
// CC exclusion, the exclusion in the details, and no request leaving the page.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DIST, foreignRequests, launchChromium, startServer } from '../lib/browser.mjs';
import { claimIssues, openClaim, openCode, openReady, typeQuery } from './pages.mjs';

let browser;
let server;
let page;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'www/index.html')), 'dist/www is not built: run ./build.sh');
  server = await startServer();
  browser = await launchChromium();
  page = await browser.page();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Fixed versions, so the labels do not depend on today's date. */
async function chooseVersions(p) {
  await p.locator('#severity-settings summary').click();
  await p.selectOption('#sev-version', 'v44');
  await p.selectOption('#sev-model', 'CMS-HCC V28');
  await p.selectOption('#sev-year', '2027');
}

/** The chips of one option once the tables are in: [{text, label}]. */
async function chipsOf(p, query, code) {
  await typeQuery(p, query);
  const opt = p.locator(`#search-results [role="option"][data-code="${code}"]`);
  await opt.locator('.sev-chip').first().waitFor({ timeout: 15_000 });
  return opt.locator('.sev-chip').evaluateAll((els) => els.map((e) => ({ text: e.dataset.chip, label: e.textContent.trim(), title: e.title })));
}

test('chips on results: MCC, CC and HCC, with words for screen readers', { timeout: 90_000 }, async () => {
  await openReady(page, server.url);
  await chooseVersions(page);
  const j = await chipsOf(page, 'acute respiratory failure with hypoxia', 'J96.01');
  assert.equal(j[0].text, 'MCC');
  assert.match(j[0].label, /MCC under MS-DRG v44$/);
  assert.ok(j.some((c) => c.text === 'HCC 213' && /HCC 213 in CMS-HCC V28 2027/.test(c.label)), JSON.stringify(j));
  const n = await chipsOf(page, 'acute kidney failure', 'N17.9');
  assert.equal(n[0].text, 'CC');
  assert.match(n[0].label, /CC under MS-DRG v44/);
  const e = await chipsOf(page, 'type 2 diabetes without complications', 'E11.9');
  assert.deepEqual(e.map((c) => c.text), ['HCC 38'], 'E11.9 is a non-CC with one V28 HCC');
  assert.match(e[0].title, /HCC 38 in CMS-HCC V28 2027: Diabetes/);
  // the option's accessible text carries the label, not only the colour
  const name = await page.locator('#search-results [role="option"][data-code="E11.9"]').textContent();
  assert.match(name, /HCC 38 in CMS-HCC V28 2027/);
});

test('chips off in the settings: results have none', { timeout: 60_000 }, async () => {
  await openReady(page, server.url);
  await page.locator('#severity-settings summary').click();
  await page.uncheck('#sev-chips');
  await typeQuery(page, 'acute respiratory failure with hypoxia');
  await page.waitForTimeout(300);
  assert.ok((await page.locator('#search-results [role="option"][data-code="J96.01"]').count()) === 1);
  assert.equal(await page.locator('#search-results .sev-chip').count(), 0);
  // remembered across a reload (a choice, not patient data)
  await openReady(page, server.url);
  await typeQuery(page, 'acute respiratory failure with hypoxia');
  await page.waitForTimeout(300);
  assert.equal(await page.locator('#search-results .sev-chip').count(), 0);
  await page.keyboard.press('Escape'); // the open list covers the settings
  await page.locator('#severity-settings summary').click();
  await page.check('#sev-chips');
});

test('claim form: the CC/MCC/HCC line of a known stay, with the CC exclusion', { timeout: 60_000 }, async () => {
  await openReady(page, server.url);
  await chooseVersions(page);
  await openClaim(page);
  await page.evaluate(() => window.medcode.claim.importText(JSON.stringify({
    diagnoses: ['I50.21', 'I50.23', 'N17.9', 'J96.01', 'E11.9'],
    service_lines: [{ from: '2026-11-01', code: '99223', diagnosis_pointers: ['A'] }],
  })));
  await claimIssues(page);
  await page.waitForSelector('.claim-severity[data-state="ok"]', { timeout: 15_000 });
  const text = (await page.locator('.claim-severity-text').textContent()).trim();
  assert.equal(text, 'HCC V28: 38, 213, 224 · MCC: J96.01 · CC: N17.9 · I50.23 is excluded by the principal');
  assert.match(await page.locator('.claim-severity').textContent(), /MS-DRG v44/);
  // updated as the diagnoses change: J96.01 gone, no MCC is left
  const d = page.locator('#claim-dx input').nth(3);
  await d.fill('');
  await page.waitForFunction(() => !document.querySelector('.claim-severity-text')?.textContent.includes('J96.01'));
  assert.equal((await page.locator('.claim-severity-text').textContent()).trim(),
    'HCC V28: 38, 224 · CC: N17.9 · I50.23 is excluded by the principal');
  // an alive-only MCC (CMS Table 6K part 2) stops counting when the patient died
  await d.fill('I46.9');
  await page.waitForFunction(() => document.querySelector('.claim-severity-text')?.textContent.includes('MCC: I46.9'));
  await page.check('#claim-died');
  await page.waitForFunction(() => document.querySelector('.claim-severity-text')?.textContent.includes('I46.9 does not count (the patient died)'));
  assert.equal((await page.locator('.claim-severity-text').textContent()).trim(),
    'HCC V28: 38, 213, 224 · CC: N17.9 · I50.23 is excluded by the principal · I46.9 does not count (the patient died)');
  await page.uncheck('#claim-died');
  await d.fill('J96.01');
  await page.waitForFunction(() => document.querySelector('.claim-severity-text')?.textContent.includes('MCC: J96.01'));
});

test('details: the principal from the claim excludes the code, and why', { timeout: 60_000 }, async () => {
  // the claim from the test above still holds 21A I50.21
  await openCode(page, 'I50.23');
  const excl = page.locator('#details .sev-excl');
  await excl.waitFor({ timeout: 15_000 });
  assert.equal(await excl.getAttribute('data-excluded-by'), 'I50.21');
  assert.match(await excl.textContent(), /I50\.23 is an MCC but counts as a non-CC when I50\.21 is the principal diagnosis \(CC exclusion list, CMS Table 6K, MS-DRG v44\)/);
  assert.match(await page.locator('#details .sev-level').textContent(), /MCC under MS-DRG v44/);
  assert.match(await page.locator('#details .severity').textContent(), /HCC 224.*CMS-HCC V28 2027 — Acute on Chronic Heart Failure/);
  // a code the principal does not exclude
  await openCode(page, 'J96.01');
  await page.locator('#details .sev-excl').waitFor();
  assert.match(await page.locator('#details .sev-excl').textContent(), /counts as an MCC/);
  assert.equal(await page.locator('#details .sev-excl').getAttribute('data-excluded-by'), null);
});

test('the single file carries the tables too (chips from file://)', { timeout: 90_000 }, async () => {
  const file = path.join(DIST, 'medcode.html');
  const p = await browser.context.newPage();
  await openReady(p, pathToFileURL(file).href);
  await chooseVersions(p);
  const j = await chipsOf(p, 'acute respiratory failure with hypoxia', 'J96.01');
  assert.equal(j[0].text, 'MCC');
  await p.close();
});

test('no request left the page', { timeout: 10_000 }, async () => {
  const file = pathToFileURL(path.join(DIST, 'medcode.html')).href;
  assert.ok(browser.requests.some((r) => /severity\.[0-9a-f]{12}\.idx\.gz$/.test(r.url)), 'severity.idx was fetched from the site');
  assert.deepEqual(foreignRequests(browser.requests, { origins: [server.origin], files: [file] }), []);
  assert.deepEqual(browser.errors, []);
});
