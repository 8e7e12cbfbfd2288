// Firefox ESR (puppeteer-core, WebDriver BiDi): the offline page's "Your
// data" with hostile files, as userdata-hostile.test.mjs does in Chromium — a
// ZIP and a Latin-1 file refused with the file (and line) and what to do,
// nothing stored; a CPT descriptor and a file name holding HTML shown as text.
// Invented descriptors only (never AMA content).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { foreignRequests, startServer } from '../lib/browser.mjs';

const FIREFOX = ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => fs.existsSync(p));
const skip = FIREFOX ? false : 'no firefox-esr on this machine (apt-get install firefox-esr)';
const T = { timeout: 120_000, skip };

let browser;
let server;
let profile;
let dir;
let page;
const requests = [];
const errors = [];

before(async () => {
  if (skip) return;
  const { default: puppeteer } = await import('puppeteer-core');
  server = await startServer();
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-ff-'));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-ff-files-'));
  browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: profile,
    extraPrefsFirefox: {
      'network.dns.localDomains': '127.0.0.1', 'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false, 'browser.safebrowsing.phishing.enabled': false,
      'network.captive-portal-service.enabled': false, 'network.connectivity-service.enabled': false,
      'toolkit.telemetry.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false,
    },
  });
  page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.state !== 'loading', { timeout: 60_000 });
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
  for (const d of [profile, dir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

async function add(kind, name, bytes) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  await page.evaluate(() => { location.hash = '#/data'; });
  await page.waitForSelector('#view-data:not([hidden]) #data-form[data-ready]');
  await page.evaluate(() => { const m = document.getElementById('data-msg'); m.textContent = ''; delete m.dataset.state; });
  await page.select('#data-kind', kind);
  const input = await page.$('#data-file');
  await input.uploadFile(file);
  await page.click('#data-form button[type=submit]');
  await page.waitForSelector('#data-msg[data-state="ok"], #data-msg[data-state="error"]', { timeout: 60_000 });
  return page.evaluate(() => ({ state: document.getElementById('data-msg').dataset.state, text: document.getElementById('data-msg').textContent }));
}
const stored = () => page.evaluate(() => Array.from(document.querySelectorAll('#data-sets li[data-id]'), (l) => l.dataset.id));

test('Firefox: a ZIP and a Latin-1 file are refused with the file, line and what to do; nothing stored', T, async () => {
  const zip = await add('mue', 'MUE_2026_Q1.zip', Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00synthetic', 'latin1'));
  assert.equal(zip.state, 'error', zip.text);
  assert.match(zip.text, /^Not added — MUE_2026_Q1\.zip: the file is a ZIP archive .*unzip it.*Nothing you had stored has changed\.$/);
  const latin = await add('cpt', 'cpt-latin1.txt', Buffer.from('SYNTHETIC TEST FILE\n29881\tSynthetic knee ménisque trim\n', 'latin1'));
  assert.equal(latin.state, 'error', latin.text);
  assert.match(latin.text, /^Not added — cpt-latin1\.txt:2:\d+: byte 0xE9 is not UTF-8; .*save it as UTF-8/);
  assert.deepEqual(await stored(), []);
});

test('Firefox: HTML in a descriptor and a file name is shown as text, never markup', T, async () => {
  const name = '<b>x<i>cpt.txt';
  const r = await add('cpt', name, Buffer.from('SYNTHETIC TEST FILE, NOT AMA CONTENT\n0999T\t<img src=x onerror="window.pwned=1"> <b>zorblat</b> procedure\n'));
  assert.equal(r.state, 'ok', r.text);
  assert.ok(r.text.includes(name), r.text);
  await page.evaluate(() => { location.hash = '#/code/0999T'; });
  await page.waitForFunction(() => /zorblat/.test(document.getElementById('details').textContent), { timeout: 30_000 });
  const details = await page.evaluate(() => ({ text: document.getElementById('details').textContent, markup: document.querySelectorAll('#details img, #details b, #data-sets b, #data-msg b').length }));
  assert.ok(details.text.includes('<b>zorblat</b>'), details.text);
  assert.equal(details.markup, 0);
  assert.equal(await page.evaluate(() => window.pwned ?? null), null);
});

test('Firefox: no page error, no request beyond the page\'s own files', { skip }, () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(foreignRequests(requests.map((url) => ({ url })), { origins: [server.origin] }), []);
});
