// Builds the demo pages' generated assets in memory with esbuild (React is a
// devDependency; nothing is fetched from the internet):
//   cms1500.bundle.js   the React form for cms1500.html
//   renderCspForm()     the same form rendered to static HTML for cms1500-csp.html
//   openmrs-visitnote.bundle.js   the OpenMRS 3 visit note (React) for openmrs-visitnote.html
//   react-dx-picker.bundle.js     react-select and Carbon ComboBox diagnosis pickers for react-dx-picker.html
//   hospitalrun-diagnosis.bundle.js   HospitalRun's New Diagnosis form for hospitalrun-diagnosis.html
import { build } from "esbuild";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const common = { bundle: true, write: false, jsx: "automatic", logLevel: "error", define: { "process.env.NODE_ENV": '"production"' } };

export async function bundleCms1500() {
  const r = await build({ ...common, entryPoints: [join(here, "src/cms1500-main.jsx")], format: "iife", minify: true, target: "es2020" });
  return r.outputFiles[0].text;
}

export async function bundleOpenmrsVisitNote() {
  const r = await build({ ...common, entryPoints: [join(here, "src/openmrs-visitnote-main.jsx")], format: "iife", minify: true, target: "es2020" });
  return r.outputFiles[0].text;
}

export async function bundleReactDxPicker() {
  const r = await build({ ...common, entryPoints: [join(here, "src/react-dx-picker-main.jsx")], format: "iife", minify: true, target: "es2020" });
  return r.outputFiles[0].text;
}

export async function bundleHospitalRunDiagnosis() {
  const r = await build({ ...common, entryPoints: [join(here, "src/hospitalrun-diagnosis-main.jsx")], format: "iife", minify: true, target: "es2020" });
  return r.outputFiles[0].text;
}

export async function renderCspForm() {
  const r = await build({ ...common, entryPoints: [join(here, "src/cms1500-static.jsx")], format: "cjs", platform: "node" });
  const module = { exports: {} };
  new Function("require", "module", "exports", r.outputFiles[0].text)(createRequire(import.meta.url), module, module.exports);
  return module.exports.renderStatic();
}
