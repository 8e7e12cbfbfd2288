// Engine calls whose Rust types do not derive TypeScript yet: ICD-10-PCS (src/bindings.rs
// attachPcs/pcsLookup/pcsNext/pcsSearch) and user data (attachUserData).
// Hand-written until those types derive TypeScript (they are not in the generated
// engine-api.d.ts). One copy, imported by the extension and the page alike.

/** One ICD-10-PCS search result (src/icd10pcs/search.rs PcsHit). */
export interface PcsHit { system: "icd10pcs"; code: string; title: string | null; score: number; why?: string }

/** The ICD-10-PCS calls, present once the bindings carry them; pcs.idx is attached on first use. */
export interface PcsCalls {
  attachPcs?(bytes: Uint8Array): void;
  pcsLookup?(code: string, date?: string): unknown;
  pcsNext?(prefix: string, date?: string): unknown;
  pcsSearch?(query: string, limit?: number, date?: string): PcsHit[];
}

/** One data set the user added (src/userdata/mod.rs Summary). Hand-written like the PCS calls above. */
export type UserDataKind = "cpt" | "ncci_practitioner" | "mue" | "icd10cm";
export interface UserDataSummary {
  kind: UserDataKind;
  source: string;
  added: string;
  label: string;
  rows: number;
  date_from?: string;
  date_to?: string;
}

/** The user-data call (src/bindings.rs attachUserData). */
export interface UserDataCalls {
  /** the user's stored data sets (bytes from parseUserData); replaces what was attached */
  attachUserData?(sets: Uint8Array[]): UserDataSummary[];
}
