// The engine's JS API (src/bindings.rs). The types are generated from the
// Rust types that cross the boundary (types/engine-api.d.ts, src/typescript.rs):
// a changed field fails the type-check here and in www/ alike.

import type { Engine as GeneratedEngine, FieldKind, SystemFilter as GeneratedSystemFilter } from "../../../types/engine-api";
import type { UserDataCalls } from "../../../types/extra-api";

export type {
  ChildEntry, Claim, CodeRecord, FieldContext, FieldKind, Info, Issue, Note, PathEntry,
  Report, SearchHit, ServiceLine, SeventhCharacter, Severity, System as CodeSystem,
  ValidationOptions, ValiditySpan, PcsHit, PcsRecord, BuilderStep, NextChar, HitSeverity, HccCategory, MsdrgLevel, StayReport, SecondaryResult,
} from "../../../types/engine-api";
export type { UserDataKind, UserDataSummary } from "../../../types/extra-api";

/** The engine: generated calls (ICD-10-PCS included) plus the user-data calls (types/extra-api.d.ts). */
export type Engine = GeneratedEngine & UserDataCalls;
/** Search systems: the engine's, ICD-10-PCS (searched in pcs.idx), "proc" (HCPCS + the user's CPT). */
export type SystemFilter = GeneratedSystemFilter | "icd10pcs";

/** Every kind `validateField` accepts, for settings and menus. */
export const FIELD_KINDS: readonly FieldKind[] = [
  "dx", "proc", "modifier", "npi", "tax_id", "date", "pos", "units", "charge", "pointer", "zip", "pcs",
];
