// dist/medcode.html opened from file:// in headless Chromium: the shared
// lookup and claim checks, the size limit, and not one request beyond the
// file itself (it carries the engine and the index inside).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DIST, foreignRequests, launchChromium } from '../lib/browser.mjs';
import { detailsHeading, openReady, typeQuery } from './pages.mjs';
import { claimTests, lookupTests } from './scenarios.mjs';
import { pcsBuilderTests } from './pcs-builder.mjs';

const FILE = path.join(DIST, 'medcode.html');
const url = pathToFileURL(FILE).href;
let browser;
let page;
let copyDir;

before(async () => {
  assert.ok(fs.existsSync(FILE), 'dist/medcode.html is not built: run ./build.sh');
  browser = await launchChromium();
  page = await browser.page();
});

after(async () => {
  await browser?.close();
  if (copyDir) fs.rmSync(copyDir, { recursive: true, force: true });
});

test('the single file is under 8 MB and carries no external reference', () => {
  const size = fs.statSync(FILE).size;
  assert.ok(size < 8_000_000, `dist/medcode.html is ${size} bytes`);
  const html = fs.readFileSync(FILE, 'utf8');
  assert.ok(!/\b(src|href)="(https?:)?\/\//.test(html), 'no src/href to another host');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.ok(!html.includes('innerHTML'), 'no innerHTML anywhere in the page');
});

test('opens from file:// and reports its load time', { timeout: 60_000 }, async (t) => {
  const { timings, form } = await openReady(page, url);
  assert.equal(form, 'single-file');
  t.diagnostic(`single file ready in ${Math.round(timings.ready)} ms (index decode ${Math.round(timings.fetch)} ms, wasm ${Math.round(timings.instantiate)} ms, engine ${Math.round(timings.engine)} ms)`);
});

lookupTests(() => ({ page, url }));
claimTests(() => ({ page, url }));
pcsBuilderTests(() => ({ page, url }));

test('a copy anywhere (spaces in the path, like a USB stick) works the same', { timeout: 60_000 }, async () => {
  copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode usb '));
  const copy = path.join(copyDir, 'medcode copy.html');
  fs.copyFileSync(FILE, copy);
  await openReady(page, pathToFileURL(copy).href);
  await typeQuery(page, 'copd exacerbation');
  await page.locator('#search-input').press('Enter');
  assert.match(await detailsHeading(page), /^J44/);
});

test('a damaged copy says what is wrong instead of failing silently', { timeout: 60_000 }, async () => {
  copyDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'medcode usb '));
  const damaged = path.join(copyDir, 'medcode damaged.html');
  const html = fs.readFileSync(FILE, 'utf8').replace(/(<script type="application\/octet-stream" id="medcode-index">)[^<]*/, '$1');
  fs.writeFileSync(damaged, html);
  await page.goto(pathToFileURL(damaged).href);
  await page.waitForFunction(() => document.documentElement.dataset.state === 'error');
  assert.match(await page.locator('#load-error').textContent(), /^medcode could not start: this page lost its embedded medcode-index: get a fresh copy of medcode\.html/);
  assert.ok(await page.locator('#load-error').isVisible());
});

test('no request beyond the file itself', () => {
  const files = [url];
  if (copyDir) files.push(...fs.readdirSync(copyDir).map((f) => pathToFileURL(path.join(copyDir, f)).href));
  assert.ok(browser.requests.length >= 1);
  assert.deepEqual(foreignRequests(browser.requests, { files }), []);
  assert.deepEqual(browser.errors, [], 'no page errors');
});
