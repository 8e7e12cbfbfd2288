//! ICD-10-PCS procedure fields (inpatient abstracts): form, known code,
//! valid on the date, and the Medicare Code Editor's sex and coverage edits.
//!
//! PCS lives in `pcs.idx` (attached by the caller); without it only the form
//! is checked. A 7-character code with a dot, an O or an I is never PCS.

use super::rules::*;
use super::{show, trim, Issues, Path};
use crate::icd10pcs::{self, PcsTable};
use crate::model::{format_ymd, YmdDate};

/// Checks one procedure code. `date`: discharge/procedure date (or today);
/// `sex`: b'M' / b'F' when the abstract says.
pub(crate) fn check_code(
    table: Option<&PcsTable>,
    value: &str,
    date: Option<YmdDate>,
    sex: Option<u8>,
    field: Path,
    out: &mut Issues,
) {
    let v = trim(value);
    if v.is_empty() {
        return;
    }
    let code = match icd10pcs::normalize(v).filter(|c| c.len() == 7) {
        Some(c) => c,
        None => {
            let hint = if v.contains('.') {
                " (a dot means ICD-10-CM; PCS codes have none)"
            } else if v.chars().any(|c| matches!(c, 'O' | 'o' | 'I' | 'i')) {
                " (PCS never uses the letters O and I: did you mean 0 and 1?)"
            } else {
                ""
            };
            let suggestion =
                icd10pcs::normalize(&v.replace(['O', 'o'], "0").replace(['I', 'i'], "1"))
                    .filter(|c| c.len() == 7 && table.map_or(true, |t| t.find(c).is_some()));
            out.push(
                PCS_FORMAT,
                field,
                format!(
                    "{} is not an ICD-10-PCS code: seven characters, digits and letters except O and I, no dot{hint}",
                    show(value)
                ),
                suggestion,
            );
            return;
        }
    };
    let Some(t) = table else { return };
    let Some(i) = t.find(&code) else {
        out.add(
            PCS_UNKNOWN,
            field,
            format!(
                "{code} is not an ICD-10-PCS code in the bundled data (FY2016 onwards); check the characters or build it step by step"
            ),
        );
        return;
    };
    let date = date.unwrap_or(t.horizon());
    let Some(flags) = t.flags_on(i, date) else {
        let spans = t.validity(i);
        let when = spans
            .iter()
            .map(|s| match &s.until {
                Some(u) => format!("{} to {u}", s.from),
                None => format!("from {}", s.from),
            })
            .collect::<Vec<_>>()
            .join(", ");
        out.add(
            PCS_INVALID_FOR_DATE,
            field,
            format!("{code} is not valid on {}: valid {when}", format_ymd(date)),
        );
        return;
    };
    for f in &flags {
        let only = match *f {
            "female" => Some(b'F'),
            "male" => Some(b'M'),
            _ => None,
        };
        if let (Some(only), Some(s)) = (only, sex) {
            if only != s {
                let (o, p) = if only == b'F' {
                    ("female", "male")
                } else {
                    ("male", "female")
                };
                out.add(
                    PCS_SEX_CONFLICT,
                    field,
                    format!("{code} is a {o}-only procedure (CMS MCE edit on {}) but the patient is {p}; check the code or the patient's sex", format_ymd(date)),
                );
            }
        }
        if *f == "noncovered" {
            out.add(
                PCS_NONCOVERED,
                field,
                format!(
                    "{code} is a non-covered procedure for Medicare (CMS MCE edit on {})",
                    format_ymd(date)
                ),
            );
        } else if f.starts_with("ncov") || f.starts_with("lcov") {
            out.add(
                PCS_NONCOVERED,
                field,
                format!("{code} is non-covered or of limited coverage for Medicare unless conditions are met (CMS MCE edit {f} on {}); check the diagnoses that go with it", format_ymd(date)),
            );
        }
    }
}
