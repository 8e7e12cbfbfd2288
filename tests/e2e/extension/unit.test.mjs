// Unit tests of the extension's pure parts (no browser): code shapes, field
// text rules, dates, the request handler over a fake engine, manifests.
import test from "node:test";
import assert from "node:assert/strict";
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./harness.mjs";

const src = join(ROOT, "extension/src");
const entry = `
export { looksLikeCode, formatCode, codeAt, codesInNote } from "./shared/codes";
export { normalize, kindFromText } from "./content/detect";
export { isoDate } from "./content/claim";
export { handle } from "./background/service";
export { originPattern, siteKey } from "./shared/settings";
export { isToBackground, isToContent } from "./shared/protocol";
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
