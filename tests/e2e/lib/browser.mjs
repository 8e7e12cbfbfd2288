// Shared e2e helpers: Debian's Chromium through playwright-core, offline,
// with every request recorded; and the static server on a free port.
//   import { launchChromium, startServer, foreignRequests } from '../lib/browser.mjs';
// The flags follow shared/REFERENCE.md section 3 (browser facts on this machine).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DIST = process.env.DIST ?? path.join(ROOT, 'dist');

export const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => fs.existsSync(p));

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--metrics-recording-only',
  // Belt and braces: no host name resolves except the local server's.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

/**
 * A fresh headless Chromium (own --user-data-dir, removed on close).
 * `requests` collects every request the pages and service workers make.
 */
export async function launchChromium({ args = [], viewport = { width: 1280, height: 900 }, colorScheme = 'light', ...options } = {}) {
  if (!CHROMIUM) throw new Error('no Chromium at /usr/lib/chromium/chromium or /usr/bin/chromium: apt-get install chromium');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medcode-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...args],
    viewport,
    colorScheme,
    acceptDownloads: true,
    ...options,
  });
  context.setDefaultTimeout(15_000);
  const requests = [];
  context.on('request', (r) => {
    requests.push({ url: r.url(), type: r.resourceType(), serviceWorker: Boolean(r.serviceWorker()) });
  });
  const errors = [];
  const watch = (page) => {
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: console: ${m.text()}`); });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    requests,
    errors,
    async page() {
      const existing = context.pages().find((p) => p.url() === 'about:blank');
      return existing ?? context.newPage();
    },
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * URLs that left the allowed set: anything not on one of `origins`
 * (e.g. "http://127.0.0.1:41234") and not one of `files` (file:// URLs).
 * data: and blob: URLs are the page's own bytes and allowed.
 */
export function foreignRequests(requests, { origins = [], files = [] } = {}) {
  return requests
    .map((r) => r.url)
    .filter((u) => {
      if (u.startsWith('data:') || u.startsWith('blob:')) return false;
      if (files.includes(u.split('#')[0])) return false;
      try {
        return !origins.includes(new URL(u).origin);
      } catch {
        return true;
      }
    });
}

/** Starts scripts/serve.mjs on a free port (optionally another site folder); resolves to { url, origin, stop() }. */
export async function startServer({ www } = {}) {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/serve.mjs'), '--port', '0', ...(www ? ['--www', www] : [])], {
    env: { ...process.env, ROOT, DIST },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`serve.mjs exited (${code}): ${stderr}`)));
    setTimeout(() => reject(new Error(`serve.mjs printed no URL in 10 s: ${stderr}`)), 10_000).unref();
  });
  return {
    url,
    origin: new URL(url).origin,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** Runs axe-core in the page (CDP evaluate, so the page's CSP does not block it). */
export async function runAxe(page, { exclude = [] } = {}) {
  const source = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(async (excluded) => {
    const result = await globalThis.axe.run(excluded.length ? { exclude: excluded } : document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  }, exclude);
}
