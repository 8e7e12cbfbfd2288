#!/usr/bin/env node
// Serves the offline site and the demo pages, for trying medcode in a minute
// and for the e2e tests. Plain node:http, no dependencies.
//   node scripts/serve.mjs [--port N] [--host H] [--www DIR]   (./build.sh serve)
//     /            dist/www/   (the site; installable, works offline after one visit)
//     /demo/       www/demo/   (the claim-form pages the extension tests use; a
//                              second port serves them for the cross-origin frame)
//     /medcode.html            dist/medcode.html (the single-file form)
// --port 0 picks a free port; --www serves another build of the site (tests).
// The first line on stdout is the URL.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = process.env.ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = process.env.DIST ?? path.join(ROOT, 'dist');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const port = Number(arg('port', process.env.PORT ?? 8080));
const host = arg('host', '127.0.0.1');
const siteDir = path.resolve(arg('www', path.join(DIST, 'www')));

const MOUNTS = [
  { prefix: '/demo/', dir: path.join(ROOT, 'www/demo') },
  { prefix: '/medcode.html', file: path.join(DIST, 'medcode.html') },
  { prefix: '/', dir: siteDir },
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
  '.idx': 'application/octet-stream',
};

// Demo pages built on request by www/demo/demo-assets.mjs (esbuild and React,
// dev dependencies): loaded only when a demo page asks, so the site itself
// needs nothing but node.
let demoAssets = null;
function generated(urlPath) {
  const which = { '/demo/cms1500.bundle.js': 'bundle', '/demo/cms1500-csp.html': 'csp', '/demo/openmrs-visitnote.bundle.js': 'openmrs', '/demo/react-dx-picker.bundle.js': 'reactDx', '/demo/hospitalrun-diagnosis.bundle.js': 'hospitalrun' }[urlPath];
  if (!which) return null;
  demoAssets ??= import(pathToFileURL(path.join(ROOT, 'www/demo/demo-assets.mjs')).href)
    .then(async (m) => ({ bundle: await m.bundleCms1500(), csp: await m.renderCspForm(), openmrs: await m.bundleOpenmrsVisitNote(), reactDx: await m.bundleReactDxPicker(), hospitalrun: await m.bundleHospitalRunDiagnosis() }));
  return demoAssets.then((a) => (which !== 'csp'
    ? { type: TYPES['.js'], body: a[which] }
    : { type: TYPES['.html'], body: a.csp, headers: { 'content-security-policy': "default-src 'none'" } }));
}

/** The file for a URL path, or null; never outside the mounted folders. */
function resolve(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  for (const m of MOUNTS) {
    if (m.file) {
      if (decoded === m.prefix) return m.file;
      continue;
    }
    if (decoded === m.prefix.slice(0, -1) && m.prefix !== '/') return { redirect: m.prefix };
    if (!decoded.startsWith(m.prefix)) continue;
    const rel = decoded.slice(m.prefix.length);
    const file = path.resolve(m.dir, rel);
    if (file !== m.dir && !file.startsWith(m.dir + path.sep)) return null;
    if (m.prefix === '/demo/' && /^(src\/|demo-assets\.mjs$)/.test(rel)) return null;
    return file;
  }
  return null;
}

const origins = { main: '', alt: '' };

async function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const made = generated(url.pathname);
  if (made) {
    try {
      const { type, body, headers = {} } = await made;
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', ...headers }).end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`serve: could not build ${url.pathname}: ${e.message}\n`);
    }
    return;
  }
  let target = resolve(url.pathname);
  if (target && typeof target === 'object') {
    res.writeHead(301, { location: target.redirect }).end();
    return;
  }
  try {
    if (target && fs.statSync(target).isDirectory()) target = path.join(target, 'index.html');
  } catch {
    /* not found below */
  }
  let stat;
  try {
    stat = target ? fs.statSync(target) : null;
  } catch {
    stat = null;
  }
  if (!target || !stat || !stat.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: ${url.pathname}\n`);
    return;
  }
  const base = path.basename(target);
  // The demo pages name the other origin for their cross-origin frame.
  let body = null;
  if (url.pathname.startsWith('/demo/') && base.endsWith('.html')) {
    const here = `http://${req.headers.host}`;
    const other = here === origins.alt ? origins.main : origins.alt;
    body = Buffer.from(fs.readFileSync(target, 'utf8').replaceAll('__ALT_ORIGIN__', `${other}/demo`).replaceAll('__ORIGIN__', here));
  }
  // Versioned names (name.<hash>.ext) never change: cache for a year.
  const immutable = /\.[0-9a-f]{10,}\./.test(base);
  res.writeHead(200, {
    'content-type': TYPES[path.extname(base)] ?? 'application/octet-stream',
    'content-length': body ? body.length : stat.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (body) {
    res.end(body);
    return;
  }
  fs.createReadStream(target).pipe(res);
}

const onRequest = (req, res) => {
  handle(req, res).catch((e) => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`serve: ${e.message}\n`);
  });
};
const server = http.createServer(onRequest);
const altServer = http.createServer(onRequest);

server.on('error', (e) => {
  console.error(`serve: ${e.code === 'EADDRINUSE' ? `port ${port} is in use: pass --port N (0 picks a free one)` : e.message}`);
  process.exit(1);
});

server.listen(port, host, () => altServer.listen(0, host, () => {
  const { port: actual } = server.address();
  const base = `http://${host}:${actual}/`;
  origins.main = `http://${host}:${actual}`;
  origins.alt = `http://${host}:${altServer.address().port}`;
  console.log(base);
  if (!fs.existsSync(path.join(siteDir, 'index.html'))) console.error(`serve: ${siteDir} has no index.html: run ./build.sh`);
  console.error(`medcode: the site at ${base}, the single file at ${base}medcode.html, the demo pages at ${base}demo/ (cross-origin frames from ${origins.alt}) (Ctrl+C stops)`);
}));

// Stop at once: browsers keep idle connections open, which would hold close().
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const srv of [server, altServer]) {
      srv.close();
      srv.closeAllConnections();
    }
    process.exit(0);
  });
}
