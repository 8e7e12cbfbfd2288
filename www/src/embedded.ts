// dist/medcode.html: starts decoding each embedded block (base64 of gzip) as
// soon as the parser has read it, while it goes on reading the rest of the
// file: a small inline script after each block calls `medcodeEmbedded.take(id)`.
// The wasm block is compiled as it is gunzipped (compileStreaming), so its
// compile overlaps the parsing and decoding of the index. entry-single.ts
// picks up the promises; a block nobody started is decoded on demand.

export interface EmbeddedBlocks {
  /** start decoding block `id` now (idempotent) */
  take(id: string): void;
  /** the bytes of a started block (gunzipped), or null when it was not started */
  bytes(id: string): Promise<Uint8Array> | null;
  /** the compiled wasm module, when the wasm block was started */
  module(id: string): Promise<WebAssembly.Module> | null;
  /** performance.now() when each block was started and finished (for the timings) */
  marks: Record<string, number>;
  /** bytes, for the benchmark (the engine's wasm memory once it is ready) */
  sizes: Record<string, number>;
}

const GZIP = [0x1f, 0x8b];

/** The block's text as bytes (forgiving base64: the line breaks are skipped by the decoder). */
export function blockBytes(id: string): Uint8Array {
  const el = document.getElementById(id);
  const text = el?.textContent;
  if (!text) throw new Error(`this page lost its embedded ${id}: get a fresh copy of medcode.html`);
  const from = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (typeof from === 'function') return from(text);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * A stream of the block's bytes, gunzipped when they are gzip. The whole
 * block goes to the decompressor in one write: inflated in one go rather
 * than in 64 KB pieces, each waiting for a turn between the parser's slices.
 */
export function blockStream(id: string): ReadableStream<Uint8Array> {
  const raw = blockBytes(id);
  if (raw[0] !== GZIP[0] || raw[1] !== GZIP[1]) return new Blob([raw as BlobPart]).stream() as ReadableStream<Uint8Array>;
  if (typeof DecompressionStream !== 'function') {
    throw new Error('This browser cannot decompress the code data (no DecompressionStream): use a current Chrome, Edge, Firefox or Safari.');
  }
  const gunzip = new DecompressionStream('gzip');
  const writer = gunzip.writable.getWriter();
  writer.write(raw as BufferSource).catch(() => undefined); // a damaged block errors the readable side
  writer.close().catch(() => undefined);
  return gunzip.readable as ReadableStream<Uint8Array>;
}

function createBlocks(): EmbeddedBlocks {
  const bytes = new Map<string, Promise<Uint8Array>>();
  const modules = new Map<string, Promise<WebAssembly.Module>>();
  const marks: Record<string, number> = {};
  const done = <T>(id: string, p: Promise<T>): Promise<T> => {
    p.then(() => { marks[`${id}:done`] = performance.now(); }, () => undefined);
    return p;
  };
  return {
    marks,
    sizes: {},
    take(id) {
      if (bytes.has(id) || modules.has(id)) return;
      marks[`${id}:start`] = performance.now();
      const run = async () => blockStream(id);
      if (id === 'medcode-wasm' && typeof WebAssembly.compileStreaming === 'function') {
        const compiled = run().then((s) => WebAssembly.compileStreaming(new Response(s as ReadableStream<BufferSource>, { headers: { 'Content-Type': 'application/wasm' } })));
        compiled.catch(() => undefined); // entry-single falls back to decoding it again
        modules.set(id, done(id, compiled));
        return;
      }
      const b = run().then(async (s) => new Uint8Array(await new Response(s as ReadableStream<BufferSource>).arrayBuffer()));
      b.catch(() => undefined); // reported when entry-single asks for it
      bytes.set(id, done(id, b));
    },
    bytes: (id) => bytes.get(id) ?? null,
    module: (id) => modules.get(id) ?? null,
  };
}

declare global {
  var medcodeEmbedded: EmbeddedBlocks | undefined;
}

export function embeddedBlocks(): EmbeddedBlocks {
  globalThis.medcodeEmbedded ??= createBlocks();
  return globalThis.medcodeEmbedded;
}
