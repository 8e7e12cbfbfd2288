#!/usr/bin/env node
// Builds the offline page in its two forms from www/ (run by scripts/build-www.sh):
//   dist/www/           static site: index.html, versioned wasm/index/js/css,
//                       service worker (sw.js) and web app manifest
//   dist/medcode.html   one self-contained file: no-modules glue inline,
//                       wasm and index embedded as base64 of their gzip
// Inputs: build/wasm (--target web glue), build/wasm-nomodules, dist/medcode.idx.
// Skips all work when no input changed since the last build.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { ICON_SVG, iconPng } from './icons.mjs';
import { gzip9 } from './gzip.mjs';

const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = process.env.ROOT ?? path.resolve(WWW, '..');
const BUILD = process.env.BUILD ?? path.join(ROOT, 'build');
const DIST = process.env.DIST ?? path.join(ROOT, 'dist');
const SINGLE_FILE_LIMIT = 8_000_000; // bytes: "under 8 MB" with room to spare
const TARGET = ['es2022', 'chrome111', 'firefox115', 'safari16.4'];

const IN = {
  webGlue: path.join(BUILD, 'wasm/medcode.js'),
  webWasm: path.join(BUILD, 'wasm/medcode_bg.wasm'),
  nmGlue: path.join(BUILD, 'wasm-nomodules/medcode.js'),
  nmWasm: path.join(BUILD, 'wasm-nomodules/medcode_bg.wasm'),
  index: path.join(DIST, 'medcode.idx'),
};
// NCCI PTP edits (ncci.ptp), when the build produced them: optional.
const NCCI = path.join(DIST, 'ncci.idx');
// ICD-10-PCS (the builder), when the build produced it: optional, loaded on first use.
const PCS = path.join(DIST, 'pcs.idx');
// MS-DRG CC/MCC, CC exclusions and HCCs (chips, details, claim summary): optional, loaded on first use.
const SEVERITY = path.join(DIST, 'severity.idx');
const OUT_SITE = path.join(DIST, 'www');
const OUT_SINGLE = path.join(DIST, 'medcode.html');
const WORK = path.join(BUILD, 'www');

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const short = (buf) => sha256(buf).slice(0, 12);
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const log = (msg) => process.stderr.write(`   www: ${msg}\n`);

function die(msg) {
  process.stderr.write(`build-www: ${msg}\n`);
  process.exit(1);
}

function listFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (p === path.join(WWW, 'demo') || e.name === 'node_modules') continue;
      out.push(...listFiles(p));
    } else out.push(p);
  }
  return out.sort();
}

for (const [name, file] of Object.entries(IN)) {
  if (!fs.existsSync(file)) die(`missing ${path.relative(ROOT, file)} (${name}): run ./build.sh first`);
}

// ---- up to date? ------------------------------------------------------------
fs.mkdirSync(WORK, { recursive: true });
const inputs = [...Object.values(IN), ...(fs.existsSync(NCCI) ? [NCCI] : []), ...(fs.existsSync(PCS) ? [PCS] : []), ...(fs.existsSync(SEVERITY) ? [SEVERITY] : []), ...listFiles(WWW), ...listFiles(path.join(ROOT, 'types')), ...listFiles(path.join(ROOT, 'web-shared'))];
const stampHash = createHash('sha256');
for (const f of inputs) stampHash.update(f).update(fs.readFileSync(f));
const stamp = stampHash.digest('hex');
const stampFile = path.join(WORK, 'stamp');
if (
  !process.argv.includes('--force') && process.env.CI !== 'true' &&
  fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp &&
  fs.existsSync(path.join(OUT_SITE, 'index.html')) && fs.existsSync(OUT_SINGLE)
) {
  log('up to date');
  process.exit(0);
}

// ---- shared inputs ----------------------------------------------------------
const template = fs.readFileSync(path.join(WWW, 'index.html'), 'utf8')
  .replace(/^<!doctype html>\n<!--[\s\S]*?-->\n/i, '<!doctype html>\n');
const css = fs.readFileSync(path.join(WWW, 'styles.css'));
const indexRaw = fs.readFileSync(IN.index);
const webWasm = fs.readFileSync(IN.webWasm);
const nmWasm = fs.readFileSync(IN.nmWasm);

/** gzip -9 of a file, cached by content hash (the index takes a second). */
function gzipCached(buf, name) {
  const file = path.join(WORK, `${name}.${sha256(buf)}.gz9`);
  if (fs.existsSync(file)) return fs.readFileSync(file);
  for (const old of fs.readdirSync(WORK)) if (old.startsWith(`${name}.`) && (old.endsWith('.gz') || old.endsWith('.gz9'))) fs.rmSync(path.join(WORK, old));
  const gz = gzip9(buf);
  fs.writeFileSync(file, gz);
  return gz;
}
const indexGz = gzipCached(indexRaw, 'medcode.idx');
const ncciRaw = fs.existsSync(NCCI) ? fs.readFileSync(NCCI) : null;
const ncciGz = ncciRaw ? gzipCached(ncciRaw, 'ncci.idx') : null;
const pcsRaw = fs.existsSync(PCS) ? fs.readFileSync(PCS) : null;
const pcsGz = pcsRaw ? gzipCached(pcsRaw, 'pcs.idx') : null;
const sevRaw = fs.existsSync(SEVERITY) ? fs.readFileSync(SEVERITY) : null;
const sevGz = sevRaw ? gzipCached(sevRaw, 'severity.idx') : null;

const cspHash = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

// Applies a remembered theme before the first paint (the app script runs
// late, after the single file's embedded data): allowed by its CSP hash.
const THEME_BOOT = "try{var t=localStorage.getItem('medcode.theme');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}";

async function bundle(entry, format, define) {
  const result = await esbuild.build({
    entryPoints: [path.join(WWW, 'src', entry)],
    bundle: true,
    format,
    target: TARGET,
    platform: 'browser',
    write: false,
    charset: 'utf8',
    legalComments: 'none',
    minifySyntax: true,
    minifyWhitespace: true,
    alias: { 'medcode-glue-web': IN.webGlue },
    define: Object.fromEntries(Object.entries(define).map(([k, v]) => [k, JSON.stringify(v)])),
    logLevel: 'warning',
  });
  return Buffer.from(result.outputFiles[0].contents);
}

function fill(html, { csp, version, head, body }) {
  const out = html
    .replace('__CSP__', csp)
    .replace('__VERSION__', version)
    .replace('<!-- medcode:head -->', () => head)
    .replace('<!-- medcode:body -->', () => body);
  if (out.includes('__CSP__') || out.includes('medcode:body')) die('template placeholders left over');
  return out;
}

// ---- dist/www ---------------------------------------------------------------
async function buildSite() {
  const files = new Map(); // name -> contents
  const wasmName = `medcode.${short(webWasm)}.wasm`;
  const indexName = `medcode.${short(indexRaw)}.idx.gz`;
  files.set(wasmName, webWasm);
  files.set(indexName, indexGz);
  const ncciName = ncciRaw ? `ncci.${short(ncciRaw)}.idx.gz` : null;
  if (ncciName) files.set(ncciName, ncciGz);
  const pcsName = pcsRaw ? `pcs.${short(pcsRaw)}.idx.gz` : null;
  if (pcsName) files.set(pcsName, pcsGz);
  const sevName = sevRaw ? `severity.${short(sevRaw)}.idx.gz` : null;
  if (sevName) files.set(sevName, sevGz);
  const app = await bundle('entry-site.ts', 'esm', { MEDCODE_ASSETS: { wasm: wasmName, index: indexName, ncci: ncciName, pcs: pcsName, severity: sevName } });
  const appName = `app.${short(app)}.js`;
  files.set(appName, app);
  const cssName = `styles.${short(css)}.css`;
  files.set(cssName, css);
  files.set('icon.svg', Buffer.from(ICON_SVG));
  files.set('icon-192.png', iconPng(192));
  files.set('icon-512.png', iconPng(512));
  const manifest = {
    id: './',
    name: 'medcode: code lookup and claim checker',
    short_name: 'medcode',
    description: 'Offline ICD-10-CM and HCPCS Level II lookup and CMS-1500 claim checks.',
    start_url: './',
    scope: './',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: '#0b57d0',
    icons: [
      { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
      { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
    ],
  };
  files.set('manifest.webmanifest', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));

  const csp = [
    "default-src 'none'", `script-src 'self' ${cspHash(THEME_BOOT)} 'wasm-unsafe-eval'`, "style-src 'self'",
    "img-src 'self' data:", "connect-src 'self'", "manifest-src 'self'", "worker-src 'self'",
    "base-uri 'none'", "form-action 'none'",
  ].join('; ');
  const page = (version) => fill(template, {
    csp,
    version,
    head: [
      `<script>${THEME_BOOT}</script>`,
      `<meta name="theme-color" content="#0b57d0">`,
      `<link rel="stylesheet" href="${cssName}">`,
      `<link rel="manifest" href="manifest.webmanifest">`,
      `<link rel="icon" href="icon.svg" type="image/svg+xml">`,
      `<link rel="apple-touch-icon" href="icon-192.png">`,
      // Start both big downloads at once, before the script is parsed.
      `<link rel="preload" href="${wasmName}" as="fetch" type="application/wasm" crossorigin="anonymous">`,
      `<link rel="preload" href="${indexName}" as="fetch" crossorigin="anonymous">`,
      ncciName ? `<link rel="preload" href="${ncciName}" as="fetch" crossorigin="anonymous">` : '',
    ].filter(Boolean).join('\n'),
    body: `<script type="module" src="${appName}"></script>`,
  });
  // The version covers every byte of the page and of the files it uses, so
  // any change makes a new sw.js, which is how browsers notice an update.
  const version = short(Buffer.from([page(''), ...[...files.entries()].map(([n, c]) => `${n}:${sha256(c)}`)].join('\n')));
  files.set('index.html', Buffer.from(page(version)));
  const sw = await bundle('sw.ts', 'iife', { MEDCODE_VERSION: version, MEDCODE_FILES: [...files.keys()] });
  files.set('sw.js', sw);

  const tmp = `${OUT_SITE}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  for (const [name, contents] of files) fs.writeFileSync(path.join(tmp, name), contents);
  fs.rmSync(OUT_SITE, { recursive: true, force: true });
  fs.renameSync(tmp, OUT_SITE);
  const total = [...files.values()].reduce((n, c) => n + c.length, 0);
  log(`dist/www/ ${files.size} files, ${kb(total)} (version ${version}; index ${kb(indexGz.length)} gzip${ncciGz ? `, NCCI ${kb(ncciGz.length)}` : ', no NCCI table'}${sevGz ? `, severity ${kb(sevGz.length)}` : ''})`);
}

// ---- dist/medcode.html --------------------------------------------------------

function base64Block(buf) {
  // Lines of 76 so editors and mail tools cope with the file.
  const b64 = buf.toString('base64');
  const lines = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\n');
}

async function buildSingle() {
  const glue = fs.readFileSync(IN.nmGlue, 'utf8').trim();
  const app = (await bundle('entry-single.ts', 'iife', {})).toString('utf8').trim();
  const boot = (await bundle('entry-embedded.ts', 'iife', {})).toString('utf8').trim();
  // after each block: start decoding it while the parser reads on (www/src/embedded.ts)
  const take = (id) => `medcodeEmbedded.take(${JSON.stringify(id)})`;
  const style = css.toString('utf8');
  for (const [name, text] of [['glue', glue], ['app', app], ['boot', boot], ['css', style]]) {
    if (/<\/(script|style)/i.test(text)) die(`${name} contains a closing tag and cannot be inlined`);
  }
  const version = short(Buffer.from([template, style, app, glue, sha256(nmWasm), sha256(indexRaw), ncciRaw ? sha256(ncciRaw) : '', pcsRaw ? sha256(pcsRaw) : '', sevRaw ? sha256(sevRaw) : ''].join('\n')));
  const scripts = [THEME_BOOT, boot, take('medcode-index'), take('medcode-wasm'), glue, app];
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(cspHash).join(' ')} 'wasm-unsafe-eval'`,
    `style-src ${cspHash(style)}`,
    'img-src data:', "base-uri 'none'", "form-action 'none'",
  ].join('; ');
  const icon = `data:image/svg+xml,${encodeURIComponent(ICON_SVG.trim())}`;
  const html = fill(template, {
    csp,
    version,
    head: `<script>${THEME_BOOT}</script>\n<link rel="icon" href="${icon}" type="image/svg+xml">\n<style>${style}</style>`,
    body: [
      '<!-- The engine (WebAssembly) and the code index, gzip then base64; each is',
      '     decoded from the moment it is parsed. NCCI and PCS follow the app: needed later. -->',
      `<script>${boot}</script>`,
      // the index first: gunzipping it is the longest step; the wasm compiles meanwhile
      `<script type="application/octet-stream" id="medcode-index">\n${base64Block(indexGz)}\n</script>`,
      `<script>${take('medcode-index')}</script>`,
      `<script type="application/octet-stream" id="medcode-wasm">\n${base64Block(gzipCached(nmWasm, 'medcode_bg.wasm'))}\n</script>`,
      `<script>${take('medcode-wasm')}</script>`,
      `<script>${glue}</script>`,
      `<script>${app}</script>`,
      ncciGz ? `<script type="application/octet-stream" id="medcode-ncci">\n${base64Block(ncciGz)}\n</script>` : '',
      pcsGz ? `<script type="application/octet-stream" id="medcode-pcs">\n${base64Block(pcsGz)}\n</script>` : '',
      sevGz ? `<script type="application/octet-stream" id="medcode-severity">\n${base64Block(sevGz)}\n</script>` : '',
    ].filter(Boolean).join('\n'),
  });
  const bytes = Buffer.byteLength(html);
  if (bytes >= SINGLE_FILE_LIMIT) die(`dist/medcode.html is ${bytes} bytes: over the ${SINGLE_FILE_LIMIT}-byte limit`);
  fs.writeFileSync(`${OUT_SINGLE}.tmp`, html);
  fs.renameSync(`${OUT_SINGLE}.tmp`, OUT_SINGLE);
  log(`dist/medcode.html ${kb(bytes)} (limit ${kb(SINGLE_FILE_LIMIT)})`);
}

await buildSite();
await buildSingle();
fs.writeFileSync(stampFile, stamp);
