// The engine's JS API (src/bindings.rs). The types are generated from the
// Rust types that cross the boundary (types/engine-api.d.ts, src/typescript.rs):
// a changed field fails the type-check here and in www/ alike.

import type { FieldKind } from "../../../types/engine-api";

export type {
  ChildEntry, Claim, CodeRecord, Engine, FieldContext, FieldKind, Info, Issue, Note, PathEntry,
  Report, SearchHit, ServiceLine, SeventhCharacter, Severity, System as CodeSystem, SystemFilter,
  ValidationOptions, ValiditySpan,
} from "../../../types/engine-api";

/** Every kind `validateField` accepts, for settings and menus. */
export const FIELD_KINDS: readonly FieldKind[] = [
  "dx", "proc", "modifier", "npi", "tax_id", "date", "pos", "units", "charge", "pointer", "zip",
];
