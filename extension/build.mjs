#!/usr/bin/env node
// Builds one flavour of the extension into a directory.
//   node extension/build.mjs --browser chrome|firefox|universal --out DIR [--test]
//     [--wasm build/wasm] [--index dist/medcode.idx] [--hosts "https://portal.example.com/*,..."]
// Manifest = manifest/base.json + manifest/<browser>.json (+ manifest/test.json
// for --test); "universal" carries both browsers' keys (load unpacked anywhere).
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkVocabularyFile } from "./data/check-vocabulary.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : true]);
  return acc;
}, []));
const browser = args.browser ?? "chrome";
const out = resolve(args.out ?? join(root, "dist/extension"));
const wasmDir = resolve(args.wasm ?? join(root, "build/wasm"));
const index = resolve(args.index ?? join(root, "dist/medcode.idx"));
const ncci = resolve(args.ncci ?? join(dirname(index), "ncci.idx"));
if (!["chrome", "firefox", "universal"].includes(browser)) throw new Error(`--browser: chrome, firefox or universal, not ${browser}`);

const readJson = (p) => JSON.parse(readFileSync(join(here, p), "utf8"));
// the field vocabulary is reviewed data: refuse to build with a malformed one
checkVocabularyFile(join(here, "data/field-vocabulary.json"));
function merge(a, b) {
  if (Array.isArray(a) || Array.isArray(b) || typeof a !== "object" || typeof b !== "object" || !a || !b) return b;
  const o = { ...a };
  for (const [k, v] of Object.entries(b)) if (!k.startsWith("//")) o[k] = k in a ? merge(a[k], v) : v;
  return o;
}
const strip = (o) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("//")));

let manifest = readJson("manifest/base.json");
const patches = browser === "universal" ? ["chrome", "firefox"] : [browser];
for (const p of patches) manifest = merge(manifest, strip(readJson(`manifest/${p}.json`)));
if (browser === "universal") {
  // both background keys: Chrome uses service_worker, Firefox uses scripts
  manifest.background = { service_worker: "background.js", scripts: ["background.js"], type: "module" };
}
if (args.test) {
  manifest = merge(manifest, strip(readJson("manifest/test.json")));
  for (const p of patches) {
    try {
      manifest = merge(manifest, strip(readJson(`manifest/test-${p}.json`)));
    } catch (e) {
      if (e.code !== "ENOENT") throw e;
    }
  }
}
// --hosts "https://portal.example.com/*,https://ehr.example.org/*": enterprise builds whose
// sites are granted at install (no prompt), to pair with the "sites" managed policy
if (typeof args.hosts === "string") {
  manifest.host_permissions = [...new Set([...(manifest.host_permissions ?? []), ...args.hosts.split(",").map((s) => s.trim()).filter(Boolean)])];
}
const cargo = readFileSync(join(root, "Cargo.toml"), "utf8").match(/^version\s*=\s*"([^"]+)"/m);
if (cargo) manifest.version = cargo[1].replace(/-.*$/, "");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "icons"), { recursive: true });

const common = {
  bundle: true, write: true, logLevel: "warning", target: ["chrome121", "firefox128"],
  legalComments: "none", charset: "utf8", sourcemap: false,
  alias: { "medcode-wasm": join(wasmDir, "medcode.js") },
};
await Promise.all([
  build({ ...common, entryPoints: [join(here, "src/background/index.ts")], outfile: join(out, "background.js"), format: "esm" }),
  build({ ...common, entryPoints: [join(here, "src/content/index.ts")], outfile: join(out, "content.js"), format: "iife" }),
  build({ ...common, entryPoints: [join(here, "src/ui/popup.ts")], outfile: join(out, "popup.js"), format: "iife" }),
  build({ ...common, entryPoints: [join(here, "src/ui/options.ts")], outfile: join(out, "options.js"), format: "iife" }),
]);

for (const f of ["popup.html", "options.html", "ui.css", "managed-schema.json"]) copyFileSync(join(here, "static", f), join(out, f));
for (const f of readdirSync(join(here, "icons"))) if (f.endsWith(".png")) copyFileSync(join(here, "icons", f), join(out, "icons", f));
copyFileSync(join(wasmDir, "medcode_bg.wasm"), join(out, "medcode_bg.wasm"));
copyFileSync(index, join(out, "medcode.idx"));
if (existsSync(ncci)) copyFileSync(ncci, join(out, "ncci.idx")); // NCCI PTP edits (ncci.ptp rule)
const pcsIdx = join(dirname(index), "pcs.idx");
if (existsSync(pcsIdx)) copyFileSync(pcsIdx, join(out, "pcs.idx")); // ICD-10-PCS, attached on first use
const severityIdx = join(dirname(index), "severity.idx");
if (existsSync(severityIdx)) copyFileSync(severityIdx, join(out, "severity.idx")); // MS-DRG CC/MCC + HCCs, attached on first use
// An organisation's own data from ./build.sh --cpt-file/--mue (dist/data): packaged beside the index.
const userData = join(dirname(index), "data");
rmSync(join(out, "data"), { recursive: true, force: true });
if (existsSync(join(userData, "index.json"))) {
  mkdirSync(join(out, "data"), { recursive: true });
  for (const f of readdirSync(userData)) copyFileSync(join(userData, f), join(out, "data", f));
}
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`extension (${browser}${args.test ? ", test" : ""}) -> ${out}`);
