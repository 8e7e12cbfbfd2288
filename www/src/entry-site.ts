// dist/www: the site. Fetches the versioned wasm and index next to the page,
// compiles the wasm while the index downloads, and registers the service
// worker that keeps every file of this version for offline use.

import init, { IndexLoader, MedcodeEngine, parseUserData } from 'medcode-glue-web';
import type { Engine, Loaded } from './engine';
import { attachNcci, responseBytes, responseStream } from './engine';
import { declaredLength, engineFromStream } from '../../web-shared/index-stream';
import { startApp } from './app';
import { watchServiceWorker } from './sw-client';

// Filled in by www/tools/build.mjs with this build's hashed file names.
declare const MEDCODE_ASSETS: { wasm: string; index: string; ncci: string | null; pcs: string | null; severity: string | null };

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url} (HTTP ${res.status}): the site is missing a file; rebuild or re-copy dist/www`);
  return responseBytes(res);
}

async function load(): Promise<Loaded> {
  const t0 = performance.now();
  let fetchDone = 0;
  let instantiateDone = 0;
  const wasm = init({ module_or_path: fetch(MEDCODE_ASSETS.wasm) }).then(() => { instantiateDone = performance.now() - t0; });
  const ncciBytes = MEDCODE_ASSETS.ncci ? fetchBytes(MEDCODE_ASSETS.ncci) : Promise.resolve(null);
  const res = await fetch(MEDCODE_ASSETS.index);
  if (!res.ok) throw new Error(`could not load ${MEDCODE_ASSETS.index} (HTTP ${res.status}): the site is missing a file; rebuild or re-copy dist/www`);
  let engine: Engine;
  let t1: number;
  if (res.body && typeof DecompressionStream === 'function') {
    // copied into the engine's memory while it arrives (web-shared/index-stream.ts)
    const { stream, gzip } = await responseStream(res);
    const marks: { bodyDone?: number; built?: number } = {};
    engine = (await engineFromStream<MedcodeEngine>(stream, gzip ? 0 : declaredLength(res), wasm, (n) => new IndexLoader(n), marks)) as unknown as Engine;
    fetchDone = (marks.bodyDone ?? t0) - t0;
    t1 = Math.max(marks.bodyDone ?? t0, t0 + instantiateDone);
  } else {
    const [bytes] = await Promise.all([responseBytes(res), wasm]);
    fetchDone = performance.now() - t0;
    t1 = performance.now();
    engine = new MedcodeEngine(bytes) as unknown as Engine;
  }
  const t2 = performance.now();
  const ncci = attachNcci(engine, await ncciBytes);
  return {
    engine,
    ncci,
    form: 'site',
    parseUserData,
    pcsBytes: () => (MEDCODE_ASSETS.pcs ? fetchBytes(MEDCODE_ASSETS.pcs) : Promise.resolve(null)),
    severityBytes: () => (MEDCODE_ASSETS.severity ? fetchBytes(MEDCODE_ASSETS.severity) : Promise.resolve(null)),
    timings: { fetch: fetchDone, instantiate: instantiateDone, engine: t2 - t1, ready: t2 },
  };
}

startApp(load);
watchServiceWorker();
