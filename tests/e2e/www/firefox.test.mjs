// Firefox ESR (Debian's firefox-esr through puppeteer-core and WebDriver
// BiDi): both page forms load offline, search as you type and open details.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DIST, foreignRequests, startServer } from '../lib/browser.mjs';

const FIREFOX = ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => fs.existsSync(p));
const skip = FIREFOX ? false : 'no firefox-esr on this machine (apt-get install firefox-esr)';
const T = { timeout: 90_000, skip };

let browser;
let server;
let profile;
const requests = [];

before(async () => {
  if (skip) return;
  const { default: puppeteer } = await import('puppeteer-core');
  server = await startServer();
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-ff-'));
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: {
      // Offline and quiet: no updates, telemetry, safe-browsing lists or captive-portal probes.
      'network.dns.localDomains': '127.0.0.1',
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'toolkit.telemetry.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
    },
  });
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

async function smoke(url, form) {
  const page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.state !== 'loading', { timeout: 60_000 });
  const state = await page.evaluate(() => ({ state: document.documentElement.dataset.state, error: window.medcode?.error, form: window.medcode?.loaded?.form, ready: window.medcode?.loaded?.timings?.ready }));
  assert.equal(state.state, 'ready', `Firefox could not start the ${form}: ${state.error}`);
  assert.equal(state.form, form);
  await page.click('#search-input');
  await page.keyboard.type('chf', { delay: 20 });
  await page.waitForFunction(() => document.querySelectorAll('#search-results [role="option"]').length > 0);
  const first = await page.evaluate(() => document.querySelector('#search-results [role="option"]').dataset.code);
  assert.match(first, /^I50/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction((c) => document.querySelector('#details h2 .code')?.textContent === c, {}, first);
  // A note link and the 7th-character builder work too.
  await page.evaluate(() => { location.hash = '#/code/W21.89'; });
  await page.waitForSelector('#details .seventh input[type="radio"]');
  await page.click('#details .seventh input[type="radio"]');
  const full = await page.evaluate(() => document.querySelector('#details .seventh output .code').textContent.trim());
  assert.equal(full, 'W21.89XA');
  assert.deepEqual(errors, []);
  await page.close();
  return state.ready;
}

test('Firefox: the served site works', T, async (t) => {
  const ready = await smoke(server.url, 'site');
  t.diagnostic(`Firefox site ready in ${Math.round(ready)} ms`);
});

test('Firefox: the single file works from file://', T, async (t) => {
  const ready = await smoke(pathToFileURL(path.join(DIST, 'medcode.html')).href, 'single-file');
  t.diagnostic(`Firefox single file ready in ${Math.round(ready)} ms`);
});

test('Firefox: no request beyond the pages\' own files', { skip }, () => {
  const files = [pathToFileURL(path.join(DIST, 'medcode.html')).href];
  assert.ok(requests.length > 0, 'requests were recorded');
  assert.deepEqual(foreignRequests(requests.map((url) => ({ url })), { origins: [server.origin], files }), []);
});
