// ICD-10-PCS calls of the engine (src/bindings.rs attachPcs/pcsLookup/pcsNext/pcsSearch).
// Hand-written for now: the PCS types (src/icd10pcs/) do not derive TypeScript
// yet, so they are not in the generated engine-api.d.ts. One copy, imported by
// the extension and the page alike.

/** One ICD-10-PCS search result (src/icd10pcs/search.rs PcsHit). */
export interface PcsHit { system: "icd10pcs"; code: string; title: string | null; score: number; why?: string }

/** The ICD-10-PCS calls, present once the bindings carry them; pcs.idx is attached on first use. */
export interface PcsCalls {
  attachPcs?(bytes: Uint8Array): void;
  pcsLookup?(code: string, date?: string): unknown;
  pcsNext?(prefix: string, date?: string): unknown;
  pcsSearch?(query: string, limit?: number, date?: string): PcsHit[];
}
