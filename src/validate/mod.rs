//! Claim and field validation (CMS-1500 / 837P professional claims).
//!
//! Two entry points, both pure functions of the loaded data:
//! - [`validate_claim`] / [`validate_claim_with`]: a whole [`Claim`] → a [`Report`];
//! - [`validate_field`]: one form field (for inline badges) → issues.
//!
//! Rule ids and severities live in [`rules`]; each domain has its module
//! (`provider`, `dates`, `dx`, `proc`, `pos`, `ncci`).
//!
//! Decisions worth knowing:
//! - **Dates of service.** Each diagnosis is judged on the date of service
//!   (`from`, else `to`) of every line that points to it; a diagnosis no
//!   line points to is judged on the claim's earliest date of service; a
//!   claim with no dates of service at all is judged on `today`. A line's
//!   HCPCS code is judged on its own date (or that same fallback).
//! - **Severities.** Errors are what a payer or clearinghouse rejects or
//!   denies. Warnings: `dx.excludes1` (NCHS allows both codes when the
//!   conditions are unrelated), `dx.age_conflict` and `dx.sex_conflict` (MCE
//!   edits are institutional; the sex lists end 2024-09-30 and the last one
//!   is used for every date), `dx.first_listed_only` (guideline exception for
//!   combined same-day records), and `ncci.ptp` when a modifier could bypass it.
//! - **Excludes1** notes are resolved to code ranges when the index is built
//!   (`index::rule_data`), checked in both directions and inherited from
//!   every ancestor (chapter, section, category, subcategory).
//! - **NCCI** edits live in a separate file (`ncci`): without it `ncci.ptp`
//!   does not run and [`Report::skipped`] says so. The bundled table is the
//!   outpatient-hospital (I/OCE) one; `build.sh` takes the CMS practitioner
//!   PTP text files instead with `MEDCODE_NCCI_PRACTITIONER="f1.txt f2.txt"`
//!   (`medcode build-index --ncci-practitioner FILE…`).
//! - **CPT** codes are checked by form only; descriptors are the AMA's.
//! - **Limits** come from [`ValidationOptions`]: CMS-1500 by default
//!   (12 diagnoses, 4 modifiers, 4 pointers, 50 lines), `medicare` allows one
//!   pointer per line. Pair checks never look past 64 entries, so time stays
//!   linear on absurd input.
//!
//! ```no_run
//! # let engine: medcode::Engine = unimplemented!();
//! use medcode::validate::{validate_claim, Claim};
//! let claim: Claim = serde_json::from_str(r#"{"diagnoses": ["E11"]}"#).unwrap();
//! let report = validate_claim(&engine, &claim, 20260310);
//! assert!(!report.valid); // E11 is a category: dx.not_billable, suggests E11.9
//! ```

pub mod claim;
pub mod data;
pub mod dates;
mod dx;
pub mod field;
pub mod limits;
pub mod model;
mod mue;
pub mod ncci;
pub mod pcs;
pub mod pos;
mod proc;
mod provider;
pub mod rules;

pub use field::{validate_field, validate_field_with, FieldContext, FieldKind};
pub use model::{Claim, Patient, Provider, ServiceLine, Value};
pub use ncci::{NcciError, NcciTable};
pub use rules::{Rule, Severity};

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One finding, tied to the field it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Issue {
    /// Stable rule id, e.g. `dx.not_billable` (see [`rules`]).
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    /// Path of the field: `diagnoses[0]`, `service_lines[1].modifiers[0]`, …
    pub field: String,
    /// Short, plain, says what to do.
    pub message: String,
    /// Present only when one fix is clearly right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub suggestion: Option<String>,
}

/// A rule that did not run, and why (so a clean report never overstates).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Skipped {
    pub rule: Cow<'static, str>,
    pub reason: Cow<'static, str>,
}

/// The result of validating a claim.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Report {
    /// False when any issue is an error.
    pub valid: bool,
    pub issues: Vec<Issue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<Skipped>>", optional))]
    pub skipped: Vec<Skipped>,
}

/// Payer limits. The default is the CMS-1500 form itself; `medicare()` is
/// the Medicare profile (one diagnosis pointer per line).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidationOptions {
    /// Item 24E holds up to 4 pointers (Medicare: 1).
    pub max_pointers_per_line: usize,
    /// Item 21 holds 12 diagnoses, A–L.
    pub max_diagnoses: usize,
    /// Item 24D holds 4 modifiers.
    pub max_modifiers: usize,
    /// An 837P claim holds 50 service lines.
    pub max_service_lines: usize,
}

impl Default for ValidationOptions {
    fn default() -> Self {
        ValidationOptions {
            max_pointers_per_line: 4,
            max_diagnoses: 12,
            max_modifiers: 4,
            max_service_lines: 50,
        }
    }
}

impl ValidationOptions {
    pub fn medicare() -> Self {
        ValidationOptions {
            max_pointers_per_line: 1,
            ..Self::default()
        }
    }

    /// A named profile: `cms1500` (default) or `medicare`.
    pub fn profile(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "" | "cms1500" | "cms-1500" | "default" => Some(Self::default()),
            "medicare" => Some(Self::medicare()),
            _ => None,
        }
    }
}

#[cfg(feature = "cli")]
impl ValidationOptions {
    /// Parses options from JSON text (`{"profile": "medicare"}`).
    pub fn from_json(text: &str) -> Result<ValidationOptions, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(feature = "cli")]
impl Report {
    /// The report as one line of JSON, the shape the CLI and the JS API give.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What JSON and JS pass: any field may be left out, and `profile` picks
/// the starting point (`{"profile": "medicare", "max_modifiers": 4}`).
#[derive(Deserialize, Default)]
#[serde(default)]
#[cfg_attr(
    feature = "typescript",
    derive(ts_rs::TS),
    ts(rename = "ValidationOptions")
)]
pub struct ValidationOptionsInput {
    #[cfg_attr(
        feature = "typescript",
        ts(optional, type = "\"cms1500\" | \"medicare\"")
    )]
    pub profile: Option<String>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub max_pointers_per_line: Option<usize>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub max_diagnoses: Option<usize>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub max_modifiers: Option<usize>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub max_service_lines: Option<usize>,
}

impl<'de> Deserialize<'de> for ValidationOptions {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let i = Option::<ValidationOptionsInput>::deserialize(d)?.unwrap_or_default();
        let mut o = match i.profile.as_deref() {
            None => ValidationOptions::default(),
            Some(p) => ValidationOptions::profile(p).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown profile {p:?}: use \"cms1500\" or \"medicare\""
                ))
            })?,
        };
        o.max_pointers_per_line = i.max_pointers_per_line.unwrap_or(o.max_pointers_per_line);
        o.max_diagnoses = i.max_diagnoses.unwrap_or(o.max_diagnoses);
        o.max_modifiers = i.max_modifiers.unwrap_or(o.max_modifiers);
        o.max_service_lines = i.max_service_lines.unwrap_or(o.max_service_lines);
        Ok(o)
    }
}

/// Validates a whole claim with the CMS-1500 limits and no NCCI table.
/// `today` (yyyymmdd) is what "future" is measured against.
pub fn validate_claim(
    engine: &crate::Engine,
    claim: &Claim,
    today: crate::model::YmdDate,
) -> Report {
    claim::validate(engine, claim, today, &ValidationOptions::default(), None)
}

/// Validates a whole claim with payer options and, when given, an NCCI table.
pub fn validate_claim_with(
    engine: &crate::Engine,
    claim: &Claim,
    today: crate::model::YmdDate,
    options: &ValidationOptions,
    ncci: Option<&NcciTable>,
) -> Report {
    claim::validate(engine, claim, today, options, ncci)
}

/// Where an issue points. Built as text only when an issue is reported:
/// a clean claim formats no paths at all.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Path<'a> {
    /// A whole path: `patient.birth_date`, `diagnoses`, or what a field caller names.
    Name(&'a str),
    /// `billing_provider.npi`
    Sub(&'a str, &'static str),
    /// `diagnoses[i]`
    Dx(usize),
    /// `service_lines[i].code`; `service_lines[i]` when the name is empty.
    Line(usize, &'static str),
    /// `service_lines[i].modifiers[j]`
    Item(usize, &'static str, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Path::Name(n) => f.write_str(n),
            Path::Sub(a, b) => write!(f, "{a}.{b}"),
            Path::Dx(i) => write!(f, "diagnoses[{i}]"),
            Path::Line(i, "") => write!(f, "service_lines[{i}]"),
            Path::Line(i, n) => write!(f, "service_lines[{i}].{n}"),
            Path::Item(i, n, j) => write!(f, "service_lines[{i}].{n}[{j}]"),
        }
    }
}

/// Collects issues; keeps the per-rule bookkeeping out of the checks.
#[derive(Default)]
pub(crate) struct Issues {
    pub list: Vec<Issue>,
}

impl Issues {
    pub fn add(&mut self, rule: Rule, field: Path, message: String) {
        self.push(rule, field, message, None);
    }
    pub fn push(&mut self, rule: Rule, field: Path, message: String, suggestion: Option<String>) {
        self.list.push(Issue {
            rule: Cow::Borrowed(rule.id),
            severity: rule.severity,
            field: field.to_string(),
            message,
            suggestion,
        });
    }
}

/// A short code held on the stack (valid codes and modifiers are at most 8
/// bytes), so checking a claim allocates nothing unless it finds something.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Code {
    b: [u8; 8],
    n: u8,
}

impl Code {
    /// Trimmed and ASCII upper-cased; `None` when longer than 8 bytes.
    pub fn upper(s: &str) -> Option<Code> {
        let t = trim(s).as_bytes();
        if t.len() > 8 {
            return None;
        }
        let mut c = Code {
            n: t.len() as u8,
            ..Code::default()
        };
        for (d, s) in c.b.iter_mut().zip(t) {
            *d = s.to_ascii_uppercase();
        }
        Some(c)
    }

    /// ICD-10-CM normalization exactly as `icd10cm::normalize` (dots and
    /// spaces dropped, upper case, shape checked), without allocating.
    pub fn icd(s: &str) -> Option<Code> {
        let mut c = Code::default();
        for ch in s.chars().filter_map(crate::model::code_char) {
            match ch {
                '.' => {}
                ch if ch.is_ascii_alphanumeric() => {
                    if c.n as usize >= 8 {
                        return None;
                    }
                    c.b[c.n as usize] = ch.to_ascii_uppercase() as u8;
                    c.n += 1;
                }
                _ => return None,
            }
        }
        crate::icd10cm::looks_like_code(c.as_str()).then_some(c)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.bytes()).unwrap_or("")
    }
    pub fn bytes(&self) -> &[u8] {
        &self.b[..self.n as usize]
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// Node id of an undotted code: `Engine::find` on the raw text arena
/// (validated once at load), without re-checking UTF-8 at every step.
pub(crate) fn find(engine: &crate::Engine, system: crate::System, code: &[u8]) -> Option<u32> {
    let d = engine.data();
    let sys = system.to_u8();
    let key = |id: u32| match d.nodes.get(id as usize) {
        Some(n) => {
            let c = n.code();
            let (off, len) = (c.off as usize, c.len as usize);
            (d.text.get(off..off + len).unwrap_or(&[]), n.system)
        }
        None => (&[][..], u8::MAX),
    };
    if code.len() > 8 {
        return None;
    }
    let want = data::pack(code, 0);
    let order = &d.code_order;
    let (mut lo, mut hi) = (0, order.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let id = order[mid];
        let (bytes, s) = key(id);
        // Undotted, a code (at most 7 characters) packs into one integer
        // that orders like its bytes, as `code_order` is sorted.
        let (mut packed, mut n) = (0u64, 0);
        for &b in bytes {
            if b != b'.' && n < 8 {
                packed = packed << 8 | b as u64;
                n += 1;
            }
        }
        let packed = if n == 0 { 0 } else { packed << (8 * (8 - n)) };
        let ord = packed.cmp(&want).then(s.cmp(&sys));
        match ord {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(id),
        }
    }
    None
}

/// `str::trim` with a fast path for the usual case (nothing to trim):
/// every field goes through it.
pub(crate) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// User text as shown inside a message: trimmed, at most 24 characters,
/// control characters replaced, so a pasted megabyte never echoes back.
pub(crate) fn show(s: &str) -> String {
    let t = s.trim();
    let mut out: String = t
        .chars()
        .take(24)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if t.chars().nth(24).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn code_icd_matches_normalize() {
        for s in [
            "E11.9",
            " e11.9 ",
            "E 11 9",
            "s52.501a",
            "E11",
            "E1",
            "qa0.0101",
            "FLU",
            "99213",
            "E11;9",
            "E11.9ABCDE",
            "",
            "É11",
        ] {
            assert_eq!(
                Code::icd(s).map(|c| c.as_str().to_string()),
                crate::icd10cm::normalize(s),
                "{s}"
            );
        }
        assert_eq!(Code::upper(" lt ").unwrap().as_str(), "LT");
        assert!(Code::upper("123456789").is_none());
    }
}
