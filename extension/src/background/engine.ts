// The engine inside the extension's own context. A static import of the
// --target web glue (service workers cannot import() dynamically); the index
// comes from the package. The worker may be killed at any time: the engine is
// only a cache, rebuilt on the next request.

import init, { MedcodeEngine } from "medcode-wasm";
import type { Engine } from "../shared/engine-api";
import type { EngineStatus } from "../shared/protocol";

let loading: Promise<Engine> | null = null;
let lastLoadMs = 0;

export interface EngineAssets {
  wasmUrl: string;
  indexUrl: string;
  /** NCCI PTP edits (optional: packaged when the build had them) */
  ncciUrl: string;
}

let ncciAttached = false;

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
  const [, bytes, ncci] = await Promise.all([
    init({ module_or_path: assets.wasmUrl }),
    fetch(assets.indexUrl).then((r) => {
      if (!r.ok) throw new Error(`medcode: cannot read the bundled index (${r.status}); reinstall the extension`);
      return r.arrayBuffer();
    }),
    fetch(assets.ncciUrl).then((r) => (r.ok ? r.arrayBuffer() : null), () => null),
  ]);
  const engine = new MedcodeEngine(new Uint8Array(bytes)) as unknown as Engine;
  if (ncci && typeof engine.attachNcci === "function") {
    engine.attachNcci(new Uint8Array(ncci));
    ncciAttached = true;
  }
  lastLoadMs = performance.now() - t0;
  return engine;
}

export function status(engine: Engine, cold: boolean): EngineStatus {
  return {
    cold,
    loadMs: Math.round(lastLoadMs * 10) / 10,
    validateField: typeof engine.validateField === "function",
    validateClaim: typeof engine.validateClaim === "function",
    ncci: ncciAttached,
  };
}
