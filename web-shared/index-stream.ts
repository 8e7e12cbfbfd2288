// The index read into the engine's memory while it downloads: each chunk of
// the response body is copied into the wasm IndexLoader (src/bindings.rs) as
// it arrives, then the engine is built over those bytes where they lie.
// Measured in Chromium (12.3 MB, fresh pages): reading the body chunk by
// chunk into memory sized up front took 61 ms where `arrayBuffer()` took 90,
// and `new MedcodeEngine(bytes)` then copied the whole file once more.
// Used by the extension's background, the site and the bench page.

/** What the glue's `IndexLoader` offers (src/bindings.rs). */
export interface IndexLoaderLike<E> {
  push(chunk: Uint8Array): void;
  finish(): E;
  free(): void;
}

/** The file's length from Content-Length, else 0 (the loader then grows as chunks come). */
export function declaredLength(res: Response): number {
  const n = Number(res.headers.get('content-length') ?? 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/**
 * Builds the engine from `body`. Chunks that arrive before the wasm is
 * instantiated (`wasmReady`) wait in a list and are copied in once it is;
 * later ones go straight in. `newLoader` runs only after `wasmReady`.
 */
export async function engineFromStream<E>(
  body: ReadableStream<Uint8Array>,
  size: number,
  wasmReady: Promise<unknown>,
  newLoader: (size: number) => IndexLoaderLike<E>,
  /** filled with performance.now() when the body has been read and when the engine is built */
  marks?: { bodyDone?: number; built?: number },
): Promise<E> {
  let ready = false;
  void wasmReady.then(() => { ready = true; }, () => undefined);
  let loader: IndexLoaderLike<E> | null = null;
  const waiting: Uint8Array[] = [];
  const reader = body.getReader();
  const open = () => {
    // no Content-Length (or gzip): the index header's payload length (bytes 16..24)
    const head = waiting[0];
    if (!size && head && head.length >= 24) {
      const v = new DataView(head.buffer, head.byteOffset, 24);
      size = 24 + v.getUint32(16, true) + v.getUint32(20, true) * 2 ** 32;
    }
    const l = newLoader(size);
    try {
      for (const c of waiting) l.push(c);
    } catch (e) {
      l.free();
      throw e;
    }
    waiting.length = 0;
    return l;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loader) loader.push(value);
      else {
        waiting.push(value);
        if (ready) loader = open();
      }
    }
    if (marks) marks.bodyDone = performance.now();
    await wasmReady;
    loader ??= open();
  } catch (e) {
    loader?.free();
    void reader.cancel().catch(() => undefined);
    throw e;
  }
  // finish() consumes the loader (also when it throws: a refused index).
  const engine = loader.finish();
  if (marks) marks.built = performance.now();
  return engine;
}
