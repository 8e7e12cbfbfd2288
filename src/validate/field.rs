//! One form field at a time, for inline badges while a claim is typed.
//! Same rules and messages as the whole-claim check; the context supplies
//! what a rule needs from the rest of the form (date of service, position,
//! how many diagnoses there are).

use super::dates::{self, DateError};
use super::model::Value;
use super::rules::*;
use super::{dx, proc, provider, show, trim, Issue, Issues, Path};
use crate::model::{format_ymd, YmdDate};
use crate::Engine;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The kinds of field `validate_field` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Npi,
    TaxId,
    Date,
    Dx,
    Proc,
    Modifier,
    Pos,
    Units,
    Charge,
    Pointer,
    Zip,
}

impl FieldKind {
    pub const ALL: [FieldKind; 11] = [
        FieldKind::Npi,
        FieldKind::TaxId,
        FieldKind::Date,
        FieldKind::Dx,
        FieldKind::Proc,
        FieldKind::Modifier,
        FieldKind::Pos,
        FieldKind::Units,
        FieldKind::Charge,
        FieldKind::Pointer,
        FieldKind::Zip,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Npi => "npi",
            FieldKind::TaxId => "tax_id",
            FieldKind::Date => "date",
            FieldKind::Dx => "dx",
            FieldKind::Proc => "proc",
            FieldKind::Modifier => "modifier",
            FieldKind::Pos => "pos",
            FieldKind::Units => "units",
            FieldKind::Charge => "charge",
            FieldKind::Pointer => "pointer",
            FieldKind::Zip => "zip",
        }
    }
}

impl FromStr for FieldKind {
    type Err = String;
    fn from_str(s: &str) -> Result<FieldKind, String> {
        let k = trim(s).to_ascii_lowercase().replace('-', "_");
        FieldKind::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == k)
            .ok_or_else(|| {
                let names: Vec<&str> = FieldKind::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown field kind {:?}: use one of {}",
                    show(s),
                    names.join(", ")
                )
            })
    }
}

/// What the rest of the form says. Every field is optional; dates take the
/// forms people type (YYYY-MM-DD, MM/DD/YYYY, MMDDYYYY, MMDDYY).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldContext {
    /// Path to name in issues (default: the kind, e.g. `npi`).
    pub field: Option<String>,
    /// For dx and proc: judge validity on this date.
    pub date_of_service: Option<String>,
    /// For dates: what "future" means; also the century of MMDDYY.
    pub today: Option<String>,
    /// For dx: MCE age and sex edits.
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    /// For dx: 0 = first-listed (A).
    pub position: Option<usize>,
    /// For pointers: how many diagnoses item 21 lists.
    pub diagnosis_count: Option<usize>,
    /// For tax_id: `EIN` or `SSN`.
    pub tax_id_type: Option<String>,
}

/// Validates one field. `value` is what the field holds, as text.
pub fn validate_field(
    engine: &Engine,
    kind: FieldKind,
    value: &str,
    ctx: &FieldContext,
) -> Vec<Issue> {
    let mut out = Issues::default();
    let field = Path::Name(ctx.field.as_deref().unwrap_or(kind.as_str()));
    let today = ctx
        .today
        .as_deref()
        .and_then(|t| dates::parse_form(t, None).ok());
    let date_of = |s: &Option<String>| s.as_deref().and_then(|t| dates::parse_form(t, today).ok());
    let dos = date_of(&ctx.date_of_service);
    let v = Value::Text(value.to_string());
    match kind {
        FieldKind::Npi => provider::check_npi(value, field, &mut out),
        FieldKind::TaxId => {
            let t = match ctx.tax_id_type.as_deref().map(str::trim) {
                Some(t) if t.eq_ignore_ascii_case("EIN") => Some("EIN"),
                Some(t) if t.eq_ignore_ascii_case("SSN") => Some("SSN"),
                _ => None,
            };
            provider::check_tax_id(value, t, field, &mut out)
        }
        FieldKind::Zip => provider::check_zip(&v, field, &mut out),
        FieldKind::Date => check_date(value, today, field, &mut out),
        FieldKind::Dx => {
            if let Some(f) = dx::resolve(engine, &v, field, &mut out) {
                if dx::check_on_date(engine, &f, dos, field, &mut out) {
                    let on = dos.or(today);
                    if let (Some(pos), Some(d)) = (ctx.position, on) {
                        dx::check_position(engine, &f, pos, d, field, &mut out);
                    }
                    if let Some(d) = on {
                        let sex = ctx.sex.as_deref().map(|s| trim(s).to_ascii_uppercase());
                        let sex = match sex.as_deref() {
                            Some("M" | "MALE") => Some(b'M'),
                            Some("F" | "FEMALE") => Some(b'F'),
                            _ => None,
                        };
                        let p = dx::PatientFacts {
                            birth: date_of(&ctx.birth_date),
                            sex,
                        };
                        dx::check_patient(engine, &f, d, &p, field, &mut out);
                    }
                }
            }
        }
        FieldKind::Proc => {
            proc::check_code(engine, value, dos, field, &mut out);
        }
        FieldKind::Modifier => {
            let m = trim(value).to_ascii_uppercase();
            if !m.is_empty() {
                proc::check_modifier(engine, &m, field, &mut out);
            }
        }
        FieldKind::Pos => proc::check_pos(&v, field, &mut out),
        FieldKind::Units => proc::check_units(&v, field, &mut out),
        FieldKind::Charge => proc::check_charge(&v, field, &mut out),
        FieldKind::Pointer => {
            let n = ctx.diagnosis_count.unwrap_or(12).min(12);
            proc::check_pointer(&v, n, field, &mut [false; 12], &mut out);
        }
    }
    out.list
}

/// A date as typed into a form field.
fn check_date(value: &str, today: Option<YmdDate>, field: Path, out: &mut Issues) {
    if trim(value).is_empty() {
        return;
    }
    match dates::parse_form(value, today) {
        Ok(d) => {
            if let Some(t) = today.filter(|&t| d > t) {
                out.add(
                    DATE_FUTURE,
                    field,
                    format!(
                        "{} is after today ({}); check the year",
                        format_ymd(d),
                        format_ymd(t)
                    ),
                );
            }
        }
        Err(DateError::Calendar) => out.add(
            DATE_FORMAT,
            field,
            format!(
                "{} is not a calendar date; check the month and day",
                show(value)
            ),
        ),
        Err(DateError::Shape) => out.add(
            DATE_FORMAT,
            field,
            format!(
                "{} is not a date; use MM/DD/YYYY, MMDDYYYY, MMDDYY or YYYY-MM-DD",
                show(value)
            ),
        ),
    }
}
