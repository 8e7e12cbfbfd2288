// dist/www served by scripts/serve.mjs, in headless Chromium: the shared
// lookup and claim checks, clipboard, no request beyond the site's own
// files, and the service worker answering once the server is gone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DIST, foreignRequests, launchChromium, startServer } from '../lib/browser.mjs';
import { openCode, openReady, typeQuery } from './pages.mjs';
import { claimTests, lookupTests } from './scenarios.mjs';
import { pcsBuilderTests } from './pcs-builder.mjs';

let browser;
let server;
let page;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'www/index.html')), 'dist/www is not built: run ./build.sh');
  server = await startServer();
  browser = await launchChromium();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  page = await browser.page();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const ctx = () => ({ page, url: server.url });

test('the site loads and reports its load time', { timeout: 60_000 }, async (t) => {
  const { timings, form } = await openReady(page, server.url);
  assert.equal(form, 'site');
  for (const k of ['fetch', 'instantiate', 'engine', 'ready']) assert.ok(timings[k] > 0, `timing ${k}`);
  t.diagnostic(`site ready in ${Math.round(timings.ready)} ms (index ${Math.round(timings.fetch)} ms, wasm ${Math.round(timings.instantiate)} ms, engine ${Math.round(timings.engine)} ms)`);
  assert.match(await page.locator('#data-info').textContent(), /ICD-10-CM .* billable codes · HCPCS Level II quarter/);
  // Versioned names: the page references exactly the hashed files on disk.
  const files = fs.readdirSync(path.join(DIST, 'www'));
  assert.ok(files.some((f) => /^medcode\.[0-9a-f]{12}\.wasm$/.test(f)));
  assert.ok(files.some((f) => /^medcode\.[0-9a-f]{12}\.idx\.gz$/.test(f)));
  const manifest = JSON.parse(fs.readFileSync(path.join(DIST, 'www/manifest.webmanifest'), 'utf8'));
  assert.equal(manifest.display, 'standalone');
});

lookupTests(ctx);
claimTests(ctx);
pcsBuilderTests(ctx);

test('copy a code to the clipboard', { timeout: 60_000 }, async () => {
  await openReady(page, server.url);
  await openCode(page, 'E11.9');
  await page.getByRole('button', { name: 'Copy E11.9' }).click();
  await page.waitForFunction(() => document.getElementById('announcer').textContent === 'Copied E11.9');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'E11.9');
});

test('no request left the site: only its own files', { timeout: 30_000 }, async () => {
  assert.ok(browser.requests.length > 5, 'requests were recorded');
  assert.deepEqual(foreignRequests(browser.requests, { origins: [server.origin] }), []);
  assert.deepEqual(browser.errors, [], 'no page errors');
});

test('PWA: Chromium finds the site installable', { timeout: 60_000 }, async () => {
  await openReady(page, server.url);
  await page.waitForFunction(async () => { await navigator.serviceWorker.ready; return Boolean(navigator.serviceWorker.controller); });
  const cdp = await browser.context.newCDPSession(page);
  const manifest = await cdp.send('Page.getAppManifest');
  assert.deepEqual(manifest.errors, []);
  assert.deepEqual((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, []);
  await cdp.detach();
});

test('PWA: with the server stopped, the cached site still answers', { timeout: 90_000 }, async () => {
  await openReady(page, server.url);
  const cached = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    // Wait for this page to be controlled (clients.claim on first install).
    for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 100));
    const keys = await caches.keys();
    const cache = await caches.open(keys.find((k) => k.startsWith('medcode-')));
    return { scope: reg.scope, controlled: Boolean(navigator.serviceWorker.controller), keys, files: (await cache.keys()).map((r) => new URL(r.url).pathname) };
  });
  assert.ok(cached.controlled, 'the service worker controls the page');
  assert.equal(cached.keys.filter((k) => k.startsWith('medcode-')).length, 1, 'one cache per version');
  const onDisk = fs.readdirSync(path.join(DIST, 'www')).filter((f) => f !== 'sw.js').map((f) => `/${f}`).sort();
  assert.deepEqual(cached.files.sort(), onDisk, 'every file of this version is cached');

  await server.stop();
  const before = browser.requests.length;
  await openReady(page, server.url);
  await typeQuery(page, 'atrial fibrillation');
  await page.locator('#search-input').press('Enter');
  await page.waitForSelector('#details h2');
  assert.match(await page.locator('#details h2').first().textContent(), /^I48/);
  // Everything came from the service worker's cache: nothing reached the network.
  const fromNetwork = browser.requests.slice(before).filter((r) => r.serviceWorker);
  assert.deepEqual(fromNetwork.map((r) => r.url), [], 'the service worker went to the network');
});
