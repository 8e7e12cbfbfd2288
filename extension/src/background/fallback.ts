// Used only while the loaded engine has no validateField/validateClaim
// (issue 4 adds them): the few checks that need nothing but lookup(), so the
// badges work with an older engine. Rule ids match issue 4's.

import type { Claim, CodeRecord, Engine, FieldKind, Issue } from "../shared/engine-api";

const CPT = /^(?:\d{5}|\d{4}[FTU])$/;

function issue(rule: string, field: string, message: string, suggestion?: string): Issue {
  return suggestion ? { rule, severity: "error", field, message, suggestion } : { rule, severity: "error", field, message };
}

function lookupOne(engine: Engine, code: string, system: "icd10cm" | "hcpcs"): CodeRecord | string {
  try {
    const recs = engine.lookup(code);
    const r = recs.find((x) => x.system === system);
    return r ?? `${code.toUpperCase()} is not in the bundled ${system === "icd10cm" ? "ICD-10-CM" : "HCPCS Level II"} data`;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export function fallbackField(engine: Engine, kind: FieldKind, value: string, field = ""): Issue[] {
  const v = value.trim().toUpperCase();
  if (v === "") return [];
  if (kind === "dx") {
    const r = lookupOne(engine, v, "icd10cm");
    if (typeof r === "string") return [issue(/not a code/.test(r) ? "dx.format" : "dx.unknown", field, r)];
    if (!r.billable) {
      if (r.seventh_characters?.length) {
        return [issue("dx.seventh_char_missing", field, `${r.code} needs a 7th character (for example ${r.seventh_characters[0]!.code})`)];
      }
      const kids = (r.children ?? []).filter((c) => c.billable);
      const pick = kids.find((c) => /9$/.test(c.code)) ?? kids[0];
      return [issue("dx.not_billable", field,
        `${r.code} is a header; pick a billable code${pick ? ` such as ${pick.code}` : " below it"}`, pick?.code)];
    }
    return [];
  }
  if (kind === "proc") {
    if (CPT.test(v)) return [];
    if (!/^[A-V]\d{4}$/.test(v)) {
      return [issue("proc.format", field, `${v} is not a CPT (5 digits, or 4 digits + F/T/U) or HCPCS Level II code (a letter + 4 digits)`)];
    }
    const r = lookupOne(engine, v, "hcpcs");
    return typeof r === "string" ? [issue("proc.unknown", field, r)] : [];
  }
  return [];
}

export function fallbackClaim(engine: Engine, claim: Claim): Issue[] {
  const out: Issue[] = [];
  const dx = claim.diagnoses ?? [];
  dx.forEach((d, i) => out.push(...fallbackField(engine, "dx", d, `diagnoses[${i}]`)));
  (claim.service_lines ?? []).forEach((line, i) => {
    if (line.code) out.push(...fallbackField(engine, "proc", line.code, `service_lines[${i}].code`));
    (line.diagnosis_pointers ?? []).forEach((p, j) => {
      const idx = "ABCDEFGHIJKL".indexOf(p.trim().toUpperCase());
      if (p.trim() === "") return;
      if (idx < 0 || idx >= dx.length || !dx[idx]) {
        out.push(issue("pointer.invalid", `service_lines[${i}].diagnosis_pointers[${j}]`,
          `Pointer ${p} points past the diagnoses (A-${"ABCDEFGHIJKL"[Math.max(dx.length - 1, 0)]})`));
      }
    });
  });
  return out;
}
