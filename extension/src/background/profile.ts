// The Medicare one-pointer rule for engines without validateClaim options
// (fallback only: newer engines take {profile: "medicare"} themselves).

import type { Claim, Issue } from "../shared/engine-api";
import type { PayerProfile } from "../shared/settings";

export function profileIssues(claim: Claim, profile: PayerProfile): Issue[] {
  if (profile !== "medicare") return [];
  const out: Issue[] = [];
  (claim.service_lines ?? []).forEach((line, i) => {
    const ptrs = (line.diagnosis_pointers ?? []).filter((p) => p.trim() !== "");
    if (ptrs.length > 1) {
      out.push({
        rule: "profile.medicare_one_pointer",
        severity: "error",
        field: `service_lines[${i}].diagnosis_pointers`,
        message: `Medicare takes one diagnosis pointer per line: keep ${ptrs[0]} and bill the other diagnoses on their own lines`,
        suggestion: ptrs[0],
      });
    }
  });
  return out;
}
