//! Every rule id, with its severity, in one place. Ids are stable: the
//! overlay, the CLI and saved reports key on them. Add rules with the same
//! `area.what` naming and list them in `ALL`.

use serde::{Deserialize, Serialize};

/// How bad an issue is. `error`: the claim will be rejected or denied as it
/// stands. `warning`: worth a look, but it can be right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A rule: its stable id and the severity of what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
}

const fn error(id: &'static str) -> Rule {
    Rule {
        id,
        severity: Severity::Error,
    }
}
const fn warning(id: &'static str) -> Rule {
    Rule {
        id,
        severity: Severity::Warning,
    }
}

// ---- providers ---------------------------------------------------------
pub const NPI_FORMAT: Rule = error("npi.format");
pub const NPI_CHECK_DIGIT: Rule = error("npi.check_digit");
pub const TAX_ID_FORMAT: Rule = error("tax_id.format");
pub const ZIP_FORMAT: Rule = error("zip.format");

// ---- dates ---------------------------------------------------------------
pub const DATE_FORMAT: Rule = error("date.format");
pub const DATE_RANGE: Rule = error("date.range");
pub const DATE_FUTURE: Rule = error("date.future");
pub const BIRTH_DATE_AFTER_SERVICE: Rule = error("birth_date.after_service");

// ---- diagnoses -------------------------------------------------------------
pub const DX_FORMAT: Rule = error("dx.format");
pub const DX_UNKNOWN: Rule = error("dx.unknown");
pub const DX_NOT_BILLABLE: Rule = error("dx.not_billable");
pub const DX_SEVENTH_CHAR_MISSING: Rule = error("dx.seventh_char_missing");
pub const DX_PLACEHOLDER_MISSING: Rule = error("dx.placeholder_missing");
pub const DX_INVALID_FOR_DOS: Rule = error("dx.invalid_for_dos");
pub const DX_DUPLICATE: Rule = error("dx.duplicate");
pub const DX_TOO_MANY: Rule = error("dx.too_many");
/// Universal guideline (I.A.13): manifestation codes are never first-listed.
pub const DX_MANIFESTATION_FIRST: Rule = error("dx.manifestation_first");
/// Universal guideline (I.C.20): external cause codes are never first-listed.
pub const DX_EXTERNAL_CAUSE_FIRST: Rule = error("dx.external_cause_first");
/// NCHS allows both codes when the conditions are unrelated, so only a warning.
pub const DX_EXCLUDES1: Rule = warning("dx.excludes1");
/// MCE edits are institutional; on a professional claim they are advice.
pub const DX_AGE_CONFLICT: Rule = warning("dx.age_conflict");
pub const DX_SEX_CONFLICT: Rule = warning("dx.sex_conflict");
/// Guideline I.C.21.c.16 allows exceptions (combined same-day records).
pub const DX_FIRST_LISTED_ONLY: Rule = warning("dx.first_listed_only");
/// A code known only from the user's own ICD-10-CM file (a newer fiscal
/// year): it exists there, but medcode has no validity dates or edits for it.
pub const DX_FROM_USER_FILE: Rule = warning("dx.from_user_file");

// ---- procedures and modifiers ---------------------------------------------
pub const PROC_FORMAT: Rule = error("proc.format");
pub const PROC_UNKNOWN: Rule = error("proc.unknown");
pub const PROC_INVALID_FOR_DOS: Rule = error("proc.invalid_for_dos");
pub const MODIFIER_FORMAT: Rule = error("modifier.format");
pub const MODIFIER_UNKNOWN: Rule = error("modifier.unknown");
pub const MODIFIER_DUPLICATE: Rule = error("modifier.duplicate");
pub const MODIFIER_TOO_MANY: Rule = error("modifier.too_many");

// ---- service lines ---------------------------------------------------------
pub const POS_UNKNOWN: Rule = error("pos.unknown");
pub const UNITS_INVALID: Rule = error("units.invalid");
pub const CHARGE_INVALID: Rule = error("charge.invalid");
pub const POINTER_INVALID: Rule = error("pointer.invalid");
pub const POINTER_TOO_MANY: Rule = error("pointer.too_many");
pub const POINTER_DUPLICATE: Rule = error("pointer.duplicate");
pub const POINTER_MISSING: Rule = error("pointer.missing");
/// An 837P claim holds at most 50 service lines (loop 2400); beyond the
/// limit the cross-line checks (NCCI) are skipped to keep time linear.
pub const SERVICE_LINES_TOO_MANY: Rule = error("service_lines.too_many");

// ---- edits -----------------------------------------------------------------
/// Severity varies: error when the modifier indicator is 0 (never bypassed),
/// warning when an NCCI-associated modifier would bypass it and none is present.
pub const NCCI_PTP: Rule = error("ncci.ptp");
pub const NCCI_PTP_MODIFIER: Rule = warning("ncci.ptp");
/// Units above the MUE value of a table the user added (per line, or per
/// date of service for adjudication indicators 2 and 3).
pub const MUE_EXCEEDED: Rule = error("mue.exceeded");

// ---- ICD-10-PCS (inpatient procedures; pcs.idx) ---------------------------
pub const PCS_FORMAT: Rule = error("pcs.format");
pub const PCS_UNKNOWN: Rule = error("pcs.unknown");
pub const PCS_INVALID_FOR_DATE: Rule = error("pcs.invalid_for_date");
/// MCE female/male procedure edits.
pub const PCS_SEX_CONFLICT: Rule = warning("pcs.sex_conflict");
/// MCE non-covered and limited-coverage procedure edits.
pub const PCS_NONCOVERED: Rule = warning("pcs.noncovered");

/// Every rule id, once (ncci.ptp appears once; it has both severities).
pub const ALL: &[Rule] = &[
    NPI_FORMAT,
    NPI_CHECK_DIGIT,
    TAX_ID_FORMAT,
    ZIP_FORMAT,
    DATE_FORMAT,
    DATE_RANGE,
    DATE_FUTURE,
    BIRTH_DATE_AFTER_SERVICE,
    DX_FORMAT,
    DX_UNKNOWN,
    DX_NOT_BILLABLE,
    DX_SEVENTH_CHAR_MISSING,
    DX_PLACEHOLDER_MISSING,
    DX_INVALID_FOR_DOS,
    DX_DUPLICATE,
    DX_TOO_MANY,
    DX_MANIFESTATION_FIRST,
    DX_EXTERNAL_CAUSE_FIRST,
    DX_EXCLUDES1,
    DX_AGE_CONFLICT,
    DX_SEX_CONFLICT,
    DX_FIRST_LISTED_ONLY,
    DX_FROM_USER_FILE,
    PROC_FORMAT,
    PROC_UNKNOWN,
    PROC_INVALID_FOR_DOS,
    MODIFIER_FORMAT,
    MODIFIER_UNKNOWN,
    MODIFIER_DUPLICATE,
    MODIFIER_TOO_MANY,
    POS_UNKNOWN,
    UNITS_INVALID,
    CHARGE_INVALID,
    POINTER_INVALID,
    POINTER_TOO_MANY,
    POINTER_DUPLICATE,
    POINTER_MISSING,
    SERVICE_LINES_TOO_MANY,
    NCCI_PTP,
    PCS_FORMAT,
    PCS_UNKNOWN,
    PCS_INVALID_FOR_DATE,
    PCS_SEX_CONFLICT,
    PCS_NONCOVERED,
    MUE_EXCEEDED,
];

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut ids: Vec<&str> = super::ALL.iter().map(|r| r.id).collect();
        for id in &ids {
            assert!(
                id.contains('.')
                    && id.bytes().all(|b| b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || b == b'.'
                        || b == b'_'),
                "{id}"
            );
        }
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
    }
}
