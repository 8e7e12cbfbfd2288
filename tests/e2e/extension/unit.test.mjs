// Unit tests of the extension's pure parts (no browser): code shapes, field
// text rules, dates, the request handler over a fake engine, manifests.
import test from "node:test";
import assert from "node:assert/strict";
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { checkVocabulary, checkVocabularyFile } from "../../../extension/data/check-vocabulary.mjs";
import { join } from "node:path";
import { ROOT } from "./harness.mjs";

const src = join(ROOT, "extension/src");
const entry = `
export { looksLikeCode, formatCode, codeAt, codesInNote } from "./shared/codes";
export { normalize, kindFromText, decide, roleFor, judgeText } from "./content/detect";
export { fitCode, sameCode } from "./content/insert";
export { codeInSelection } from "./content/textlookup";
export { isoDate } from "./content/claim";
export { saysDied } from "./content/disposition";
export { handle } from "./background/service";
export { originPattern, siteKey } from "./shared/settings";
export { isToBackground, isToContent } from "./shared/protocol";
export { severityChips, staySummary, severityOptions } from "../../types/severity-chips";
`;
const out = await build({ stdin: { contents: entry, resolveDir: src, loader: "ts" }, bundle: true, write: false, format: "esm", platform: "neutral", logLevel: "error" });
const m = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);

test("code shapes: ICD-10-CM and HCPCS, dotted or not", () => {
  for (const c of ["E11.9", "e119", "S52.501A", "T45.0X1A", "J1100", "I10"]) assert.ok(m.looksLikeCode(c), c);
  for (const c of ["99213", "E1", "hello", "U07.1X", "11"]) assert.ok(!m.looksLikeCode(c) || c === "U07.1X", c);
  assert.equal(m.formatCode("E11.9", "undotted"), "E119");
  assert.equal(m.formatCode("E11.9", "dotted"), "E11.9");
  assert.equal(m.formatCode("J1100", "undotted"), "J1100");
});

test("page text: the code under the pointer, not words around it", () => {
  const t = "follow-up for I50.9; injection given (J1100). See A1C.";
  assert.equal(m.codeAt(t, t.indexOf("I50.9") + 2), "I50.9");
  assert.equal(m.codeAt(t, t.indexOf("J1100") + 1), "J1100");
  assert.equal(m.codeAt(t, t.indexOf("follow")), null);
  assert.deepEqual(m.codesInNote("gestational diabetes (O24.4-)").map((x) => x.code), ["O24.4"]);
  assert.deepEqual(m.codesInNote("transitory disorders (P70-P74)").map((x) => x.code), ["P70", "P74"]);
});

test("field text rules: CMS-1500 item numbers and labels", () => {
  const k = (s) => m.kindFromText(m.normalize(s));
  assert.equal(m.normalize("item21A"), "item 21 a");
  assert.equal(k("21A diagnosis"), "dx");
  assert.equal(k("Diagnosis 1 (ICD-10)"), "dx");
  assert.equal(k("24D. Procedures (CPT/HCPCS)"), "proc");
  assert.equal(k("24E. Diagnosis pointer"), "pointer");
  assert.equal(k("Modifier 1"), "modifier");
  assert.equal(k("24B. Place of service"), "pos");
  assert.equal(k("24A. Date of service from"), "date");
  assert.equal(k("33a. Billing provider NPI"), "npi");
  assert.equal(k("25. Federal tax I.D. number"), "tax_id");
  assert.equal(k("24G. Days or units"), "units");
  assert.equal(k("dxCode"), "dx");
  assert.equal(k("Patient's preferred name"), null);
  assert.equal(k("Visit notes"), null);
});

test("field vocabulary: the reviewed data file passes its build-time check, and the check catches mistakes", () => {
  checkVocabularyFile(join(ROOT, "extension/data/field-vocabulary.json"));
  const v = JSON.parse(readFileSync(join(ROOT, "extension/data/field-vocabulary.json"), "utf8"));
  assert.throws(() => checkVocabulary({ ...v, kinds: [...v.kinds, { kind: "dx", phrases: ["x"] }] }), /listed twice/);
  assert.throws(() => checkVocabulary({ ...v, kinds: [{ kind: "diagnosis", phrases: ["dx"] }] }), /unknown kind/);
  assert.throws(() => checkVocabulary({ ...v, kinds: [{ kind: "dx", phrases: ["DIAG CD"] }] }), /not normalized/);
  assert.throws(() => checkVocabulary({ ...v, kinds: [{ kind: "dx", phrases: ["dx"] }, { kind: "proc", phrases: ["dx"] }] }), /under both/);
  assert.throws(() => checkVocabulary({ ...v, kinds: [{ kind: "dx", phrases: ["dx"], patterns: ["21 [a-"] }] }), /pattern/);
  assert.throws(() => checkVocabulary({ ...v, ambiguous: [{ kind: "dx", phrases: ["revenue code"] }] }), /also under none/);
  assert.throws(() => checkVocabulary({ ...v, discharge_status: { ...v.discharge_status, died_codes: ["2"] } }), /two-digit/);
});

test("discharge status values: NUBC expired codes (20, 40-42) and option texts saying so mean the patient died", () => {
  for (const v of ["20", "20 - Expired", "41 Expired in a medical facility", "death Death", "Expired", "deceased", "4"]) {
    assert.equal(m.saysDied(v), v !== "4", v);
  }
  for (const v of ["01 Discharged to home or self care", "home Home / Selfcare", "30 Still a patient", "transfer Transferred to another institution", "", "2026-10-05"]) {
    assert.equal(m.saysDied(v), false, v);
  }
  // regression: a radio whose value is an OpenMRS concept UUID starting with "20"/"41" read as NUBC "expired"
  for (const v of ["20a3f0c2-1c2d-4e5f-9a8b-7c6d5e4f3a2b Discharged home", "41e2b6b4-0f47-4c3e-9a51-2b8d1d3c7a10 Transferred", "1066AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA Left against advice"]) {
    assert.equal(m.saysDied(v), false, v);
  }
  assert.equal(m.saysDied("20a3f0c2-1c2d-4e5f-9a8b-7c6d5e4f3a2b Expired"), true);
});

// tests/golden/fields/labels.tsv: one line per real-world label or label/context combination
const golden = readFileSync(join(ROOT, "tests/golden/fields/labels.tsv"), "utf8").split("\n")
  .map((l, i) => [l, i + 1]).filter(([l]) => l.trim() && !l.startsWith("#"));
for (const [line, no] of golden) {
  const [label = "", name = "", beside = "", header = "", row = "", sections = "", kind = "", end = "", description = "", source = ""] = line.split("\t");
  const shown = Object.fromEntries(Object.entries({ label, name, beside, header, sections, description, source }).filter(([k, v]) => v || k === "label"));
  test(`field golden line ${no}: ${JSON.stringify(shown)} -> ${kind}${end ? ` (${end})` : ""}`, () => {
    const n = m.normalize;
    const d = m.decide({ label: n(label), name: n(name), beside: n(beside), header: n(header), headerRow: n(row),
      sections: sections ? sections.split(" | ").map(n) : [], description: n(description), source: n(source) });
    assert.equal(d.kind ?? "-", kind);
    if (end) {
      const role = m.roleFor(d.kind, d.text, true, d.end);
      assert.deepEqual(role, { k: "line", part: end });
    }
  });
}

test("insert that fits the field: dotted, else undotted, else nothing (never a cut code)", () => {
  const lim = (o) => ({ maxLength: -1, pattern: null, numericOnly: false, upper: false, ...o });
  assert.deepEqual(m.fitCode("S52.501A", "dotted", lim({}), "", 0, 0), { ok: true, text: "S52.501A", value: "S52.501A" });
  assert.equal(m.fitCode("S52.501A", "dotted", lim({ maxLength: 7 }), "s52", 0, 3).text, "S52501A");
  const no = m.fitCode("S52.501A", "dotted", lim({ maxLength: 6 }), "", 0, 0);
  assert.equal(no.ok, false);
  assert.match(no.reason, /6 characters/);
  assert.equal(m.fitCode("E11.9", "dotted", lim({ pattern: "[A-Z][0-9]{2}[A-Z0-9]{0,4}" }), "", 0, 0).text, "E119");
  assert.equal(m.fitCode("E11.9", "undotted", lim({ pattern: "[A-Z][0-9]{2}\\.[A-Z0-9]{1,4}" }), "", 0, 0).text, "E11.9");
  assert.match(m.fitCode("E11.9", "dotted", lim({ numericOnly: true }), "", 0, 0).reason, /numbers only/);
  // the rest of a multi-code field counts against maxlength
  assert.equal(m.fitCode("I10", "dotted", lim({ maxLength: 10 }), "E11.9, chf", 7, 10).text, "I10");
  assert.equal(m.fitCode("I50.9", "dotted", lim({ maxLength: 11 }), "E11.9, chf", 7, 10).text, "I509");
  assert.ok(m.sameCode("s52501a", "S52.501A"));
  assert.ok(!m.sameCode("S52.501", "S52.501A"));
});

test("page-text selection: extended to the whole code, one word only", () => {
  const t = "Assessment: E11.65 and S52.501A noted.";
  assert.equal(m.codeInSelection(t, t.indexOf("E11"), t.indexOf("E11") + 3), "E11.65"); // Firefox stops at the dot
  assert.equal(m.codeInSelection(t, t.indexOf("501A"), t.indexOf("501A") + 4), "S52.501A");
  assert.equal(m.codeInSelection(t, t.indexOf("E11"), t.indexOf("noted")), null);
  assert.equal(m.codeInSelection(t, 0, 10), null);
  assert.equal(m.codeInSelection("x E11 y", 2, 5), "E11");
});

test("field text rules: inpatient procedure (ICD-10-PCS) labels", () => {
  const k = (s) => m.kindFromText(m.normalize(s));
  assert.equal(k("ICD-10-PCS"), "pcs");
  assert.equal(k("Principal procedure"), "pcs");
  assert.equal(k("Other procedures"), "pcs");
  assert.equal(k("Procedure code (ICD)"), "pcs");
  assert.equal(k("principalProcedureCode"), "pcs");
  // Dates of those procedures stay dates; outpatient words stay where they were.
  assert.equal(k("Principal procedure date"), "date");
  assert.equal(k("24D. Procedures (CPT/HCPCS)"), "proc");
  assert.equal(k("Diagnosis 1 (ICD-10)"), "dx");
});

test("PCS search goes to the PCS table, attached on first use", async () => {
  let prepared = 0;
  const engine = {
    info: () => ({}), lookup: () => [], search: () => { throw new Error("not the ICD/HCPCS search"); },
    pcsSearch: (q, limit) => [{ system: "icd10pcs", code: "0DTJ4ZZ", title: "Resection of Appendix, Percutaneous Endoscopic Approach", score: 3 }].slice(0, limit),
  };
  const deps = { engine: async () => ({ engine, cold: false }), status: () => ({}), preparePcs: async () => { prepared++; }, syncSites: async () => [] };
  const hits = await m.handle(deps, { type: "search", query: "lap appendectomy", system: "icd10pcs", limit: 5 });
  assert.equal(prepared, 1);
  assert.deepEqual(hits.map((h) => [h.code, h.system]), [["0DTJ4ZZ", "icd10pcs"]]);
});

test("PCS builder steps come from the engine's pcsNext after pcs.idx is attached; insertCode is a content message", async () => {
  let prepared = 0;
  const asked = [];
  const engine = {
    info: () => ({}), lookup: () => [], search: () => [],
    pcsNext: (prefix, date) => { asked.push([prefix, date]); return { prefix, date: date ?? "2027-03-31", position: prefix.length, axis: "body_part", so_far: [], choices: [] }; },
  };
  const deps = { engine: async () => ({ engine, cold: false }), status: () => ({}), preparePcs: async () => { prepared++; }, syncSites: async () => [] };
  const step = await m.handle(deps, { type: "pcsNext", prefix: "0DT" + "J".repeat(20), date: "2026-10-01" });
  assert.equal(prepared, 1);
  assert.deepEqual(asked, [["0DTJJJJ", "2026-10-01"]]); // capped at seven characters
  assert.equal(step.axis, "body_part");
  assert.ok(m.isToBackground({ type: "pcsNext", prefix: "" }));
  assert.ok(m.isToContent({ type: "insertCode", code: "0DTJ4ZZ" }));
  await assert.rejects(m.handle({ ...deps, engine: async () => ({ engine: { ...engine, pcsNext: undefined }, cold: false }) }, { type: "pcsNext", prefix: "" }), /no ICD-10-PCS/);
});

test("form dates become ISO dates for the claim", () => {
  assert.equal(m.isoDate("03/10/2026"), "2026-03-10");
  assert.equal(m.isoDate("3/1/26"), "2026-03-01");
  assert.equal(m.isoDate("03102026"), "2026-03-10");
  assert.equal(m.isoDate("2026-03-10"), "2026-03-10");
  assert.equal(m.isoDate("soon"), "soon");
});

test("site patterns ignore ports like match patterns do", () => {
  assert.equal(m.originPattern("http://127.0.0.1:8080/x"), "http://127.0.0.1/*");
  assert.equal(m.originPattern("portal.example.com"), "https://portal.example.com/*");
  assert.equal(m.originPattern("file:///etc/passwd"), null);
  assert.equal(m.siteKey({ protocol: "https:", hostname: "a.example" }), "https://a.example");
});

test("protocol guards reject anything else on the channel", () => {
  assert.ok(m.isToBackground({ type: "search", query: "x" }));
  assert.ok(!m.isToBackground({ type: "evil" }));
  assert.ok(!m.isToBackground(null));
  assert.ok(m.isToContent({ type: "openPalette" }));
  assert.ok(!m.isToContent({ type: "search" }));
});

function fakeDeps(engine) {
  return {
    engine: async () => ({ engine, cold: false }),
    status: () => ({ cold: false, loadMs: 1, validateField: !!engine.validateField, validateClaim: !!engine.validateClaim, ncci: false }),
    syncSites: async () => ["http://127.0.0.1/*"],
  };
}

test("background: search is clamped, lookup errors become replies, claims get the payer profile", async () => {
  const calls = [];
  const engine = {
    info: () => ({}),
    search: (q, s, l) => { calls.push(["search", q, s, l]); return []; },
    lookup: (c) => { if (c === "ZZZ") throw new Error("not a code"); return [{ code: c }]; },
    validateClaim: (claim, today, opts) => { calls.push(["claim", opts]); return { valid: true, issues: [] }; },
    validateField: (k, v, ctx) => { calls.push(["field", k, v, ctx]); return [{ rule: "npi.check_digit", severity: "error", field: "npi", message: "bad" }]; },
  };
  const d = fakeDeps(engine);
  await m.handle(d, { type: "search", query: "x".repeat(500), system: "icd10cm", limit: 999 });
  assert.equal(calls[0][1].length, 200);
  assert.equal(calls[0][3], 50);
  assert.deepEqual(await m.handle(d, { type: "lookup", code: "ZZZ" }), { records: [], error: "not a code" });
  await m.handle(d, { type: "validateClaim", claim: {}, profile: "medicare" });
  assert.deepEqual(calls.at(-1), ["claim", { profile: "medicare" }]);
  const r = await m.handle(d, { type: "validateFields", fields: [{ kind: "npi", value: "1234567890", context: { position: 0 } }] });
  assert.equal(r[0][0].rule, "npi.check_digit");
  assert.deepEqual(calls.at(-1), ["field", "npi", "1234567890", { position: 0 }]);
  assert.deepEqual(await m.handle(d, { type: "sitesChanged" }), { origins: ["http://127.0.0.1/*"] });
});

test("background: severity tables attached on first use; chips ride on the search; refused options fall back", async () => {
  const calls = [];
  let attached = false, prepared = 0;
  const engine = {
    info: () => ({}),
    hasSeverity: () => attached,
    search: (q, s, l, sev) => {
      calls.push(["search", s, sev]);
      if (sev?.hcc_year === 1999) throw new Error("no HCC mappings for payment year 1999");
      return [{ code: "J96.01", system: "icd10cm", ...(sev ? { severity: { version: "v44", level: "MCC", alive_only: false, hcc: [] } } : {}) }];
    },
    lookup: (c, o) => { calls.push(["lookup", c, o]); return [{ code: c }]; },
    severity: (pdx, sdx, o) => { calls.push(["severity", pdx, sdx, o]); if (pdx === "bad") throw new Error("not an ICD-10-CM code"); return { principal: pdx }; },
  };
  const d = { ...fakeDeps(engine), prepareSeverity: async () => { prepared++; attached = true; } };
  const sev = { version: "v44", hcc_model: "CMS-HCC V28" };
  const hits = await m.handle(d, { type: "search", query: "acute resp failure", system: "icd10cm", limit: 8, severity: sev });
  assert.equal(prepared, 1);
  assert.deepEqual(calls.at(-1), ["search", "icd10cm", sev]);
  assert.equal(hits[0].severity.level, "MCC");
  // no options: no tables loaded, a plain search
  await m.handle(d, { type: "search", query: "x", system: "hcpcs", limit: 8, severity: sev });
  assert.deepEqual(calls.at(-1), ["search", "hcpcs", undefined]);
  // options the tables refuse (a stale setting): plain hits, not an error
  const plain = await m.handle(d, { type: "search", query: "x", system: "icd10cm", limit: 8, severity: { hcc_year: 1999 } });
  assert.equal(plain[0].severity, undefined);
  await m.handle(d, { type: "lookup", code: "I50.23", severity: { principal: "I50.21" } });
  assert.deepEqual(calls.at(-1), ["lookup", "I50.23", { principal: "I50.21" }]);
  const long = Array.from({ length: 40 }, () => "E11.9");
  const r = await m.handle(d, { type: "severity", pdx: "I50.21", secondaries: long, options: {} });
  assert.deepEqual(r, { report: { principal: "I50.21" } });
  assert.equal(calls.at(-1)[2].length, 24);
  assert.deepEqual(await m.handle(d, { type: "severity", pdx: "bad", secondaries: [], options: {} }), { report: null, error: "not an ICD-10-CM code" });
  assert.ok(m.isToBackground({ type: "severity", pdx: "I50.21", secondaries: [] }));
  // an engine without the tables says so
  const bare = { ...engine, hasSeverity: () => false };
  assert.deepEqual(await m.handle(fakeDeps(bare), { type: "severity", pdx: "I50.21", secondaries: [], options: {} }),
    { report: null, error: "no MS-DRG/HCC tables in this build" });
});

test("an inpatient form's principal diagnosis field is marked (CC exclusions depend on it)", () => {
  assert.deepEqual(m.roleFor("dx", "principal dx", false), { k: "dx", principal: true });
  assert.deepEqual(m.roleFor("dx", "prin dx", false), { k: "dx", principal: true });
  assert.deepEqual(m.roleFor("dx", "other dx", false), { k: "dx" });
  assert.deepEqual(m.roleFor("dx", "admitting diagnosis", false), { k: "dx" });
  assert.deepEqual(m.roleFor("dx", "21 b diagnosis", false), { k: "dx", letter: 1 });
});

test("chip and summary words: text plus a label, never colour only", () => {
  const hcc = (model, category, label) => ({ model, year: 2027, category, label });
  const chips = m.severityChips({ version: "v44", level: "MCC", alive_only: true, hcc: [hcc("CMS-HCC V28", "213", "Cardio-Respiratory Failure and Shock"), hcc("RxHCC V08", "31", null)] });
  assert.deepEqual(chips.map((c) => [c.kind, c.text, c.label]), [
    ["mcc", "MCC†", "MCC under MS-DRG v44, only when the patient is discharged alive"],
    ["hcc", "HCC 213", "HCC 213 in CMS-HCC V28 2027"],
    ["hcc", "RxHCC 31", "HCC 31 in RxHCC V08 2027"],
  ]);
  assert.equal(chips[1].title, "HCC 213 in CMS-HCC V28 2027: Cardio-Respiratory Failure and Shock");
  assert.deepEqual(m.severityChips(null), []);
  const report = {
    version: "v44", mcc: ["J96.01"], cc: [], hcc_year: 2027,
    secondaries: [{ code: "I50.23", excluded_by: "I50.21" }, { code: "J96.01" }],
    hcc: [{ model: "CMS-HCC V28", year: 2027, categories: [{ category: "38" }, { category: "226" }] }],
  };
  assert.equal(m.staySummary(report, "CMS-HCC V28"), "HCC V28: 38, 226 · MCC: J96.01 · I50.23 is excluded by the principal");
  assert.equal(m.staySummary({ ...report, mcc: [], secondaries: [] }, "none"), "no CC or MCC");
  const died = { ...report, died: true, secondaries: [...report.secondaries, { code: "I46.9", level: "MCC", alive_only: true, counts: false }] };
  assert.equal(m.staySummary(died, "CMS-HCC V28"), "HCC V28: 38, 226 · MCC: J96.01 · I50.23 is excluded by the principal · I46.9 does not count (the patient died)");
  assert.deepEqual(m.severityOptions({ chips: true, summary: true, msdrgVersion: "auto", hccModel: "CMS-HCC V28", hccYear: "auto" }, "2026-11-01"),
    { hcc_model: "CMS-HCC V28", date: "2026-11-01" });
  assert.deepEqual(m.severityOptions({ chips: true, summary: true, msdrgVersion: "v43", hccModel: "RxHCC V08", hccYear: 2026 }, "11/01/2026"),
    { hcc_model: "RxHCC V08", version: "v43", hcc_year: 2026 });
});

test("shipped manifests ask for no host permission at install", () => {
  for (const dir of [join(ROOT, "dist/extension"), join(process.env.BUILD ?? join(ROOT, "build"), "extension-chrome"), join(process.env.BUILD ?? join(ROOT, "build"), "extension-firefox")]) {
    if (!existsSync(join(dir, "manifest.json"))) continue;
    const man = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    assert.equal(man.manifest_version, 3, dir);
    assert.equal(man.host_permissions, undefined, `${dir}: host_permissions`);
    assert.equal(man.content_scripts, undefined, `${dir}: static content scripts`);
    assert.deepEqual(man.optional_host_permissions, ["http://*/*", "https://*/*"]);
    assert.match(man.content_security_policy.extension_pages, /'wasm-unsafe-eval'/);
    assert.ok(!/unsafe-eval'/.test(man.content_security_policy.extension_pages.replace("'wasm-unsafe-eval'", "")));
    assert.ok(!man.permissions.includes("tabs") && !man.permissions.includes("webRequest"), "no broad permissions");
    assert.equal(man.commands["open-palette"].suggested_key.default, "Alt+Shift+K");
  }
});

test("background: requests of the wrong shape are refused with what is wrong, before any engine work", async () => {
  const calls = [];
  const engine = {
    info: () => ({}),
    search: (q, s, l) => { calls.push(["search", q, s, l]); return []; },
    lookup: (c) => { calls.push(["lookup", c]); return []; },
    validateClaim: () => { calls.push(["claim"]); return { valid: true, issues: [] }; },
    validateField: () => { calls.push(["field"]); return []; },
  };
  const d = { ...fakeDeps(engine), userData: async () => { calls.push(["userData"]); return { sets: [] }; } };
  const refused = [
    [{ type: "search", query: 42, system: "icd10cm", limit: 8 }, /search.*query as text \(got number\)/],
    [{ type: "search", query: "x", system: "icd10cm", limit: NaN }, /limit as a number/],
    [{ type: "search", query: "x", system: ["icd10cm"], limit: 8 }, /system as text/],
    [{ type: "search", query: "x", system: "icd10cm", limit: 8, severity: "v43" }, /severity as an object/],
    [{ type: "lookup", code: { toString: () => "E11.9" } }, /code as text \(got object\)/],
    [{ type: "severity", pdx: "I50.21", secondaries: "I50.23", options: {} }, /secondaries as a list/],
    [{ type: "severity", pdx: "I50.21", secondaries: new Array(10_001).fill("I10"), options: {} }, /at most 10000/],
    [{ type: "validateFields", fields: [{ kind: "npi", value: 1234567893 }] }, /entry 0 is not/],
    [{ type: "validateFields", fields: null }, /fields as a list \(got null\)/],
    [{ type: "validateClaim", claim: [], profile: "medicare" }, /claim as an object \(got a list of 0\)/],
    [{ type: "pcsNext", prefix: 0 }, /prefix as text/],
    [{ type: "userData", op: "add", kind: "cpt", name: "x".repeat(5000), pending: "p1" }, /name as text of at most 1024/],
    [{ type: "userData", op: "drop" }, /op as "list", "add" or "remove"/],
  ];
  for (const [msg, re] of refused) await assert.rejects(m.handle(d, msg), re, JSON.stringify(msg).slice(0, 80));
  assert.deepEqual(calls, [], "no engine call for a refused request");
  // the shapes the extension sends still pass
  await m.handle(d, { type: "search", query: "x", system: "all", limit: 10 });
  await m.handle(d, { type: "validateFields", fields: [{ kind: "npi", value: "1234567893", context: undefined }] });
  await m.handle(d, { type: "userData", op: "add", kind: "cpt", name: "cpt.txt", pending: "p1-abc" });
  assert.equal(calls.length, 3);
});
