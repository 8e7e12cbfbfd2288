//! The TypeScript declarations of the engine's JS API (`types/engine-api.d.ts`),
//! generated from the Rust types that cross the wasm boundary so the extension
//! and the page type-check against what `src/bindings.rs` really returns.
//! A new field on one of these types is a one-place change: the build
//! regenerates the file (`target/release/engine-types`), and a test fails when
//! the committed copy is stale.

use crate::engine::Info;
use crate::model::{
    ChildEntry, CodeRecord, NodeKind, Note, NoteKind, PathEntry, SearchHit, SeventhCharacter,
    System, ValiditySpan,
};
use crate::validate::{
    Claim, FieldContext, FieldKind, Issue, Patient, Provider, Report, ServiceLine, Severity,
    Skipped, Value,
};
use ts_rs::TS;

/// Where the declarations live in the repository.
pub const PATH: &str = "types/engine-api.d.ts";

/// The methods of the wasm-bindgen class `MedcodeEngine` (src/bindings.rs),
/// in terms of the generated types.
const ENGINE: &str = "\
/** What the wasm-bindgen class MedcodeEngine offers (src/bindings.rs). */
export interface Engine {
  info(): Info;
  /** Every record for a typed code; throws when it is malformed or unknown. */
  lookup(code: string, options?: { date?: string; version?: string; hcc_year?: number; principal?: string }): CodeRecord[];
  /** Ranked results; `system` defaults to \"icd10cm\", `limit` to 10 (1-200). */
  /** `severity` (with severity.idx attached): ICD-10-CM hits carry `severity` for chips; `hcc_model` one model or \"none\". */
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
";

/// The whole declaration file.
pub fn declarations() -> String {
    let decls = [
        System::decl(),
        NodeKind::decl(),
        NoteKind::decl(),
        PathEntry::decl(),
        Note::decl(),
        SeventhCharacter::decl(),
        ValiditySpan::decl(),
        ChildEntry::decl(),
        CodeRecord::decl(),
        SearchHit::decl(),
        Info::decl(),
        Severity::decl(),
        Issue::decl(),
        Skipped::decl(),
        Report::decl(),
        FieldKind::decl(),
        FieldContext::decl(),
        Value::decl(),
        Patient::decl(),
        Provider::decl(),
        ServiceLine::decl(),
        Claim::decl(),
        crate::validate::ValidationOptionsInput::decl(),
        crate::severity::Level::decl(),
        crate::severity::MsdrgLevel::decl(),
        crate::severity::HccCategory::decl(),
        crate::severity::HitSeverity::decl(),
        crate::severity::SecondaryResult::decl(),
        crate::severity::StayHcc::decl(),
        crate::severity::DroppedHcc::decl(),
        crate::severity::StayModel::decl(),
        crate::severity::StayReport::decl(),
        crate::userdata::DataKind::decl(),
        crate::userdata::Summary::decl(),
        crate::icd10pcs::TitleSource::decl(),
        crate::icd10pcs::LabelSource::decl(),
        crate::icd10pcs::AxisValue::decl(),
        crate::icd10pcs::Definition::decl(),
        crate::icd10pcs::PcsSpan::decl(),
        crate::icd10pcs::OrStatus::decl(),
        crate::icd10pcs::PcsRecord::decl(),
        crate::icd10pcs::NextChar::decl(),
        crate::icd10pcs::BuilderStep::decl(),
        crate::icd10pcs::search::PcsHit::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by src/typescript.rs (target/release/engine-types);\n\
         // do not edit: change the Rust type and rebuild.\n\n\
         export type SystemFilter = System | \"all\" | \"proc\";\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.push_str(ENGINE);
    out
}
