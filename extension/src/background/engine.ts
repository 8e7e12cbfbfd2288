// The engine inside the extension's own context. A static import of the
// --target web glue (service workers cannot import() dynamically); the index
// comes from the package. The worker may be killed at any time: the engine is
// only a cache, rebuilt on the next request.

import init, { IndexLoader, type MedcodeEngine } from "medcode-wasm";
import { declaredLength, engineFromStream } from "../../../web-shared/index-stream";
import type { Engine } from "../shared/engine-api";
import type { EngineStatus } from "../shared/protocol";
import { attachStored, countStored, usePackagedData } from "./userdata";

let loading: Promise<Engine> | null = null;
let lastLoadMs = 0;
/** where the last load's time went: wasm compile+init, index fetch, engine construction, NCCI */
let breakdown = { wasmMs: 0, fetchMs: 0, engineMs: 0, ncciMs: 0, userDataMs: 0, severityMs: 0 };
let userDataSets = 0;

export interface EngineAssets {
  wasmUrl: string;
  indexUrl: string;
  /** NCCI PTP edits (optional: packaged when the build had them) */
  ncciUrl: string;
}

let ncciAttached = false;
let ncciUrl = "";
let ncciLoading: Promise<void> | null = null;

/**
 * NCCI PTP edits matter only to whole-claim checks with two or more
 * procedures, and attaching them costs ~100 ms: done on the first claim, not
 * on the cold start that the first keystroke waits for.
 */
export function ensureNcci(engine: Engine): Promise<void> {
  if (ncciAttached || !ncciUrl) return Promise.resolve();
  ncciLoading ??= fetch(ncciUrl)
    .then((r) => (r.ok ? r.arrayBuffer() : null))
    .then((b) => {
      if (!b) return;
      const t = performance.now();
      engine.attachNcci(new Uint8Array(b));
      ncciAttached = true;
      breakdown.ncciMs = Math.round((performance.now() - t) * 10) / 10;
    })
    .catch(() => { ncciLoading = null; });
  return ncciLoading;
}

let pcsAttached = false;
let pcsLoading: Promise<void> | null = null;

/** ICD-10-PCS (pcs.idx beside the index), attached the first time a PCS field or search needs it. */
export function ensurePcs(engine: Engine, url: string): Promise<void> {
  if (pcsAttached || typeof engine.attachPcs !== "function" || !url) return Promise.resolve();
  pcsLoading ??= fetch(url)
    .then((r) => (r.ok ? r.arrayBuffer() : null))
    .then((b) => {
      if (!b) return;
      engine.attachPcs!(new Uint8Array(b));
      pcsAttached = true;
    })
    .catch(() => { pcsLoading = null; });
  return pcsLoading;
}

let severityAttached = false;
let severityLoading: Promise<void> | null = null;

/** MS-DRG CC/MCC and HCC tables (severity.idx beside the index), attached the first time chips, details or a stay need them. */
export function ensureSeverity(engine: Engine, url: string): Promise<void> {
  if (severityAttached || typeof engine.attachSeverity !== "function" || !url) return Promise.resolve();
  severityLoading ??= fetch(url)
    .then((r) => (r.ok ? r.arrayBuffer() : null))
    .then((b) => {
      if (!b) return;
      const t = performance.now();
      engine.attachSeverity(new Uint8Array(b));
      severityAttached = true;
      breakdown.severityMs = Math.round((performance.now() - t) * 10) / 10;
    })
    .catch(() => { severityLoading = null; });
  return severityLoading;
}

/** The engine, loading it on first use; `cold` says whether this call loaded it. */
export async function getEngine(assets: EngineAssets): Promise<{ engine: Engine; cold: boolean }> {
  const cold = loading === null;
  if (!loading) {
    loading = load(assets).catch((e: unknown) => {
      loading = null; // let the next request try again
      throw e;
    });
  }
  return { engine: await loading, cold };
}

async function load(assets: EngineAssets): Promise<Engine> {
  const t0 = performance.now();
  const since = (t: number) => Math.round((performance.now() - t) * 10) / 10;
  let wasmMs = 0;
  const wasmReady = init({ module_or_path: assets.wasmUrl }).then(() => { wasmMs = since(t0); });
  // Whether the user stored any set at all: a count, no set read, asked while
  // the index arrives. With none (most starts) a diagnosis search answers as
  // soon as the engine is built; before, it waited for the stores to be
  // opened and listed after the build (user_data_ms in the cold-start bench).
  const storedCount = countStored().catch(() => 1);
  // the index goes into the engine's memory chunk by chunk while it arrives
  // (web-shared/index-stream.ts); the wasm compiles meanwhile
  const res = await fetch(assets.indexUrl);
  if (!res.ok || !res.body) throw new Error(`medcode: cannot read the bundled index (${res.status}); reinstall the extension`);
  const marks: { bodyDone?: number; built?: number } = {};
  const built = await engineFromStream<MedcodeEngine>(res.body, declaredLength(res), wasmReady, (n) => new IndexLoader(n), marks);
  const engine = built as unknown as Engine;
  const fetchMs = Math.round(((marks.bodyDone ?? t0) - t0) * 10) / 10;
  // construction: from the later of body read and wasm ready to the engine built
  const engineMs = Math.round(((marks.built ?? t0) - Math.max(marks.bodyDone ?? t0, t0 + wasmMs)) * 10) / 10;
  breakdown = { wasmMs, fetchMs, engineMs, ncciMs: 0, userDataMs: 0, severityMs: 0 };
  ncciUrl = assets.ncciUrl;
  lastLoadMs = performance.now() - t0;
  // the user's own data (IndexedDB, packaged sets) is read and attached right
  // after, not before the first answer: a diagnosis search never uses it, and
  // every request that can waits for it (ensureUserData). Reading it while the
  // index was fetched measured slower (the fetch lost more than the read saved).
  const t2 = performance.now();
  usePackagedData(assets.indexUrl);
  // A diagnosis search waits only when an ICD-10-CM file of the user's is
  // stored (its codes join the answers): known once the sets are listed.
  let listed: (hasIcd10cm: boolean) => void = () => undefined;
  const icdListed = new Promise<boolean>((resolve) => { listed = resolve; });
  userDataReady = attachStored(engine, listed).then(
    (n) => { userDataSets = n; breakdown.userDataMs = since(t2); },
    () => undefined,
  ).finally(() => listed(false));
  dxDataReady = storedCount.then((n) => (n === 0 ? undefined : icdListed.then((has) => (has ? userDataReady : undefined))));
  return engine;
}

let userDataReady: Promise<void> = Promise.resolve();
let dxDataReady: Promise<void> = Promise.resolve();

/**
 * Resolves once the user's stored sets are attached to the loaded engine;
 * for a diagnosis search (`dx`), at once unless an ICD-10-CM file is stored.
 */
export function ensureUserData(dx = false): Promise<void> {
  return dx ? dxDataReady : userDataReady;
}

export function status(engine: Engine, cold: boolean): EngineStatus {
  return {
    cold,
    loadMs: Math.round(lastLoadMs * 10) / 10,
    validateField: typeof engine.validateField === "function",
    validateClaim: typeof engine.validateClaim === "function",
    ncci: ncciAttached,
    breakdown,
    userData: userDataSets,
  };
}
