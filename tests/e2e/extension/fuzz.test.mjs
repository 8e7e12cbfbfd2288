// Property tests (fast-check) of the extension's background and the engine's
// wasm bindings with hostile input, in node against the real engine
// (build/wasm, dist/*.idx): random and hostile request shapes through the
// same gate as the worker (`isToBackground` then `handle`), and hostile
// queries, claims, fields and user files straight into the bindings.
//
// Every call must answer or fail with a JS Error carrying a message a person
// can act on (never a TypeError from deep inside, never "[object Object]"),
// within a bound, without growing wasm memory without limit; sizes reach the
// engine capped; and afterwards the engine still answers a known lookup.
// Runs are seeded (MEDCODE_FUZZ_SEED to replay) and counted, so the time is
// bounded: MEDCODE_FUZZ_RUNS raises the count for a longer local run.
import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, BUILD } from "./harness.mjs";

const DIST = process.env.DIST ?? join(ROOT, "dist");
const SEED = Number(process.env.MEDCODE_FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.MEDCODE_FUZZ_RUNS ?? 300);
/** per call, generous for a loaded 2-core machine: a hang or a quadratic path is seconds to minutes */
const CALL_MS = 3_000;

const src = join(ROOT, "extension/src");
const entry = `
export { handle, checkRequest } from "./background/service";
export { isToBackground } from "./shared/protocol";
`;
const out = await build({ stdin: { contents: entry, resolveDir: src, loader: "ts" }, bundle: true, write: false, format: "esm", platform: "neutral", logLevel: "error" });
const m = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);

const wasmDir = join(BUILD, "wasm");
for (const f of [join(wasmDir, "medcode.js"), join(wasmDir, "medcode_bg.wasm"), join(DIST, "medcode.idx")]) {
  assert.ok(existsSync(f), `${f} is not built: run ./build.sh`);
}
const w = await import(join(wasmDir, "medcode.js"));
const wasmExports = await w.default({ module_or_path: readFileSync(join(wasmDir, "medcode_bg.wasm")) });
const memoryBytes = () => wasmExports.memory.buffer.byteLength;
const engine = new w.MedcodeEngine(readFileSync(join(DIST, "medcode.idx")));
for (const [file, attach] of [["severity.idx", "attachSeverity"], ["pcs.idx", "attachPcs"], ["ncci.idx", "attachNcci"]]) {
  if (existsSync(join(DIST, file))) engine[attach](readFileSync(join(DIST, file)));
}

/** The engine still answers as before: a hostile call left nothing broken. */
function assertEngineWhole() {
  assert.equal(engine.lookup("E11.9")[0]?.title, "Type 2 diabetes mellitus without complications");
  assert.equal(engine.search("type 2 diabetes", "icd10cm", 1)[0]?.code?.startsWith("E11"), true);
}

/** What a person can act on: not an engine-internal JS error leaking out. */
const UNCLEAR = /Cannot read prop|is not a function|is not iterable|Cannot convert|\[object Object\]|undefined is not|null is not|Maximum call stack|unreachable|RuntimeError|out of memory/i;
function assertClearMessage(msg, where) {
  assert.equal(typeof msg, "string", `${where}: error message is ${typeof msg}`);
  assert.ok(msg.length >= 8, `${where}: message too short: ${JSON.stringify(msg)}`);
  assert.doesNotMatch(msg, UNCLEAR, `${where}: unclear message`);
}

// ---- hostile values ---------------------------------------------------------
const MB = "fracture ".repeat(116_509); // ~1 MB
const deep = (() => { const root = {}; let cur = root; for (let i = 0; i < 100_000; i++) { cur.a = {}; cur = cur.a; } return root; })();
const deepList = (() => { const root = []; let cur = root; for (let i = 0; i < 100_000; i++) { const next = []; cur.push(next); cur = next; } return root; })();
const million = new Array(1_000_000).fill("E11.9");
const millionObjects = new Array(1_000_000).fill({ kind: "dx", value: "E11.9" });
const polluted = JSON.parse('{"__proto__": {"polluted": 1, "type": "search"}, "constructor": {"prototype": {"polluted": 1}}, "prototype": 7}');

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "", " ", "\u0000", "E11.9\u0000", "\u202EE11.9", "\u200F\u202Bfracture\u202C", "e\u0301".repeat(5_000),
    "\uD800", "\uDFFF\uD800", "__proto__", "constructor", "toString", "hasOwnProperty", "NaN", "Infinity",
    "E11.9".repeat(20_000), MB, "\n".repeat(10_000), "E11.9\n".repeat(10_000), "🩺".repeat(50_000),
  ),
);
const hostileNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53, 1e300, -1));
const hostileLeaf = fc.oneof(hostileText, hostileNumber, fc.boolean(), fc.constantFrom(null, undefined));
const hostileValue = fc.oneof(
  { depthSize: "small" },
  hostileLeaf,
  fc.array(hostileLeaf, { maxLength: 8 }),
  fc.dictionary(hostileText, hostileLeaf, { maxKeys: 6 }),
  fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }),
  fc.constantFrom(deep, deepList, million, millionObjects, polluted, [], {}, new Array(10_001).fill("I10"), Object.create(null),
    { toString: 5 }, { valueOf: null, toString: null }, [{ toString: 5 }], [null, 1, {}], { length: 1e9 }),
);
const TYPES = ["ping", "warm", "info", "search", "lookup", "validateFields", "validateClaim", "sitesChanged", "userData", "pcsNext", "severity"];
const FIELDS = ["query", "system", "limit", "severity", "code", "pdx", "secondaries", "options", "fields", "claim", "profile", "today", "prefix", "date", "op", "kind", "name", "pending", "id", "__proto__", "constructor"];
const SYSTEMS = ["icd10cm", "hcpcs", "cpt", "proc", "all", "icd10pcs"];

/** A request: a known type (now and then an unknown one) with fields of random shapes, some of them the right shape. */
const request = fc.record({
  type: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...TYPES) }, { weight: 1, arbitrary: hostileText }),
  fields: fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 6 }),
  wellShaped: fc.record({
    query: hostileText, system: fc.constantFrom(...SYSTEMS), limit: hostileNumber, code: hostileText, pdx: hostileText,
    secondaries: fc.array(fc.oneof({ weight: 5, arbitrary: hostileText }, { weight: 1, arbitrary: hostileValue }), { maxLength: 30 }), prefix: hostileText, date: hostileText,
    fields: fc.array(fc.record({ kind: fc.constantFrom("dx", "proc", "pcs", "npi", "modifier", "date", "bogus"), value: hostileText }), { maxLength: 5 }),
    claim: fc.record({ diagnoses: fc.array(hostileText, { maxLength: 12 }), service_lines: fc.array(fc.record({ code: hostileText, from: hostileText, units: hostileNumber, modifiers: fc.array(hostileText, { maxLength: 5 }) }), { maxLength: 5 }) }),
    op: fc.constantFrom("list", "add", "remove", "drop"),
  }),
  useWellShaped: fc.boolean(),
}).map(({ type, fields, wellShaped, useWellShaped }) => {
  const msg = useWellShaped ? { ...wellShaped, options: {} } : {};
  for (const [k, v] of Object.entries(fields)) Object.defineProperty(msg, k, { value: v, enumerable: true, writable: true, configurable: true });
  msg.type = type;
  return msg;
});

// ---- the background's handler over the real engine, sizes checked at the boundary -------------
const seen = { maxText: 0, maxList: 0, where: "" };
const note = (v, i, method) => {
  if (typeof v === "string" && v.length > seen.maxText) Object.assign(seen, { maxText: v.length, where: `${method} argument ${i}` });
  else if (Array.isArray(v) && v.length > seen.maxList) Object.assign(seen, { maxList: v.length, where: `${method} argument ${i}` });
};
/** The real engine, its arguments' sizes noted. */
const watched = new Proxy(engine, {
  get(target, key) {
    const v = target[key];
    if (typeof v !== "function") return v;
    return (...args) => { args.forEach((a, i) => note(a, i, String(key))); return v.apply(target, args); };
  },
});
const deps = {
  engine: async () => ({ engine: watched, cold: false }),
  status: () => ({ ready: true }),
  syncSites: async () => [],
  userData: async (_e, msg) => ({ sets: [], error: `${String(msg.name).slice(0, 40)}: not stored in this test` }),
};

/** As the worker does: only a ToBackground reaches `handle`; a reply or an Error with a clear message. */
async function ask(msg) {
  if (!m.isToBackground(msg)) return { skipped: true };
  const t = performance.now();
  let reply;
  try {
    reply = { value: await m.handle(deps, msg) };
  } catch (e) {
    assert.ok(e instanceof Error, `${msg.type}: threw a ${typeof e}, not an Error`);
    assertClearMessage(e.message, msg.type);
    reply = { error: e.message };
  }
  const ms = performance.now() - t;
  assert.ok(ms < CALL_MS, `${msg.type}: took ${ms.toFixed(0)} ms`);
  // errors carried inside replies must be as clear as thrown ones
  const v = reply.value;
  if (v && typeof v === "object" && typeof v.error === "string") assertClearMessage(v.error, `${msg.type} reply`);
  if (msg.type === "validateFields" && Array.isArray(v)) {
    for (const issues of v) for (const i of issues) if (i.rule === "engine.error") assertClearMessage(i.message, "validateFields issue");
  }
  return reply;
}

test("background: random and hostile request shapes get a reply or a clear Error, quickly; sizes reach the engine capped", { timeout: 600_000 }, async () => {
  const before = memoryBytes();
  await fc.assert(fc.asyncProperty(request, async (msg) => { await ask(msg); }), { seed: SEED, numRuns: RUNS, endOnFailure: true });
  assert.ok(seen.maxText <= 1_024, `a text of ${seen.maxText} characters reached the engine (${seen.where})`);
  assert.ok(seen.maxList <= 2_000, `a list of ${seen.maxList} entries reached the engine (${seen.where})`);
  assert.ok(memoryBytes() - before < 64 << 20, `wasm memory grew ${(memoryBytes() - before) >> 20} MB`);
  assertEngineWhole();
});

// Regressions found by this test (each failed before its fix in service.ts checkRequest).
test("background regression: a severity request's non-text secondaries/pdx were cast with String() and failed with 'Cannot convert object to primitive value'", async () => {
  for (const msg of [
    { type: "severity", pdx: "I50.21", secondaries: [{ toString: 5 }], options: {} },
    { type: "severity", pdx: "I50.21", secondaries: [{}], options: {} },
    { type: "severity", pdx: { toString: 5 }, secondaries: [], options: {} },
  ]) {
    await assert.rejects(m.handle(deps, msg), (e) => { assertClearMessage(e.message, "severity"); return /secondaries|pdx/.test(e.message); });
  }
});

test("background regression: validateClaim's today was unchecked (a TypeError from the bindings) and a million-entry claim list reached the engine (0.4 s before the refusal)", async () => {
  await assert.rejects(m.handle(deps, { type: "validateClaim", claim: {}, today: 5 }), /today as text/);
  const t = performance.now();
  await assert.rejects(m.handle(deps, { type: "validateClaim", claim: { diagnoses: million } }), /claim\.diagnoses as a list of at most/);
  await assert.rejects(m.handle(deps, { type: "validateClaim", claim: { service_lines: millionObjects } }), /claim\.service_lines as a list of at most/);
  assert.ok(performance.now() - t < 50, "refused before the engine reads the list");
});

test("background regression: a pcsNext date and a validateClaim today went to the engine uncut (100,000 characters)", async () => {
  seen.maxText = 0;
  await assert.rejects(m.handle(deps, { type: "pcsNext", prefix: "0DT", date: "2026-01-01".repeat(10_000) }), /is not a date/);
  await assert.rejects(m.handle(deps, { type: "validateClaim", claim: {}, today: "2026-01-01".repeat(10_000) }), /date/);
  assert.ok(seen.maxText <= 40, `${seen.maxText} characters reached the engine (${seen.where})`);
});

test("background regression: an unknown search system reached the engine and came back as its error; now refused with the systems to use", async () => {
  await assert.rejects(m.handle(deps, { type: "search", query: "x", system: "bogus", limit: 5 }), /system as one of "icd10cm"/);
});

// ---- the wasm bindings directly ----------------------------------------------
const call = (name, f) => {
  const t = performance.now();
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Error, `${name}: threw ${typeof e}, not an Error`);
    assertClearMessage(e.message, name);
  }
  const ms = performance.now() - t;
  assert.ok(ms < CALL_MS, `${name}: took ${ms.toFixed(0)} ms`);
};

test("engine bindings: hostile queries, codes, fields and claims answer or throw an Error with a message, in bounded time and memory", { timeout: 600_000 }, async () => {
  const before = memoryBytes();
  const claimLine = fc.record({ code: hostileText, from: hostileText, to: hostileText, units: hostileValue, modifiers: hostileValue, diagnosis_pointers: hostileValue }, { requiredKeys: [] });
  const claim = fc.oneof(
    hostileValue,
    fc.record({ diagnoses: fc.oneof(fc.array(hostileText, { maxLength: 40 }), hostileValue), service_lines: fc.oneof(fc.array(claimLine, { maxLength: 10 }), hostileValue) }, { requiredKeys: [] }),
  );
  fc.assert(fc.property(hostileText, fc.constantFrom(...SYSTEMS, "bogus"), hostileNumber, hostileText, claim, fc.constantFrom("dx", "proc", "pcs", "npi", "modifier", "pos", "units", "bogus"), (q, system, limit, code, c, kind) => {
    call("search", () => engine.search(q, system, limit));
    call("searchPacked", () => engine.searchPacked(q, system, limit));
    call("lookup", () => engine.lookup(code));
    call("validateField", () => engine.validateField(kind, q));
    call("validateClaim", () => engine.validateClaim(c, "2026-06-01"));
    call("pcsNext", () => engine.pcsNext(code.slice(0, 7), "2026-06-01"));
  }), { seed: SEED, numRuns: RUNS });
  // the fixed heavy cases, each once
  const tenK = Array.from({ length: 10_000 }, (_, i) => ({ code: "99213", from: "2026-01-01", units: i, modifiers: ["25"], diagnosis_pointers: ["A"] }));
  call("search 1 MB", () => engine.search(MB, "all", 50));
  call("search 1 MB of combining marks", () => engine.search("e\u0301".repeat(500_000), "all", 50));
  call("claim of 10,000 lines", () => engine.validateClaim({ diagnoses: ["E11.9"], service_lines: tenK }, "2026-06-01"));
  call("claim of 1,000 lines", () => engine.validateClaim({ diagnoses: ["E11.9"], service_lines: tenK.slice(0, 1000) }, "2026-06-01"));
  call("claim nested 100,000 deep", () => engine.validateClaim({ diagnoses: deep }, "2026-06-01"));
  assert.ok(memoryBytes() - before < 64 << 20, `wasm memory grew ${(memoryBytes() - before) >> 20} MB`);
  assertEngineWhole();
});

test("engine bindings: hostile user files are refused with the file's name and what is wrong, or read; never a hang", { timeout: 600_000 }, async () => {
  const fixtures = join(ROOT, "tests/fixtures/userdata");
  const real = {
    cpt: readFileSync(join(fixtures, "cpt_synthetic.txt")),
    mue: readFileSync(join(fixtures, "MCR_MUE_PractitionerServices_Eff_01-01-2026.synthetic.csv")),
    "ncci-practitioner": readFileSync(join(fixtures, "ccipra_synthetic.txt")),
    icd10cm: readFileSync(join(fixtures, "icd10cm_synthetic.xml")),
  };
  const utf16 = (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, "utf16le")]);
  const damage = fc.oneof(
    fc.constant((b) => b),
    fc.constant((b) => b.subarray(0, b.length >> 1)), // truncated
    fc.constant((b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])), // UTF-8 BOM
    fc.constant((b) => utf16(b.toString("utf8"))), // UTF-16 with BOM
    fc.constant((b) => Buffer.from(b.toString("utf8").replace(/a/g, "\u00e9"), "latin1")), // Latin-1
    fc.constant((b) => Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2])), // truncated gzip
    fc.constant((b) => Buffer.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0])), // truncated zip
    fc.constant((b) => Buffer.from(b.toString("utf8").replace(/\n/g, "\n=cmd|'/C calc'!A0\t@SUM(1+1)\t<img src=x onerror=alert(1)>\n"))),
    fc.constant((b) => Buffer.from(b.toString("utf8").repeat(2) + "\u0000".repeat(1000))),
    fc.uint8Array({ maxLength: 4096 }).map((junk) => (b) => Buffer.concat([b.subarray(0, b.length >> 2), junk, b.subarray(b.length >> 2)])),
  );
  fc.assert(fc.property(fc.constantFrom(...Object.keys(real)), damage, hostileText, (kind, f, name) => {
    const t = performance.now();
    const fileName = name.slice(0, 1024) || "x";
    try {
      w.parseUserData(kind, fileName, new Uint8Array(f(real[kind])), "2026-06-01");
    } catch (e) {
      assert.ok(e instanceof Error, `${kind}: threw ${typeof e}`);
      assertClearMessage(e.message, kind);
    }
    assert.ok(performance.now() - t < CALL_MS, `${kind}: took ${(performance.now() - t).toFixed(0)} ms`);
  }), { seed: SEED, numRuns: Math.min(RUNS, 200) });
  // regression: a zipped or gzipped table was "a NUL byte" / "byte 0x8B ... Latin-1"; now named, with what to do
  for (const kind of Object.keys(real)) {
    assert.throws(() => w.parseUserData(kind, "t.zip", new Uint8Array(Buffer.from("PK\x03\x04\x14\x00\x00\x00", "latin1")), "2026-06-01"), /^Error: t\.zip: the file is a ZIP archive/);
    assert.throws(() => w.parseUserData(kind, "t.gz", new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), "2026-06-01"), /^Error: t\.gz: the file is gzip-compressed/);
  }
  // oversize: refused before the bytes are copied into wasm memory
  const before = memoryBytes();
  const big = new Uint8Array(200 << 20);
  for (const kind of Object.keys(real)) {
    const t = performance.now();
    assert.throws(() => w.parseUserData(kind, `huge-${kind}.txt`, big, "2026-06-01"), (e) => new RegExp(`huge-${kind}\\.txt: the file is larger than`).test(e.message));
    assert.ok(performance.now() - t < 200, `${kind}: oversize refused in ${(performance.now() - t).toFixed(0)} ms`);
  }
  assert.ok(memoryBytes() - before < 16 << 20, "an oversize file was copied into wasm memory");
  assertEngineWhole();
});

// ---- user data: what a stored set's list entry tells --------------------------
test("user data gap: a v2 ICD-10-CM set (titles only) was listed like any other; its entry now says so and what to do", async () => {
  const sets = await build({ stdin: { contents: `export { storedNote, STORED_TITLES_ONLY, USER_FILE_CAP_MB, oversizeMessage } from "./web-shared/userdata-sets";`, resolveDir: ROOT, loader: "ts" }, bundle: true, write: false, format: "esm", platform: "neutral", logLevel: "error" });
  const u = await import(`data:text/javascript;base64,${Buffer.from(sets.outputFiles[0].text).toString("base64")}`);
  const fixture = (f) => new Uint8Array(readFileSync(join(ROOT, "tests/fixtures", f)));
  const summary = { kind: "icd10cm", source: "x.xml", added: "2026-01-01", label: "ICD-10-CM", rows: 5 };
  assert.equal(u.storedNote({ summary, bytes: fixture("userdata-v2.mcdata") }), u.STORED_TITLES_ONLY);
  assert.equal(u.storedNote({ summary, bytes: fixture("userdata-v3.mcdata") }), undefined);
  assert.equal(u.storedNote({ summary: { ...summary, kind: "cpt" }, bytes: fixture("userdata-v1.mcdata") }), undefined);
  // the same words as the CLI's `data list` (src/userdata/mod.rs STORED_TITLES_ONLY)
  assert.ok(readFileSync(join(ROOT, "src/userdata/mod.rs"), "utf8").includes(JSON.stringify(u.STORED_TITLES_ONLY)));
});

test("user data: a file over its kind's cap is refused by its size before it is read (was read whole, then refused by the engine); the caps are the engine's", async () => {
  const sets = await build({ stdin: { contents: `export { USER_FILE_CAP_MB, oversizeMessage } from "./web-shared/userdata-sets";`, resolveDir: ROOT, loader: "ts" }, bundle: true, write: false, format: "esm", platform: "neutral", logLevel: "error" });
  const u = await import(`data:text/javascript;base64,${Buffer.from(sets.outputFiles[0].text).toString("base64")}`);
  const rust = readFileSync(join(ROOT, "src/userdata/mod.rs"), "utf8");
  for (const [kind, variant] of [["cpt", "Cpt"], ["ncci-practitioner", "NcciPractitioner"], ["mue", "Mue"], ["icd10cm", "Icd10cm"]]) {
    const m = new RegExp(`DataKind::${variant} => (\\d+) << 20`).exec(rust);
    assert.ok(m, `${variant}: cap not found in src/userdata/mod.rs`);
    assert.equal(u.USER_FILE_CAP_MB[kind], Number(m[1]), kind);
    assert.equal(u.oversizeMessage(kind, "f.txt", Number(m[1]) << 20), null, `${kind}: at the cap`);
    assert.match(u.oversizeMessage(kind, "huge.zip", 2 ** 31), /^huge\.zip: the file is 2048\.0 MB; the largest .* file medcode reads is \d+ MB/);
  }
  assert.equal(u.oversizeMessage("bogus", "f", 2 ** 40), null, "an unknown kind is the engine's to refuse");
});
