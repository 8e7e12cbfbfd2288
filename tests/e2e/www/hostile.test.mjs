// The WebAssembly engine called with hostile JavaScript values (issue 11):
// getters that throw, Proxies (throwing and revoked), sparse arrays with a
// huge length, wrong types and cyclic objects. Each call must throw a clear
// TypeError/RangeError or answer, quickly, and afterwards the engine must
// still answer every call — search, lookup, validateClaim, validateField,
// attachNcci — and free() must work (a JS exception that unwound through the
// borrow wasm-bindgen holds used to leave attachNcci and free refusing).
//
// The page is served by Playwright routes from build/wasm (the --target web
// glue) and dist/*.idx, on an origin of its own: nothing leaves the machine.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DIST, ROOT, launchChromium } from '../lib/browser.mjs';

const BUILD = process.env.BUILD ?? path.join(ROOT, 'build');
const ORIGIN = 'http://medcode-hostile.test';
const FILES = {
  '/': ['text/html', Buffer.from('<!doctype html><meta charset="utf-8"><title>hostile values</title><body>hostile values</body>')],
  '/medcode.js': ['text/javascript', path.join(BUILD, 'wasm/medcode.js')],
  '/medcode_bg.wasm': ['application/wasm', path.join(BUILD, 'wasm/medcode_bg.wasm')],
  '/medcode.idx': ['application/octet-stream', path.join(DIST, 'medcode.idx')],
  '/ncci.idx': ['application/octet-stream', path.join(DIST, 'ncci.idx')],
  '/pcs.idx': ['application/octet-stream', path.join(DIST, 'pcs.idx')],
  '/severity.idx': ['application/octet-stream', path.join(DIST, 'severity.idx')],
  '/cpt.txt': ['text/plain', path.join(ROOT, 'tests/fixtures/userdata/cpt_synthetic.txt')],
  '/favicon.ico': ['image/x-icon', Buffer.alloc(0)],
};

let browser;
let page;

before(async () => {
  for (const [, file] of Object.values(FILES)) {
    if (typeof file === 'string') assert.ok(fs.existsSync(file), `${file} is not built: run ./build.sh`);
  }
  browser = await launchChromium();
  page = await browser.page();
  await page.route(`${ORIGIN}/**`, (route) => {
    const entry = FILES[new URL(route.request().url()).pathname];
    if (!entry) return route.fulfill({ status: 404, body: 'not found' });
    const [contentType, body] = entry;
    return route.fulfill({ status: 200, contentType, body: typeof body === 'string' ? fs.readFileSync(body) : body });
  });
  await page.goto(`${ORIGIN}/`);
});

after(async () => { await browser?.close(); });

test('hostile values get clear errors and leave the engine fully usable, attachNcci and free included', { timeout: 120_000 }, async () => {
  const r = await page.evaluate(async () => {
    const m = await import('/medcode.js');
    await m.default({ module_or_path: '/medcode_bg.wasm' });
    const bytes = async (p) => new Uint8Array(await (await fetch(p)).arrayBuffer());
    const [index, ncci] = [await bytes('/medcode.idx'), await bytes('/ncci.idx')];
    const [pcs, severity, cpt] = [await bytes('/pcs.idx'), await bytes('/severity.idx'), await bytes('/cpt.txt')];
    const engine = new m.MedcodeEngine(index);
    const out = {};
    const attempt = (name, f) => {
      const t = performance.now();
      let result;
      try {
        const v = f();
        result = { ok: true, value: v === undefined ? 'undefined' : JSON.parse(JSON.stringify(v)) };
      } catch (e) {
        let type = 'unknown';
        let message = '';
        try { type = e?.constructor?.name ?? typeof e; message = String(e?.message ?? e); } catch { /* hostile error */ }
        result = { ok: false, type, message };
      }
      result.ms = performance.now() - t;
      out[name] = result;
    };
    const claim = { diagnoses: ['E11.9', 'I10'], service_lines: [{ from: '2026-03-10', code: '99213', diagnosis_pointers: ['A'] }] };

    // Wrong types.
    attempt('search(123)', () => engine.search(123));
    attempt('search({})', () => engine.search({}));
    attempt('search(undefined)', () => engine.search(undefined));
    attempt('search system 5', () => engine.search('fracture', 5));
    attempt('search limit "x"', () => engine.search('fracture', 'icd10cm', 'x'));
    attempt('lookup(5)', () => engine.lookup(5));
    attempt('lookup(Symbol)', () => engine.lookup(Symbol('x')));
    attempt('validateClaim today 20260601', () => engine.validateClaim(claim, 20260601));
    attempt('validateClaim(42)', () => engine.validateClaim(42));
    attempt('validateClaim([])', () => engine.validateClaim([]));
    attempt('validateField(7, ...)', () => engine.validateField(7, 'E11.9'));
    attempt('validateField value {}', () => engine.validateField('dx', {}));
    attempt('new MedcodeEngine("x")', () => new m.MedcodeEngine('x'));
    // The chunked loader (web-shared/index-stream.ts): wrong chunks, too many
    // bytes, a damaged index; the good one, fed in odd pieces, loads.
    attempt('IndexLoader push("x")', () => new m.IndexLoader(NaN).push('x'));
    attempt('IndexLoader past 64 MB', () => { const l = new m.IndexLoader(-1); const mb = new Uint8Array(1 << 20); for (let i = 0; i < 65; i++) l.push(mb); });
    attempt('IndexLoader junk', () => { const l = new m.IndexLoader(1e300); l.push(new Uint8Array([1, 2, 3])); return l.finish(); });
    attempt('IndexLoader damaged index', () => {
      const l = new m.IndexLoader(index.length);
      const bad = index.slice();
      bad[bad.length >> 1] ^= 0x55;
      for (let at = 0; at < bad.length; at += 70_001) l.push(bad.subarray(at, at + 70_001));
      return l.finish();
    });
    // A chunk that is a view of the engine's own memory: making room for it
    // grows that memory, which detaches the view; a clear error, and the
    // loader's spare capacity (copied into unfilled) never counts as bytes.
    // (A second instance, whose memory is small: any room made grows it.)
    const m2 = await import('/medcode.js?second-instance');
    const wasm2 = await m2.default({ module_or_path: '/medcode_bg.wasm' });
    attempt('IndexLoader a view of its own memory', () => new m2.IndexLoader(0).push(new Uint8Array(wasm2.memory.buffer)));
    attempt('IndexLoader good index', () => {
      const l = new m.IndexLoader(0);
      for (let at = 0; at < index.length; at += 333_333) l.push(index.subarray(at, at + 333_333));
      const e = l.finish();
      const hit = e.search('type 2 diabetes', 'icd10cm', 1)[0]?.code;
      e.free();
      return hit;
    });
    attempt('attachNcci(123)', () => engine.attachNcci(123));
    attempt('attachNcci(junk bytes)', () => engine.attachNcci(new Uint8Array([1, 2, 3])));
    attempt('search 1 MB', () => engine.search('fracture '.repeat(120_000)));

    // Getters that throw, at every level.
    attempt('getter on claim', () => engine.validateClaim({ get diagnoses() { throw new Error('boom'); } }, '2026-06-01'));
    attempt('getter on a line', () => engine.validateClaim({ service_lines: [{ get code() { throw new Error('boom'); } }] }, '2026-06-01'));
    attempt('getter on an array element', () => {
      const dx = ['E11.9'];
      Object.defineProperty(dx, 1, { get() { throw new Error('boom'); }, enumerable: true });
      return engine.validateClaim({ diagnoses: dx }, '2026-06-01');
    });
    attempt('getter on array length', () => engine.validateClaim({ diagnoses: new Proxy(['E11.9'], { get(t, k) { if (k === 'length') throw new Error('len'); return t[k]; } }) }, '2026-06-01'));
    attempt('getter on options', () => engine.validateClaim(claim, '2026-06-01', { get profile() { throw new Error('boom'); } }));
    attempt('getter on field context', () => engine.validateField('dx', 'E11.9', { get date_of_service() { throw new Error('boom'); } }));
    attempt('throws a non-Error', () => engine.validateClaim({ get patient() { throw 42; } }, '2026-06-01'));

    // Proxies.
    const trap = () => { throw new Error('trap'); };
    const evil = new Proxy({}, { get: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
    attempt('throwing Proxy claim', () => engine.validateClaim(evil, '2026-06-01'));
    attempt('throwing Proxy as diagnoses', () => engine.validateClaim({ diagnoses: evil }, '2026-06-01'));
    attempt('throwing Proxy as context', () => engine.validateField('dx', 'E11.9', evil));
    attempt('throwing Proxy as query', () => engine.search(evil));
    attempt('throwing Proxy as NCCI bytes', () => engine.attachNcci(evil));
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    attempt('revoked Proxy claim', () => engine.validateClaim(revocable.proxy, '2026-06-01'));
    attempt('revoked Proxy as options', () => engine.validateClaim(claim, '2026-06-01', revocable.proxy));
    attempt('Proxy claim that answers', () => engine.validateClaim(new Proxy(claim, {}), '2026-06-01'));
    const patched = new Uint8Array(ncci);
    Object.defineProperty(patched, 'length', { get: trap });
    attempt('Uint8Array with a throwing length', () => engine.attachNcci(patched));

    // Sparse arrays.
    const sparse = [];
    sparse.length = 1e7;
    attempt('sparse diagnoses 1e7', () => engine.validateClaim({ diagnoses: sparse }, '2026-06-01'));
    const lines = [];
    lines.length = 4e9;
    attempt('sparse service_lines 4e9', () => engine.validateClaim({ service_lines: lines }, '2026-06-01'));
    const mods = [];
    mods.length = 1e6;
    attempt('sparse modifiers 1e6', () => engine.validateClaim({ service_lines: [{ code: '99213', modifiers: mods }] }, '2026-06-01'));
    const small = [];
    small.length = 20;
    attempt('sparse diagnoses 20', () => engine.validateClaim({ diagnoses: small }, '2026-06-01'));

    // Cyclic objects.
    const cyclic = { diagnoses: ['E11.9'] };
    cyclic.self = cyclic;
    cyclic.patient = cyclic;
    cyclic.service_lines = [cyclic];
    attempt('cyclic claim', () => engine.validateClaim(cyclic, '2026-06-01'));
    const loopList = ['E11.9'];
    loopList.push(loopList);
    attempt('cyclic diagnoses', () => engine.validateClaim({ diagnoses: loopList }, '2026-06-01'));
    attempt('huge string diagnosis', () => engine.validateClaim({ diagnoses: ['E11.9'.repeat(1e6)] }, '2026-06-01'));

    // The newer calls: ICD-10-PCS, severity, user data (issue 11).
    attempt('attachPcs(123)', () => engine.attachPcs(123));
    attempt('attachPcs(throwing Proxy)', () => engine.attachPcs(evil));
    attempt('attachSeverity({})', () => engine.attachSeverity({}));
    attempt('attachSeverity(junk bytes)', () => engine.attachSeverity(new Uint8Array([1, 2, 3])));
    attempt('attachPcs(real)', () => engine.attachPcs(pcs));
    attempt('attachSeverity(real)', () => engine.attachSeverity(severity));
    attempt('pcsLookup(5)', () => engine.pcsLookup(5));
    attempt('pcsLookup(throwing Proxy)', () => engine.pcsLookup(evil));
    attempt('pcsLookup date 20261001', () => engine.pcsLookup('0DTJ4ZZ', 20261001));
    attempt('pcsNext({})', () => engine.pcsNext({}));
    attempt('pcsNext date Proxy', () => engine.pcsNext('0DT', evil));
    attempt('pcsNext non-PCS characters', () => engine.pcsNext('Ѩ𞹛*ৠ', '2026-10-01'));
    attempt('pcsSearch(123)', () => engine.pcsSearch(123));
    attempt('pcsSearch limit "x"', () => engine.pcsSearch('appendectomy', 'x'));
    attempt('pcsSearch 1 MB', () => engine.pcsSearch('laparoscopic '.repeat(80_000), 10, '2026-10-01'));
    attempt('severity(5, [])', () => engine.severity(5, []));
    attempt('severity secondaries string', () => engine.severity('I50.21', 'I50.23'));
    attempt('severity secondaries [5]', () => engine.severity('I50.21', [5]));
    attempt('severity sparse secondaries 1e7', () => engine.severity('I50.21', sparse));
    attempt('severity throwing Proxy secondaries', () => engine.severity('I50.21', new Proxy(['I50.23'], { get: trap })));
    attempt('severity getter on options', () => engine.severity('I50.21', ['I50.23'], { get date() { throw new Error('boom'); } }));
    const cyclicOptions = { date: '2026-11-01' };
    cyclicOptions.self = cyclicOptions;
    attempt('severity cyclic options', () => engine.severity('I50.21', ['I50.23'], cyclicOptions));
    attempt('lookup getter on options', () => engine.lookup('I50.21', { get version() { throw new Error('boom'); } }));
    attempt('parseUserData(5, ...)', () => m.parseUserData(5, 'cpt.txt', cpt));
    attempt('parseUserData bytes string', () => m.parseUserData('cpt', 'cpt.txt', 'not bytes'));
    attempt('parseUserData name Proxy', () => m.parseUserData('cpt', evil, cpt));
    attempt('parseUserData added 20261130', () => m.parseUserData('cpt', 'cpt.txt', cpt, 20261130));
    attempt('attachUserData("x")', () => engine.attachUserData('x'));
    attempt('attachUserData([5])', () => engine.attachUserData([5]));
    attempt('attachUserData(throwing Proxy)', () => engine.attachUserData(new Proxy([], { get: trap })));
    attempt('attachUserData(sparse 1e7)', () => engine.attachUserData(sparse));
    attempt('attachUserData(getter on an entry)', () => {
      const sets = [];
      Object.defineProperty(sets, 0, { get() { throw new Error('boom'); }, enumerable: true });
      return engine.attachUserData(sets);
    });

    // The engine answers every call afterwards.
    attempt('after: pcsLookup', () => engine.pcsLookup('0DTJ4ZZ', '2026-10-01').code);
    attempt('after: pcsNext', () => engine.pcsNext('0DT', '2026-10-01').choices.length);
    attempt('after: pcsSearch', () => engine.pcsSearch('laparoscopic appendectomy', 10, '2026-10-01').length);
    attempt('after: severity', () => typeof engine.severity('I50.21', ['J96.01'], { date: '2026-11-01' }));
    attempt('after: parseUserData + attachUserData', () => {
      const set = m.parseUserData('cpt', 'cpt_synthetic.txt', cpt, '2026-11-30');
      return engine.attachUserData([set.bytes]).length;
    });
    attempt('after: search', () => engine.search('fracture of wrist').length);
    attempt('after: lookup', () => engine.lookup('E11.9')[0].code);
    attempt('after: validateClaim', () => Array.isArray(engine.validateClaim(claim, '2026-06-01').issues));
    attempt('after: validateField', () => engine.validateField('dx', 'E11', { date_of_service: '2026-03-10' }).map((i) => i.rule));
    attempt('after: attachNcci', () => engine.attachNcci(ncci));
    attempt('after: NCCI runs', () => engine.validateClaim(claim, '2026-06-01').skipped ?? []);
    attempt('after: free', () => engine.free());
    return out;
  });

  const error = (name, type, pattern) => {
    assert.equal(r[name].ok, false, `${name} should throw: ${JSON.stringify(r[name])}`);
    assert.equal(r[name].type, type, `${name}: ${JSON.stringify(r[name])}`);
    if (pattern) assert.match(r[name].message, pattern, name);
    assert.doesNotMatch(r[name].message, /memory access out of bounds|unreachable|recursive use/, name);
  };
  error('search(123)', 'TypeError', /query must be a string, not a number/);
  error('search({})', 'TypeError', /query must be a string, not an object/);
  error('search(undefined)', 'TypeError', /query must be a string/);
  error('search system 5', 'TypeError', /system must be a string/);
  error('search limit "x"', 'TypeError', /limit must be a number/);
  error('lookup(5)', 'TypeError', /code must be a string/);
  error('lookup(Symbol)', 'TypeError', /code must be a string, not a symbol/);
  error('validateClaim today 20260601', 'TypeError', /today must be a string, not a number/);
  error('validateClaim(42)', 'TypeError', /claim must be an object/);
  error('validateClaim([])', 'TypeError', /must be an object, not a list/);
  error('validateField(7, ...)', 'TypeError', /kind must be a string/);
  error('validateField value {}', 'TypeError', /value must be a string or a number/);
  error('new MedcodeEngine("x")', 'TypeError', /must be a Uint8Array/);
  error('IndexLoader push("x")', 'TypeError', /must be a Uint8Array/);
  error('IndexLoader past 64 MB', 'RangeError', /the most medcode reads/);
  error('IndexLoader junk', 'Error', /too short|not a medcode index/);
  error('IndexLoader damaged index', 'Error', /corrupt/);
  error('IndexLoader a view of its own memory', 'TypeError', /could not be read/);
  assert.ok(r['IndexLoader good index'].ok && /^E11/.test(r['IndexLoader good index'].value), JSON.stringify(r['IndexLoader good index']));
  error('attachNcci(123)', 'TypeError', /must be a Uint8Array/);
  error('attachNcci(junk bytes)', 'Error', /NCCI/);
  assert.ok(r['search 1 MB'].ok, JSON.stringify(r['search 1 MB']));

  error('getter on claim', 'TypeError', /claim\.diagnoses could not be read/);
  error('getter on a line', 'TypeError', /claim\.service_lines\[0\]\.code could not be read/);
  error('getter on an array element', 'TypeError', /claim\.diagnoses\[1\] could not be read/);
  error('getter on array length', 'TypeError', /claim\.diagnoses could not be read/);
  error('getter on options', 'TypeError', /options\.profile could not be read/);
  error('getter on field context', 'TypeError', /context\.date_of_service could not be read/);
  error('throws a non-Error', 'TypeError', /claim\.patient could not be read/);
  error('throwing Proxy claim', 'TypeError', /claim could not be read/);
  error('throwing Proxy as diagnoses', 'TypeError', /claim\.diagnoses could not be read/);
  error('throwing Proxy as context', 'TypeError', /context could not be read/);
  error('throwing Proxy as query', 'TypeError', /query must be a string/);
  error('throwing Proxy as NCCI bytes', 'TypeError', /must be a Uint8Array/);
  error('revoked Proxy claim', 'TypeError', /claim could not be read/);
  error('revoked Proxy as options', 'TypeError', /options could not be read/);
  assert.ok(r['Proxy claim that answers'].ok, JSON.stringify(r['Proxy claim that answers']));
  // A Uint8Array with a lying length is copied through its internal slots.
  assert.ok(r['Uint8Array with a throwing length'].ok, JSON.stringify(r['Uint8Array with a throwing length']));

  error('sparse diagnoses 1e7', 'RangeError', /claim\.diagnoses has 10000000 entries; the most medcode reads is 1000/);
  error('sparse service_lines 4e9', 'RangeError', /claim\.service_lines has 4000000000 entries/);
  error('sparse modifiers 1e6', 'RangeError', /claim\.service_lines\[0\]\.modifiers has 1000000 entries/);
  for (const name of ['sparse diagnoses 1e7', 'sparse service_lines 4e9', 'sparse modifiers 1e6']) {
    // Refused before the first element: not the minute a walk of 1e7 holes took.
    assert.ok(r[name].ms < 2000, `${name} took ${r[name].ms} ms`);
  }
  assert.ok(r['sparse diagnoses 20'].ok, JSON.stringify(r['sparse diagnoses 20']));

  assert.ok(r['cyclic claim'].ok, JSON.stringify(r['cyclic claim']));
  assert.ok(r['cyclic diagnoses'].ok, JSON.stringify(r['cyclic diagnoses']));
  error('huge string diagnosis', 'RangeError', /claim\.diagnoses\[0\] is 5000000 characters long/);

  error('attachPcs(123)', 'TypeError', /PCS file must be a Uint8Array/);
  error('attachPcs(throwing Proxy)', 'TypeError', /must be a Uint8Array/);
  error('attachSeverity({})', 'TypeError', /severity file must be a Uint8Array/);
  error('attachSeverity(junk bytes)', 'Error');
  assert.ok(r['attachPcs(real)'].ok, JSON.stringify(r['attachPcs(real)']));
  assert.ok(r['attachSeverity(real)'].ok, JSON.stringify(r['attachSeverity(real)']));
  error('pcsLookup(5)', 'TypeError', /code must be a string, not a number/);
  error('pcsLookup(throwing Proxy)', 'TypeError', /code must be a string/);
  error('pcsLookup date 20261001', 'TypeError', /date must be a string, not a number/);
  error('pcsNext({})', 'TypeError', /prefix must be a string, not an object/);
  error('pcsNext date Proxy', 'TypeError', /date must be a string/);
  error('pcsNext non-PCS characters', 'Error', /PCS prefix/);
  error('pcsSearch(123)', 'TypeError', /query must be a string/);
  error('pcsSearch limit "x"', 'TypeError', /limit must be a number/);
  assert.ok(r['pcsSearch 1 MB'].ok, JSON.stringify(r['pcsSearch 1 MB']));
  error('severity(5, [])', 'TypeError', /principal diagnosis must be a string/);
  error('severity secondaries string', 'TypeError', /secondaries must be a list, not a string/);
  error('severity secondaries [5]', 'TypeError', /secondaries\[0\] must be a string/);
  error('severity sparse secondaries 1e7', 'RangeError', /secondaries has 10000000 entries; at most 24/);
  assert.ok(r['severity sparse secondaries 1e7'].ms < 2000, JSON.stringify(r['severity sparse secondaries 1e7']));
  error('severity throwing Proxy secondaries', 'TypeError', /secondaries could not be read/);
  error('severity getter on options', 'TypeError', /options\.date could not be read/);
  error('severity cyclic options', 'TypeError', /self/);
  error('lookup getter on options', 'TypeError', /options\.version could not be read/);
  error('parseUserData(5, ...)', 'TypeError', /kind must be a string/);
  error('parseUserData bytes string', 'TypeError', /fileBytes must be a Uint8Array/);
  error('parseUserData name Proxy', 'TypeError', /fileName must be a string/);
  error('parseUserData added 20261130', 'TypeError', /added must be a string, not a number/);
  error('attachUserData("x")', 'TypeError', /data sets must be a list, not a string/);
  error('attachUserData([5])', 'TypeError', /data set 0 must be a Uint8Array/);
  error('attachUserData(throwing Proxy)', 'TypeError', /data sets could not be read/);
  error('attachUserData(sparse 1e7)', 'RangeError', /data sets has 10000000 entries/);
  error('attachUserData(getter on an entry)', 'TypeError', /data sets\[0\] could not be read/);

  assert.equal(r['after: pcsLookup'].value, '0DTJ4ZZ');
  assert.ok(r['after: pcsNext'].value > 0);
  assert.ok(r['after: pcsSearch'].value > 0);
  assert.equal(r['after: severity'].value, 'object');
  assert.ok(r['after: parseUserData + attachUserData'].value >= 1, JSON.stringify(r['after: parseUserData + attachUserData']));
  for (const name of Object.keys(r).filter((k) => k.startsWith('after: '))) {
    assert.ok(r[name].ok, `${name}: ${JSON.stringify(r[name])}`);
  }
  assert.ok(r['after: search'].value > 0);
  assert.equal(r['after: lookup'].value, 'E11.9');
  assert.equal(r['after: validateClaim'].value, true);
  assert.ok(r['after: validateField'].value.includes('dx.not_billable'), JSON.stringify(r['after: validateField']));
  assert.ok(!r['after: NCCI runs'].value.some((s) => s.rule === 'ncci.ptp' && /no NCCI table/.test(s.reason)),
    JSON.stringify(r['after: NCCI runs'].value));
  assert.deepEqual(browser.errors, []);
});

test('user-data calls (parseUserData, attachUserData): wrong types are TypeErrors naming the argument; the engine stays usable', { timeout: 120_000 }, async () => {
  const r = await page.evaluate(async () => {
    const m = await import('/medcode.js');
    await m.default({ module_or_path: '/medcode_bg.wasm' });
    const engine = new m.MedcodeEngine(new Uint8Array(await (await fetch('/medcode.idx')).arrayBuffer()));
    const cpt = new TextEncoder().encode('SYNTHETIC TEST FILE, NOT AMA CONTENT\n29881\tSynthetic knee arthroscopy\n');
    const out = {};
    const attempt = (name, f) => {
      try {
        const v = f();
        out[name] = { ok: true, value: v === undefined ? 'undefined' : JSON.parse(JSON.stringify(v, (k, x) => (x instanceof Uint8Array ? x.length : x))) };
      } catch (e) {
        out[name] = { ok: false, type: e?.constructor?.name ?? typeof e, message: String(e?.message ?? e) };
      }
    };
    const trap = () => { throw new Error('trap'); };
    const evil = new Proxy([], { get: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
    attempt('parse kind 5', () => m.parseUserData(5, 'a.txt', cpt));
    attempt('parse kind unknown', () => m.parseUserData('icd9', 'a.txt', cpt));
    attempt('parse name {}', () => m.parseUserData('cpt', {}, cpt));
    attempt('parse bytes "x"', () => m.parseUserData('cpt', 'a.txt', 'x'));
    attempt('parse bytes array', () => m.parseUserData('cpt', 'a.txt', [1, 2]));
    attempt('parse added 20261130', () => m.parseUserData('cpt', 'a.txt', cpt, 20261130));
    attempt('parse too large', () => m.parseUserData('mue', 'big.csv', new Uint8Array((16 << 20) + 1)));
    attempt('attach "x"', () => engine.attachUserData('x'));
    attempt('attach [1]', () => engine.attachUserData([1]));
    attempt('attach Proxy', () => engine.attachUserData(evil));
    const sparse = [];
    sparse.length = 1e7;
    attempt('attach sparse 1e7', () => engine.attachUserData(sparse));
    const getter = [];
    Object.defineProperty(getter, 0, { get: trap, enumerable: true });
    attempt('attach throwing element', () => engine.attachUserData(getter));
    attempt('attach junk bytes', () => engine.attachUserData([new Uint8Array([1, 2, 3])]));
    attempt('after: parse', () => m.parseUserData('cpt', 'a.txt', cpt, '2026-11-30').summary.rows);
    const set = m.parseUserData('cpt', 'a.txt', cpt, '2026-11-30').bytes;
    attempt('after: attach', () => engine.attachUserData([set]).length);
    attempt('after: CPT search', () => engine.search('knee arthroscopy', 'cpt', 5).map((h) => h.code));
    attempt('after: free', () => engine.free());
    return out;
  });
  const error = (name, type, pattern) => {
    assert.equal(r[name].ok, false, `${name} should throw: ${JSON.stringify(r[name])}`);
    assert.equal(r[name].type, type, `${name}: ${JSON.stringify(r[name])}`);
    assert.match(r[name].message, pattern, name);
  };
  error('parse kind 5', 'TypeError', /kind must be a string, not a number/);
  error('parse kind unknown', 'TypeError', /unknown data kind "icd9"/);
  error('parse name {}', 'TypeError', /fileName must be a string, not an object/);
  error('parse bytes "x"', 'TypeError', /fileBytes must be a Uint8Array/);
  error('parse bytes array', 'TypeError', /fileBytes must be a Uint8Array .*not a list/);
  error('parse added 20261130', 'TypeError', /added must be a string, not a number/);
  error('parse too large', 'RangeError', /big\.csv: the file is larger than 16 MB, the largest mue file medcode reads/);
  error('attach "x"', 'TypeError', /sets must be a list, not a string/);
  error('attach [1]', 'TypeError', /data set 0 must be a Uint8Array/);
  error('attach Proxy', 'TypeError', /sets/);
  error('attach sparse 1e7', 'RangeError', /sets has 10000000 entries/);
  error('attach throwing element', 'TypeError', /sets\[0\] could not be read/);
  error('attach junk bytes', 'Error', /data set 0: not a medcode user data file/);
  for (const name of Object.keys(r).filter((k) => k.startsWith('after: '))) assert.ok(r[name].ok, `${name}: ${JSON.stringify(r[name])}`);
  assert.equal(r['after: parse'].value, 1);
  assert.deepEqual(r['after: CPT search'].value, ['29881']);
  assert.deepEqual(browser.errors, []);
});
