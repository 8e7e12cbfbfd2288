// Shapes of what the WebAssembly engine returns (src/bindings.rs). The engine
// is the source of truth; these types only describe its JSON.

export type CodeSystem = "icd10cm" | "hcpcs" | "cpt";
/** "cpt": the user's licensed CPT descriptors; "proc": HCPCS Level II + CPT (procedure fields) */
export type SystemFilter = CodeSystem | "proc" | "all";

export interface PathEntry { code: string; kind: string; title: string }
export interface Note { kind: string; text: string; from: string }
export interface SeventhCharacter { character: string; meaning: string; code: string }
export interface Validity { from: string; until: string | null; edits?: string[] }
export interface ChildCode { code: string; title: string | null; billable: boolean }

export interface CodeRecord {
  code: string;
  system: CodeSystem;
  kind: string;
  title: string | null;
  title_missing_reason?: string;
  billable: boolean;
  in_release: boolean;
  path: PathEntry[];
  notes: Note[];
  seventh_characters?: SeventhCharacter[];
  validity: Validity[];
  children?: ChildCode[];
}

export interface SearchHit {
  code: string;
  title: string;
  system: CodeSystem;
  billable: boolean;
  matched: string[];
  score: number;
}

export interface Info {
  format_version: number;
  icd10cm_release: string;
  icd10cm_effective: string;
  icd10cm_validity_source: string;
  icd10cm_validity_through: string;
  icd10cm_billable: number;
  icd10cm_headers: number;
  icd10cm_outside_release: number;
  hcpcs_release: string;
  hcpcs_quarter: string;
  hcpcs_active: number;
  hcpcs_total: number;
  modifiers: number;
  search_terms: number;
  /** the user's own data attached (absent when none) */
  user_data?: UserDataSummary[];
  /** CPT codes with licensed descriptors (0 = none) */
  cpt_codes?: number;
}

export type Severity = "error" | "warning";
export interface Issue {
  rule: string;
  severity: Severity;
  field: string;
  message: string;
  suggestion?: string;
}
export interface Report { valid: boolean; issues: Issue[] }

/** The kinds `validateField` accepts (issue 4). */
export type FieldKind =
  | "dx" | "proc" | "modifier" | "npi" | "tax_id" | "date"
  | "pos" | "units" | "charge" | "pointer" | "zip";

export const FIELD_KINDS: readonly FieldKind[] = [
  "dx", "proc", "modifier", "npi", "tax_id", "date", "pos", "units", "charge", "pointer", "zip",
];

/** The claim object `validateClaim` takes (issue 4); every field optional. */
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
  patient?: { sex?: string; birth_date?: string };
  billing_provider?: { npi?: string; tax_id?: string; tax_id_type?: string };
  rendering_provider?: { npi?: string };
  referring_provider?: { npi?: string };
  diagnoses?: string[];
  service_lines?: ServiceLine[];
}

/** validateField's optional context (src/validate/field.rs FieldContext). */
export interface FieldContext {
  field?: string;
  date_of_service?: string;
  today?: string;
  birth_date?: string;
  sex?: string;
  /** dx: 0 = first-listed (A) */
  position?: number;
  /** pointers: how many diagnoses item 21 lists */
  diagnosis_count?: number;
  tax_id_type?: string;
}

/** validateClaim's payer options: a named profile and/or explicit limits. */
export interface ValidationOptions {
  profile?: "cms1500" | "medicare";
  max_pointers_per_line?: number;
}

/** What the wasm-bindgen class offers (the engine ships with the extension). */
export interface Engine {
  info(): Info;
  lookup(code: string): CodeRecord[];
  search(query: string, system: SystemFilter, limit: number): SearchHit[];
  validateClaim(claim: Claim, today?: string, options?: ValidationOptions): Report;
  validateField(kind: FieldKind, value: string, context?: FieldContext): Issue[];
  attachNcci(bytes: Uint8Array): void;
  /** the user's stored data sets (bytes from parseUserData); replaces what was attached */
  attachUserData?(sets: Uint8Array[]): UserDataSummary[];
}

/** One data set the user added (src/userdata/mod.rs Summary). */
export type UserDataKind = "cpt" | "ncci_practitioner" | "mue";
export interface UserDataSummary {
  kind: UserDataKind;
  source: string;
  added: string;
  label: string;
  rows: number;
  date_from?: string;
  date_to?: string;
}
