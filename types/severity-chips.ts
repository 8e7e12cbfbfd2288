// The words of the MS-DRG / HCC chips and the stay summary, shared by the
// extension and the offline page (both bundle this file): text that says what
// the colour says, and a label for screen readers.

import type { HccCategory, HitSeverity, StayReport } from "./engine-api";

export interface Chip {
  kind: "mcc" | "cc" | "hcc";
  /** what the chip shows: "MCC", "CC", "HCC 38" */
  text: string;
  /** what a screen reader says: "MCC under MS-DRG v44", "HCC 38 in CMS-HCC V28 2027" */
  label: string;
  /** the tooltip: the label and the HCC's name */
  title: string;
}

/** The user's choices for chips, details and the stay summary. */
export interface SeverityPrefs {
  /** chips on suggestions and search results */
  chips: boolean;
  /** the CC/MCC/HCC line under a claim's diagnoses */
  summary: boolean;
  /** "auto" (the version in force on the date of service) or "v40" … "v44" */
  msdrgVersion: string;
  /** "CMS-HCC V28", "CMS-HCC V24", "ESRD V24", "RxHCC V08", … */
  hccModel: string;
  /** "auto" (the year after the date of service) or a payment year */
  hccYear: "auto" | number;
}

export const DEFAULT_SEVERITY_PREFS: SeverityPrefs = {
  chips: true, summary: true, msdrgVersion: "auto", hccModel: "CMS-HCC V28", hccYear: "auto",
};

/** The MS-DRG versions and HCC choices the bundled severity.idx holds (src/severity). */
export const MSDRG_VERSIONS = ["v44", "v43.1", "v43", "v42.1", "v42", "v41.1", "v41", "v40.1", "v40"] as const;
export const HCC_MODELS = ["CMS-HCC V28", "CMS-HCC V24", "CMS-HCC V22", "ESRD V24", "ESRD V21", "RxHCC V08"] as const;
export const HCC_YEARS = [2027, 2026, 2025] as const;

/** Engine options for a date of service (YYYY-MM-DD, or today when absent). */
export function severityOptions(p: SeverityPrefs, date?: string): { date?: string; version?: string; hcc_year?: number; hcc_model?: string } {
  const o: { date?: string; version?: string; hcc_year?: number; hcc_model?: string } = { hcc_model: p.hccModel };
  if (date && /^\d{4}-\d{2}-\d{2}$/.test(date)) o.date = date;
  if (p.msdrgVersion && p.msdrgVersion !== "auto") o.version = p.msdrgVersion;
  if (typeof p.hccYear === "number") o.hcc_year = p.hccYear;
  return o;
}

/** "CMS-HCC V28" -> "HCC V28"; "RxHCC V08" and "ESRD V24" stay. */
export function shortModel(model: string): string {
  return model.replace(/^CMS-HCC /, "HCC ");
}

function hccText(c: HccCategory): string {
  if (c.model.startsWith("RxHCC")) return `RxHCC ${c.category}`;
  if (c.model.startsWith("ESRD")) return `ESRD HCC ${c.category}`;
  return `HCC ${c.category}`;
}

export function hccLabel(c: HccCategory): string {
  return `HCC ${c.category} in ${c.model} ${c.year}`;
}

/** The chips of one search hit (none when it has no CC/MCC and no HCC). */
export function severityChips(s: HitSeverity | null | undefined): Chip[] {
  if (!s) return [];
  const out: Chip[] = [];
  if (s.level === "MCC" || s.level === "CC") {
    const alive = s.alive_only ? ", only when the patient is discharged alive" : "";
    const label = `${s.level} under MS-DRG ${s.version}${alive}`;
    out.push({ kind: s.level === "MCC" ? "mcc" : "cc", text: s.alive_only ? `${s.level}†` : s.level, label, title: label });
  }
  for (const c of s.hcc) {
    const label = hccLabel(c);
    out.push({ kind: "hcc", text: hccText(c), label, title: c.label ? `${label}: ${c.label}` : label });
  }
  return out;
}

/** One line for a claim's diagnoses: "HCC V28: 38, 226 · MCC: J96.01 · I50.23 is excluded by the principal". */
export function staySummary(r: StayReport, model: string): string {
  const parts: string[] = [];
  const m = r.hcc.find((x) => x.model === model);
  if (m) parts.push(`${shortModel(m.model)}: ${m.categories.length ? m.categories.map((c) => c.category).join(", ") : "none"}`);
  if (r.mcc.length) parts.push(`MCC: ${r.mcc.join(", ")}`);
  if (r.cc.length) parts.push(`CC: ${r.cc.join(", ")}`);
  if (!r.mcc.length && !r.cc.length) parts.push("no CC or MCC");
  const excluded = r.secondaries.filter((s) => s.excluded_by).map((s) => s.code);
  if (excluded.length) parts.push(`${excluded.join(", ")} ${excluded.length === 1 ? "is" : "are"} excluded by the principal`);
  // alive-only CC/MCCs (CMS Table 6K part 2) when the patient died
  const died = r.died ? r.secondaries.filter((s) => s.level && s.alive_only && !s.excluded_by && !s.counts).map((s) => s.code) : [];
  if (died.length) parts.push(`${died.join(", ")} ${died.length === 1 ? "does" : "do"} not count (the patient died)`);
  return parts.join(" · ");
}
