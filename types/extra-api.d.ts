// Engine calls whose Rust types do not derive TypeScript yet: user data (attachUserData).
// Hand-written until those types derive TypeScript (they are not in the generated
// engine-api.d.ts). One copy, imported by the extension and the page alike.
// (ICD-10-PCS types and calls are generated: types/engine-api.d.ts.)

/** One data set the user added (src/userdata/mod.rs Summary). Hand-written like the call below. */
export type UserDataKind = "cpt" | "ncci_practitioner" | "mue" | "icd10cm";
export interface UserDataSummary {
  kind: UserDataKind;
  source: string;
  added: string;
  label: string;
  rows: number;
  date_from?: string;
  date_to?: string;
  /** what the set holds, 16 hex digits: equal keys, the same data (src/userdata/mod.rs DataSet::content_key); absent in sets stored before it */
  content_key?: string;
}

/** The user-data call (src/bindings.rs attachUserData). */
export interface UserDataCalls {
  /** the user's stored data sets (bytes from parseUserData); replaces what was attached */
  attachUserData?(sets: Uint8Array[], cptIndex?: Uint8Array | null): UserDataSummary[];
  /** the attached CPT search index in its stored form (versioned), to keep beside the sets; undefined without CPT */
  cptIndex?(): Uint8Array | undefined;
  /** where the attached CPT index came from: read from the cptIndex given, built now, or no CPT */
  cptIndexState?(): "none" | "stored" | "built";
}
