// The service worker's promise: a cached page never meets a newer index.
// Serves build A, lets the service worker cache it, swaps the server to
// build B (new version, new index name), and checks that the open site keeps
// running A from its cache until the user accepts the update, then runs B.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DIST, foreignRequests, launchChromium, startServer } from '../lib/browser.mjs';
import { openReady } from './pages.mjs';

let tmp;
let server;
let browser;
const builds = {};

/** A copy of dist/www renamed as another build: new version, new index and app file names. */
function makeBuild(dir, from, to) {
  fs.cpSync(from.dir, dir, { recursive: true });
  for (const [a, b] of [[from.index, to.index], [from.app, to.app]]) fs.renameSync(path.join(dir, a), path.join(dir, b));
  for (const name of ['index.html', 'sw.js', to.app]) {
    const file = path.join(dir, name);
    let text = fs.readFileSync(file, 'utf8');
    for (const k of ['version', 'index', 'app']) text = text.split(from[k]).join(to[k]);
    fs.writeFileSync(file, text);
  }
}

function describe(dir) {
  const files = fs.readdirSync(dir);
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  return {
    dir,
    version: /name="medcode-version" content="([0-9a-f]+)"/.exec(html)[1],
    index: files.find((f) => /^medcode\.[0-9a-f]+\.idx\.gz$/.test(f)),
    app: files.find((f) => /^app\.[0-9a-f]+\.js$/.test(f)),
  };
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-pwa-'));
  const dirA = path.join(tmp, 'A');
  fs.cpSync(path.join(DIST, 'www'), dirA, { recursive: true });
  builds.A = describe(dirA);
  const flip = (s) => s.replace(/[0-9a-f]/g, (c) => ((parseInt(c, 16) + 7) % 16).toString(16));
  const B = { dir: path.join(tmp, 'B'), version: flip(builds.A.version), index: builds.A.index.replace(/\.([0-9a-f]+)\./, (_, h) => `.${flip(h)}.`), app: builds.A.app.replace(/\.([0-9a-f]+)\./, (_, h) => `.${flip(h)}.`) };
  makeBuild(B.dir, builds.A, B);
  builds.B = describe(B.dir);
  fs.symlinkSync(dirA, path.join(tmp, 'current'));
  server = await startServer({ www: path.join(tmp, 'current') });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const loadedIndex = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname.slice(1)).filter((n) => n.startsWith('medcode.') && n.endsWith('.idx.gz')));
const pageVersion = (page) => page.evaluate(() => document.querySelector('meta[name="medcode-version"]').content);

test('an open site keeps its cached version and index until the user accepts the update', { timeout: 90_000 }, async () => {
  const { A, B } = builds;
  assert.notEqual(A.version, B.version);
  const page = await browser.page();
  await openReady(page, server.url);
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return Boolean(navigator.serviceWorker.controller);
  }, null, { timeout: 30_000 });
  assert.equal(await pageVersion(page), A.version);

  // The server now has build B.
  fs.rmSync(path.join(tmp, 'current'));
  fs.symlinkSync(B.dir, path.join(tmp, 'current'));

  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.state === 'ready');
  assert.equal(await pageVersion(page), A.version, 'the cached page is served');
  assert.deepEqual(await loadedIndex(page), [A.index], 'with its own index');

  // Build B installs in the background and is offered, not forced.
  const banner = page.locator('#update-banner');
  await banner.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await banner.textContent(), /newer version/);
  assert.equal(await pageVersion(page), A.version);

  await Promise.all([
    page.waitForEvent('load', { timeout: 30_000 }),
    banner.getByRole('button', { name: 'Reload to use it' }).click(),
  ]);
  await page.waitForFunction(() => document.documentElement.dataset.state === 'ready');
  assert.equal(await pageVersion(page), B.version, 'after the reload: build B');
  assert.deepEqual(await loadedIndex(page), [B.index]);
  const caches = await page.evaluate(() => caches.keys());
  assert.deepEqual(caches.filter((k) => k.startsWith('medcode-')), [`medcode-${B.version}`], 'the old version is gone');
  assert.deepEqual(foreignRequests(browser.requests, { origins: [server.origin] }), []);
  assert.deepEqual(browser.errors, []);
});
