// dist/medcode.html: one file. The wasm and the index sit in the page as
// base64 of their gzip; the no-modules glue (global wasm_bindgen) is inlined
// before this script. Compiles asynchronously: browsers refuse synchronous
// compiles of large buffers on the main thread.

import type { Engine, Loaded } from './engine';
import { attachNcci, base64ToBytes, gunzipIfNeeded } from './engine';
import { startApp } from './app';

interface NoModulesGlue {
  (options: { module_or_path: WebAssembly.Module | BufferSource }): Promise<unknown>;
  MedcodeEngine: new (index: Uint8Array) => Engine;
}
declare const wasm_bindgen: NoModulesGlue;

function embedded(id: string): Promise<Uint8Array> {
  const el = document.getElementById(id);
  if (!el || !el.textContent) throw new Error(`this page lost its embedded ${id}: get a fresh copy of medcode.html`);
  return gunzipIfNeeded(base64ToBytes(el.textContent));
}

/** The NCCI table is optional: a build without one leaves the block out. */
function optional(id: string): Promise<Uint8Array | null> {
  return document.getElementById(id) ? embedded(id) : Promise.resolve(null);
}

async function load(): Promise<Loaded> {
  if (typeof wasm_bindgen !== 'function') throw new Error('the engine script is missing from this page: get a fresh copy of medcode.html');
  const t0 = performance.now();
  let fetchDone = 0;
  let instantiateDone = 0;
  const wasm = embedded('medcode-wasm')
    .then((bytes) => WebAssembly.compile(bytes as BufferSource))
    .then((module) => wasm_bindgen({ module_or_path: module }))
    .then(() => { instantiateDone = performance.now() - t0; });
  const index = embedded('medcode-index').then((b) => { fetchDone = performance.now() - t0; return b; });
  const [bytes] = await Promise.all([index, wasm]);
  const t1 = performance.now();
  const engine = new wasm_bindgen.MedcodeEngine(bytes);
  const t2 = performance.now();
  const ncci = attachNcci(engine, await optional('medcode-ncci'));
  return {
    engine,
    ncci,
    form: 'single-file',
    pcsBytes: () => optional('medcode-pcs'),
    severityBytes: () => optional('medcode-severity'),
    timings: { fetch: fetchDone, instantiate: instantiateDone, engine: t2 - t1, ready: t2 },
  };
}

startApp(load);
