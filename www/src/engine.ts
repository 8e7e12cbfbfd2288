// The engine as the page sees it: the shapes src/bindings.rs returns, and
// the byte plumbing both page forms share (gunzip, timings; the single
// file's base64 blocks: embedded.ts).
// The types are generated from the Rust types (types/engine-api.d.ts).

import type { Engine as GeneratedEngine } from '../../types/engine-api';
import type { UserDataCalls } from '../../types/extra-api';
import type { ParseUserData } from '../../web-shared/userdata-sets';

/** The engine: the generated calls (ICD-10-PCS included: pcsLookup, pcsNext, pcsSearch) and the user-data call (types/extra-api.d.ts). */
export type Engine = GeneratedEngine & UserDataCalls;
export type { PcsHit, PcsRecord, BuilderStep, NextChar } from '../../types/engine-api';

export type {
  ChildEntry, Claim, CodeRecord, FieldContext, FieldKind, Info, Issue, NodeKind, Note,
  NoteKind, PathEntry, Report, SearchHit, ServiceLine, SeventhCharacter, System, SystemFilter,
  ValidationOptions, ValiditySpan, HitSeverity, HccCategory, MsdrgLevel, StayReport,
} from '../../types/engine-api';

/** Attaches the NCCI table when the page has one; says whether it did. */
export function attachNcci(engine: Engine, bytes: Uint8Array | null): boolean {
  if (!bytes) return false;
  engine.attachNcci(bytes);
  return true;
}

/** Milliseconds, from performance.now(); fetch and instantiate overlap. */
export interface Timings {
  /** Index bytes in hand (read or fetched, and gunzipped). */
  fetch: number;
  /** WebAssembly compiled and instantiated. */
  instantiate: number;
  /** new MedcodeEngine(index) alone. */
  engine: number;
  /** Page start to engine ready. */
  ready: number;
}

export interface Loaded {
  engine: Engine;
  /** NCCI procedure-to-procedure edits attached (ncci.ptp runs). */
  ncci: boolean;
  timings: Timings;
  /** "site" (dist/www) or "single-file" (dist/medcode.html). */
  form: 'site' | 'single-file';
  /** The bytes of pcs.idx, fetched or decoded only when first asked for (null: not in this build). */
  pcsBytes?: () => Promise<Uint8Array | null>;
  /** The engine's parser for the user's own files (src/bindings.rs parseUserData). */
  parseUserData?: ParseUserData;
  /** The bytes of severity.idx (MS-DRG CC/MCC, HCCs), read only when first asked for (null: not in this build). */
  severityBytes?: () => Promise<Uint8Array | null>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Gunzips bytes with the standard DecompressionStream. Bytes that are not
 * gzip pass through unchanged: a static host may already have removed the
 * gzip layer (Content-Encoding) on the way.
 */
export async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) return bytes;
  if (typeof DecompressionStream !== 'function') {
    throw new Error('This browser cannot decompress the code data (no DecompressionStream): use a current Chrome, Edge, Firefox or Safari.');
  }
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * A response's bytes, gunzipped while they arrive when they are gzip (the
 * download and the decompression overlap). Magic bytes decide, not headers.
 */
export async function responseBytes(res: Response): Promise<Uint8Array> {
  if (!res.body || typeof DecompressionStream !== 'function') {
    return gunzipIfNeeded(new Uint8Array(await res.arrayBuffer()));
  }
  const { stream } = await responseStream(res);
  return new Uint8Array(await new Response(stream as ReadableStream<BufferSource>).arrayBuffer());
}

/**
 * A response's body as a stream of its bytes, gunzipped while they arrive
 * when they are gzip (magic bytes decide, not headers); `gzip` says whether
 * they were. Needs `res.body` and DecompressionStream.
 */
export async function responseStream(res: Response): Promise<{ stream: ReadableStream<Uint8Array>; gzip: boolean }> {
  const reader = res.body!.getReader();
  const head: Uint8Array[] = [];
  let seen = 0;
  while (seen < 2) {
    const { done, value } = await reader.read();
    if (done) break;
    head.push(value);
    seen += value.length;
  }
  const first = head[0];
  const second = first && first.length > 1 ? first[1] : head[1]?.[0];
  const gzip = first !== undefined && first[0] === GZIP_MAGIC[0] && second === GZIP_MAGIC[1];
  const whole = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const stream = gzip ? whole.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>) : whole;
  return { stream, gzip };
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
