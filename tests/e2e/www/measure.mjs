#!/usr/bin/env node
// Load time of both page forms in headless Chromium (not part of the test
// run): median of N warm loads, fetch (index bytes in hand, gunzipped),
// instantiate (wasm ready), engine (new MedcodeEngine) and ready (from
// navigation start), in milliseconds.   node tests/e2e/www/measure.mjs [N]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, launchChromium, startServer } from '../lib/browser.mjs';
import { openReady } from './pages.mjs';

const runs = Number(process.argv[2] ?? 7);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const server = await startServer();
const browser = await launchChromium();
try {
  const page = await browser.page();
  for (const [name, url] of [['site (dist/www, service worker)', server.url], ['single file (file://)', pathToFileURL(path.join(DIST, 'medcode.html')).href]]) {
    const all = [];
    await openReady(page, url); // first load: installs the service worker, warms caches
    for (let i = 0; i < runs; i++) all.push((await openReady(page, url)).timings);
    const m = Object.fromEntries(['fetch', 'instantiate', 'engine', 'ready'].map((k) => [k, Math.round(median(all.map((t) => t[k])))]));
    console.log(`${name}: ready ${m.ready} ms (index ${m.fetch}, wasm ${m.instantiate}, engine ${m.engine}; median of ${runs})`);
  }
} finally {
  await browser.close();
  await server.stop();
}
