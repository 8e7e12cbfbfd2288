// dist/medcode.html: one file. The wasm and the index sit in the page as
// base64 of their gzip; each is decoded (and the wasm compiled, streaming)
// from the moment the parser has read it (embedded.ts), while the rest of the
// file is parsed. The no-modules glue (global wasm_bindgen) is inlined before
// this script; NCCI (attached once the engine is up) and PCS (decoded on
// first use) come after it.

import type { Engine, Loaded } from './engine';
import { attachNcci } from './engine';
import { blockStream, embeddedBlocks } from './embedded';
import { startApp } from './app';

interface NoModulesGlue {
  (options: { module_or_path: WebAssembly.Module | BufferSource }): Promise<unknown>;
  MedcodeEngine: new (index: Uint8Array) => Engine;
  parseUserData: NonNullable<Loaded['parseUserData']>;
}
declare const wasm_bindgen: NoModulesGlue;

const blocks = embeddedBlocks();

/** A block's bytes: the decode started after it was parsed, else one started now. */
function embedded(id: string): Promise<Uint8Array> {
  blocks.take(id);
  return blocks.bytes(id)!;
}

/** The compiled engine: compiled while it was gunzipped, else from its bytes. */
async function wasmModule(): Promise<WebAssembly.Module> {
  blocks.take('medcode-wasm');
  const started = blocks.module('medcode-wasm');
  if (started) {
    try {
      return await started;
    } catch {
      /* compileStreaming refused (an old browser): compile from the bytes */
    }
  }
  const bytes = new Uint8Array(await new Response(blockStream('medcode-wasm') as ReadableStream<BufferSource>).arrayBuffer());
  return WebAssembly.compile(bytes as BufferSource);
}

/** The blocks after this script (NCCI, PCS) exist once the parser is done. */
const parsed = new Promise<void>((resolve) => {
  if (document.readyState !== 'loading') resolve();
  else document.addEventListener('DOMContentLoaded', () => resolve(), { once: true });
});

/** An optional block (NCCI, PCS): a build without one leaves it out. */
async function optional(id: string): Promise<Uint8Array | null> {
  await parsed;
  return document.getElementById(id) ? embedded(id) : null;
}

async function load(): Promise<Loaded> {
  if (typeof wasm_bindgen !== 'function') throw new Error('the engine script is missing from this page: get a fresh copy of medcode.html');
  let fetchDone = 0;
  let instantiateDone = 0;
  let memory: WebAssembly.Memory | undefined;
  const wasm = wasmModule()
    .then((module) => wasm_bindgen({ module_or_path: module }))
    .then((exports) => {
      instantiateDone = performance.now();
      memory = (exports as { memory?: WebAssembly.Memory }).memory;
    });
  const index = embedded('medcode-index').then((b) => { fetchDone = performance.now(); return b; });
  const [bytes] = await Promise.all([index, wasm]);
  const t1 = performance.now();
  const engine = new wasm_bindgen.MedcodeEngine(bytes);
  const t2 = performance.now();
  blocks.sizes['wasm-memory'] = memory?.buffer.byteLength ?? 0; // for bench/single-file.mjs
  const ncci = attachNcci(engine, await optional('medcode-ncci'));
  return {
    engine,
    ncci,
    form: 'single-file',
    parseUserData: wasm_bindgen.parseUserData,
    pcsBytes: () => optional('medcode-pcs'),
    severityBytes: () => optional('medcode-severity'),
    // fetch/instantiate: from the moment the parser handed over the block (it
    // is decoded while the rest of the page is parsed); ready: from navigation
    timings: {
      fetch: fetchDone - (blocks.marks['medcode-index:start'] ?? 0),
      instantiate: instantiateDone - (blocks.marks['medcode-wasm:start'] ?? 0),
      engine: t2 - t1,
      ready: t2,
    },
  };
}

startApp(load);
