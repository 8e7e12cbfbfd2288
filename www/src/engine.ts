// The engine as the page sees it: the shapes src/bindings.rs returns, and
// the byte plumbing both page forms share (gunzip, base64, timings).

export type System = 'icd10cm' | 'hcpcs';
export type NodeKind = 'chapter' | 'section' | 'category' | 'code';
export type NoteKind =
  | 'inclusion_term' | 'includes' | 'excludes1' | 'excludes2' | 'code_first'
  | 'use_additional_code' | 'code_also' | 'seventh_character_note' | 'note';

export interface PathEntry { code: string; kind: NodeKind; title: string }
export interface Note { kind: NoteKind; text: string; from: string }
export interface SeventhCharacter { character: string; meaning: string; code: string }
export interface ValiditySpan { from: string; until: string | null; edits?: string[] }
export interface ChildEntry { code: string; title: string | null; billable: boolean }

export interface CodeRecord {
  code: string;
  system: System;
  kind: NodeKind;
  title: string | null;
  title_missing_reason?: string;
  billable: boolean;
  in_release: boolean;
  path: PathEntry[];
  notes: Note[];
  seventh_characters?: SeventhCharacter[];
  validity: ValiditySpan[];
  children?: ChildEntry[];
}

export interface SearchHit {
  code: string;
  title: string;
  system: System;
  billable: boolean;
  matched: string[];
  score: number;
}

export interface Info {
  format_version: number;
  icd10cm_release: string;
  icd10cm_effective: string;
  icd10cm_billable: number;
  hcpcs_release: string;
  hcpcs_quarter: string;
  hcpcs_active: number;
  [key: string]: unknown;
}

export interface Issue {
  rule: string;
  severity: 'error' | 'warning';
  field: string;
  message: string;
  suggestion?: string;
}

export interface Report { valid: boolean; issues: Issue[] }

export interface ServiceLine {
  from?: string;
  to?: string;
  place_of_service?: string;
  code?: string;
  modifiers?: string[];
  diagnosis_pointers?: string[];
  units?: number | string;
  charge?: string;
}

export interface Claim {
  patient?: { sex?: string; birth_date?: string; zip?: string };
  billing_provider?: { npi?: string; tax_id?: string; tax_id_type?: string; zip?: string };
  rendering_provider?: { npi?: string };
  referring_provider?: { npi?: string };
  diagnoses?: string[];
  service_lines?: ServiceLine[];
}

/** What the page needs from a MedcodeEngine. */
export interface Engine {
  info(): Info;
  lookup(code: string): CodeRecord[];
  search(query: string, system?: string, limit?: number): SearchHit[];
  validateClaim: (claim: Claim, today?: string, options?: ValidationOptions) => Report;
  validateField: (kind: string, value: string, context?: unknown) => Issue[];
  /** Enables the ncci.ptp rule with the bytes of ncci.idx. */
  attachNcci: (bytes: Uint8Array) => void;
}

/** Payer limits: `profile` "cms1500" (the form: 4 pointers a line) or "medicare" (1). */
export interface ValidationOptions {
  profile?: 'cms1500' | 'medicare';
}

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
  const reader = res.body.getReader();
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
  return new Uint8Array(await new Response(stream as ReadableStream<BufferSource>).arrayBuffer());
}

export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const from = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (typeof from === 'function') return from(clean);
  const bin = atob(clean);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
