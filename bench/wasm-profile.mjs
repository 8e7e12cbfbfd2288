// Where medcode's search time goes in Chromium, by Rust function: V8's
// sampling profiler (Chrome DevTools Protocol) over the bench page's dev-set
// queries, self and inclusive shares. A development aid for issue 13; it
// times nothing, and the shares only mean something for a module that kept
// its function names, which the shipped one (wasm-opt) does not:
//
//   cargo build --release --target wasm32-unknown-unknown --no-default-features --features wasm
//   wasm-bindgen --target web --no-typescript --out-dir /tmp/wprof/wasm --out-name medcode \
//     target/wasm32-unknown-unknown/release/medcode.wasm
//   BUILD=/tmp/wprof node bench/wasm-profile.mjs
//
// Needs dist/medcode.idx and bench/tmp/packed-hits.bundle.js (any bench run
// writes it). Set CHROMIUM to the browser if it is not /usr/bin/chromium.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const TOP = Number(process.env.TOP ?? 40);
const { server, url } = await startServer(0);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-wasm-profile-'));
const context = await chromium.launchPersistentContext(dir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${url}/page/index.html`);
  await page.waitForFunction(() => window.benchReady === true);
  await page.evaluate(() => window.bench.loadQueries());
  await page.evaluate(() => window.bench.loadMedcode());
  await page.evaluate(() => window.bench.useMedcodeCall('packed'));
  // Warm: JIT tiers and the engine's caches, as the timed bench does.
  await page.evaluate(() => window.bench.run('medcode', { extraMs: 0, passes: 2 }));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  await page.evaluate(() => window.bench.run('medcode', { extraMs: 0, passes: 8 }));
  const { profile } = await cdp.send('Profiler.stop');

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const samples = new Map();
  for (const id of profile.samples) samples.set(id, (samples.get(id) ?? 0) + 1);
  // Rust's symbol hash is noise here.
  const name = (id) => (byId.get(id).callFrame.functionName || '(anonymous)').replace(/::h[0-9a-f]{16}$/, '');
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  for (const [id, n] of samples) {
    total += n;
    self.set(name(id), (self.get(name(id)) ?? 0) + n);
    const seen = new Set();
    for (let x = id; x !== undefined; x = parent.get(x)) {
      const k = name(x);
      if (!seen.has(k)) {
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + n);
      }
    }
  }
  const table = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([k, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}%  ${k.slice(0, 120)}`)
      .join('\n');
  console.log(`${total} samples\n\nself\n${table(self)}\n\ninclusive\n${table(inclusive)}`);
} finally {
  await context.close();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
