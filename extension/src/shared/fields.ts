import type { FieldKind } from "./engine-api";

/** How each field kind is named in menus, options and badges. */
export const FIELD_LABELS: Record<FieldKind, string> = {
  dx: "Diagnosis (ICD-10-CM)",
  proc: "Procedure (CPT/HCPCS)",
  modifier: "Modifier",
  pointer: "Diagnosis pointer",
  npi: "NPI",
  tax_id: "Tax id (EIN/SSN)",
  date: "Date",
  pos: "Place of service",
  units: "Units",
  charge: "Charge",
  zip: "ZIP code",
  pcs: "Procedure (ICD-10-PCS)",
};
