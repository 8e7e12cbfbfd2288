// "Your data" in the offline page with hostile files (Chromium): a ZIP and a
// gzip (CMS ships its tables zipped), UTF-16 and Latin-1 text, a truncated
// XML, a file over its kind's cap, and a CPT file whose descriptors and name
// carry HTML and spreadsheet formulas. Each refusal names the file (and the
// line where there is one) and what to do, and changes nothing; titles and
// names from a file are shown as text, never markup. Every descriptor here is
// invented (never AMA content). The single file (file://) refuses the same way.
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { DIST, foreignRequests, launchChromium, startServer } from '../lib/browser.mjs';
import { openReady } from './pages.mjs';

const T = { timeout: 120_000 };
let browser;
let server;
let page;

before(async () => {
  server = await startServer();
  browser = await launchChromium();
  page = await browser.page();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openData(p) {
  await p.evaluate(() => { location.hash = '#/data'; });
  await p.waitForSelector('#view-data:not([hidden]) #data-form[data-ready]');
}
/** Adds a file given as bytes; returns the message's state and text. */
async function add(p, kind, name, buffer) {
  await openData(p);
  await p.evaluate(() => { const m = document.getElementById('data-msg'); m.textContent = ''; delete m.dataset.state; });
  await p.selectOption('#data-kind', kind);
  await p.setInputFiles('#data-file', { name, mimeType: 'application/octet-stream', buffer });
  await p.click('#data-form button[type=submit]');
  await p.waitForSelector('#data-msg[data-state="ok"], #data-msg[data-state="error"]', { timeout: 60_000 });
  return { state: await p.getAttribute('#data-msg', 'data-state'), text: await p.textContent('#data-msg') };
}
const stored = (p) => p.locator('#data-sets li[data-id]').evaluateAll((ls) => ls.map((l) => l.dataset.id));

const CPT = 'SYNTHETIC TEST FILE, NOT AMA CONTENT\n99213\tSynthetic established outpatient encounter\n29881\tSynthetic knee arthroscopy with meniscus trimming\n';
const utf16 = (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const REFUSED = [
  ['mue', 'MUE_2026_Q1.zip', Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00synthetic', 'latin1'), /^Not added — MUE_2026_Q1\.zip: the file is a ZIP archive .*unzip it/],
  ['cpt', 'cpt.txt.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]), /^Not added — cpt\.txt\.gz: the file is gzip-compressed: unpack it/],
  ['cpt', 'cpt-utf16.txt', utf16(CPT), /^Not added — cpt-utf16\.txt: the file is UTF-16 text; save it as UTF-8/],
  ['cpt', 'cpt-latin1.txt', Buffer.from(CPT.replace('meniscus', 'ménisque'), 'latin1'), /^Not added — cpt-latin1\.txt:3:\d+: byte 0xE9 is not UTF-8; .*Latin-1.*save it as UTF-8/],
  ['icd10cm', 'tabular-cut.xml', Buffer.from('<?xml version="1.0"?>\n<ICD10CM.tabular><version>2027</version>\n<chapter><name>9</name><desc>Synthe'), /^Not added — tabular-cut\.xml:3:\d+: .*cut short/],
  // cut short mid-descriptor (a download that stopped): refused at the last line, not kept partial
  ['cpt', 'cpt-cut.txt', Buffer.from(CPT.slice(0, -10)), /^Not added — cpt-cut\.txt:3:47: the file ends here, in the middle of a row .*cut short.*add it again/],
  ['mue', 'MUE_quote.csv', Buffer.from('HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n99213,1,"2 Date of Service Edit, Policy\n'), /^Not added — MUE_quote\.csv:2:9: this quote opens a field that is never closed/],
  ['mue', 'MUE_huge.csv', Buffer.alloc(17 << 20, 0x41), /^Not added — MUE_huge\.csv: the file is 17\.0 MB; the largest MUE table file medcode reads is 16 MB/],
];

describe('Your data with hostile files (offline page, Chromium)', () => {
  test('archives, wrong encodings, a cut XML and an oversize file: refused with the file, line and what to do; nothing changes', T, async () => {
    await openReady(page, server.url);
    const ok = await add(page, 'cpt', 'CPT2026_synthetic.txt', Buffer.from(CPT));
    assert.equal(ok.state, 'ok', ok.text);
    const before = await stored(page);
    for (const [kind, name, bytes, want] of REFUSED) {
      const r = await add(page, kind, name, bytes);
      assert.equal(r.state, 'error', `${name}: ${r.text}`);
      assert.match(r.text, want, name);
      assert.match(r.text, /Nothing you had stored has changed\.$/, name);
      assert.doesNotMatch(r.text, /NUL byte|0x8B/, `${name}: says what the file is, not a byte`);
      assert.deepEqual(await stored(page), before, name);
    }
  });

  test('HTML and spreadsheet formulas in a descriptor and a file name are shown as text, never markup', T, async () => {
    const name = '<img src=x onerror="window.pwned=1">cpt.txt';
    const body = 'SYNTHETIC TEST FILE, NOT AMA CONTENT\n0999T\t=cmd|\'/C calc\'!A0 <img src=x onerror="window.pwned=2"> <b>zorblat</b> procedure\n';
    const r = await add(page, 'cpt', name, Buffer.from(body));
    assert.equal(r.state, 'ok', r.text);
    assert.ok(r.text.includes(name), `the message shows the name as typed: ${r.text}`);
    const listed = await page.locator('#data-sets').textContent();
    assert.ok(listed.includes(name), listed);
    await page.evaluate(() => { location.hash = '#/'; });
    const input = page.locator('#search-input');
    await input.fill('');
    await input.pressSequentially('zorblat', { delay: 10 });
    await page.waitForSelector('#search-results [role="option"][data-code="0999T"]');
    const shown = await page.locator('#search-results [role="option"][data-code="0999T"]').textContent();
    assert.ok(shown.includes('<b>zorblat</b>') && shown.includes("=cmd|'/C calc'!A0"), shown);
    await page.evaluate(() => { location.hash = '#/code/0999T'; });
    await page.waitForFunction(() => /zorblat/.test(document.getElementById('details').textContent));
    assert.ok((await page.locator('#details').textContent()).includes('<img src=x'), 'the details show the text as written');
    assert.equal(await page.evaluate(() => window.pwned ?? null), null, 'no script from the file ran');
    assert.equal(await page.locator('#details img, #search-results img, #data-sets img, #data-msg img, #details b, #search-results b').count(), 0, 'no element from the file');
  });

  test('the single file (file://) refuses a ZIP the same way', T, async () => {
    const p = await browser.context.newPage();
    await openReady(p, pathToFileURL(path.join(DIST, 'medcode.html')).href);
    const [kind, name, bytes, want] = REFUSED[0];
    const r = await add(p, kind, name, bytes);
    assert.equal(r.state, 'error', r.text);
    assert.match(r.text, want);
    await p.close();
  });

  test('no page error, no request left the server', () => {
    assert.deepEqual(browser.errors, []);
    const single = pathToFileURL(path.join(DIST, 'medcode.html')).href;
    assert.deepEqual(foreignRequests(browser.requests, { origins: [server.origin], files: [single] }), []);
  });
});
