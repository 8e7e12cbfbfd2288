// Static server for the browser bench, on 127.0.0.1 only.
//
// Every response carries COOP/COEP (and CORP), so the page is
// crossOriginIsolated and performance.now() has Chromium's fine (5 µs)
// resolution instead of the coarse 100 µs one. Nothing is cached by the
// browser (Cache-Control: no-store), so every load is a cold fetch.
// The server keeps each file's bytes in memory once read (re-read when its
// size or mtime changes), as a static server serves from the page cache:
// the cold load measures the page, not a 12 MB disk read in the same node
// process as the browser driver.
//
//   /page/*        bench/page/          (the bench page)
//   /tmp/*         bench/tmp/           (docs.json, the peer bundles)
//   /wasm/*        $BUILD/wasm/         (medcode.js, medcode_bg.wasm)
//   /medcode.idx   $DIST/medcode.idx
//   /pcs.idx       $DIST/pcs.idx (ICD-10-PCS, attached on first use)
//   /dev.jsonl     the dev set
//
// Standalone: `node bench/server.mjs [port]` (prints the URL).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = process.env.ROOT || path.resolve(HERE, '..');
export const BUILD = process.env.BUILD || path.join(ROOT, 'build');
export const DIST = process.env.DIST || path.join(ROOT, 'dist');
export const DEV_SET = process.env.MEDCODE_DEV_SET || path.resolve(ROOT, '../shared/eval/search-dev.jsonl');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.wasm': 'application/wasm',
  '.idx': 'application/octet-stream',
};

const MOUNTS = [
  ['/page/', path.join(HERE, 'page')],
  ['/tmp/', path.join(HERE, 'tmp')],
  ['/wasm/', path.join(BUILD, 'wasm')],
];

function resolve(urlPath) {
  if (urlPath === '/medcode.idx') return path.join(DIST, 'medcode.idx');
  if (urlPath === '/pcs.idx') return path.join(DIST, 'pcs.idx');
  if (urlPath === '/dev.jsonl') return DEV_SET;
  for (const [prefix, dir] of MOUNTS) {
    if (urlPath.startsWith(prefix)) {
      const file = path.resolve(dir, '.' + urlPath.slice(prefix.length - 1));
      return file.startsWith(dir + path.sep) ? file : null;
    }
  }
  return null;
}

/** path → { mtimeMs, size, body }: file bytes kept once read. */
const bodies = new Map();
function readCached(file, done) {
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) return done(err ?? new Error('not a file'));
    const hit = bodies.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return done(null, hit.body);
    fs.readFile(file, (e, body) => {
      if (e) return done(e);
      bodies.set(file, { mtimeMs: st.mtimeMs, size: st.size, body });
      done(null, body);
    });
  });
}

export function startServer(port = 0) {
  // the big files are read before the first page asks for them
  for (const f of [path.join(DIST, 'medcode.idx'), path.join(BUILD, 'wasm', 'medcode_bg.wasm')]) readCached(f, () => {});
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    const file = resolve(urlPath === '/' ? '/page/index.html' : urlPath);
    readCached(file ?? '', (err, body) => {
      if (err) {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
        res.end(`not found: ${urlPath}\n`);
        return;
      }
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': body.length });
      res.end(body);
    });
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await startServer(Number(process.argv[2] ?? 8099));
  console.log(`bench page: ${url}/page/index.html`);
}
