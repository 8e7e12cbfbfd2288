// scripts/serve.mjs (./build.sh serve): the site, the single file and the
// demo pages over plain HTTP, with the headers the site relies on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DIST, startServer } from '../lib/browser.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const get = (p) => fetch(new URL(p, server.url), { redirect: 'manual' });

test('serves the site with versioned files cached for good and the page revalidated', async () => {
  const index = await get('/');
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const html = await index.text();
  const wasm = /href="(medcode\.[0-9a-f]+\.wasm)"/.exec(html)[1];
  const res = await get(`/${wasm}`);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
  assert.match(res.headers.get('cache-control'), /immutable/);
  assert.equal(Number(res.headers.get('content-length')), fs.statSync(path.join(DIST, 'www', wasm)).size);
  assert.equal((await get('/sw.js')).headers.get('cache-control'), 'no-cache');
  assert.match((await get('/manifest.webmanifest')).headers.get('content-type'), /^application\/manifest\+json/);
  assert.equal((await get('/medcode.html')).status, 200);
});

test('serves the demo pages, their generated form and the cross-origin frame', { timeout: 60_000 }, async () => {
  assert.match(await (await get('/demo/')).text(), /medcode demo pages/);
  assert.equal((await get('/demo')).status, 301);
  const bundle = await get('/demo/cms1500.bundle.js');
  assert.equal(bundle.status, 200, await bundle.clone().text());
  assert.match(bundle.headers.get('content-type'), /javascript/);
  const csp = await get('/demo/cms1500-csp.html');
  assert.equal(csp.headers.get('content-security-policy'), "default-src 'none'");
  const frames = await (await get('/demo/frames.html')).text();
  const alt = /id="cross" src="(http:\/\/127\.0\.0\.1:\d+)\/demo\/frame-form\.html"/.exec(frames);
  assert.ok(alt, 'the cross-origin frame points at the second port');
  assert.notEqual(alt[1], server.origin);
  assert.equal((await fetch(`${alt[1]}/demo/frame-form.html`)).status, 200);
});

test('refuses paths outside the served folders and other methods', async () => {
  for (const p of ['/%2e%2e/build.sh', '/..%2f..%2fetc/passwd', '/demo/src/cms1500-main.jsx', '/demo/demo-assets.mjs', '/nope.js']) {
    assert.equal((await get(p)).status, 404, p);
  }
  assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
});
