//! Whole-claim validation: runs every check over a [`Claim`] (the model is
//! in [`super::model`]) and sorts the issues into form order.

use super::dates::{self, DateError};
use super::model::{pointer_index, Claim, Patient, Value};
use super::ncci::NcciTable;
use super::rules::*;
use super::{
    dx, proc, provider, show, trim, Code, Issues, Path, Report, Skipped, ValidationOptions,
};
use crate::model::{format_ymd, YmdDate};
use crate::Engine;
use std::borrow::Cow;

/// Pair checks (Excludes1, NCCI) are quadratic: never run them over more
/// than this many entries, whatever the options say.
const PAIR_CAP: usize = 64;

/// Reads a claim date (`YYYY-MM-DD` only), reporting what is wrong with it.
/// A date in another form people type gets a suggestion in the claim form.
pub(crate) fn claim_date(
    v: &Option<Value>,
    field: Path,
    today: YmdDate,
    out: &mut Issues,
) -> Option<YmdDate> {
    let v = v.as_ref()?;
    let Some(text) = v.text() else {
        if !matches!(v, Value::Null) {
            out.add(
                DATE_FORMAT,
                field,
                format!("{field} is {}; write the date as YYYY-MM-DD", v.kind()),
            );
        }
        return None;
    };
    if trim(text).is_empty() {
        return None;
    }
    match dates::parse_iso(text) {
        Ok(d) => Some(d),
        Err(DateError::Calendar) => {
            out.add(
                DATE_FORMAT,
                field,
                format!(
                    "{} is not a calendar date; check the month and day",
                    show(text)
                ),
            );
            None
        }
        Err(DateError::Shape) => {
            let suggestion = dates::parse_form(text, Some(today)).ok().map(format_ymd);
            let msg = match &suggestion {
                Some(s) => format!("write dates as YYYY-MM-DD: {s}"),
                None => format!("{} is not a date; write it as YYYY-MM-DD", show(text)),
            };
            out.push(DATE_FORMAT, field, msg, suggestion);
            None
        }
    }
}

fn patient_sex(p: Option<&Patient>) -> Option<u8> {
    let s = p?.sex.as_ref()?.text()?.trim();
    if s.eq_ignore_ascii_case("M") || s.eq_ignore_ascii_case("male") {
        Some(b'M')
    } else if s.eq_ignore_ascii_case("F") || s.eq_ignore_ascii_case("female") {
        Some(b'F')
    } else {
        None
    }
}

/// A service line's facts that other checks need.
struct LineFacts {
    /// Date of service: `from`, else `to`.
    dos: Option<YmdDate>,
    /// Procedure code when it passed the format check.
    code: Option<Code>,
    /// Bit k: the line points to diagnosis k (A = 0), valid letters only.
    pointers: u16,
}

pub(crate) fn validate(
    engine: &Engine,
    claim: &Claim,
    today: YmdDate,
    opts: &ValidationOptions,
    ncci: Option<&NcciTable>,
) -> Report {
    let mut out = Issues::default();
    let mut skipped = Vec::new();

    // Providers (items 17b, 24J, 25, 33a).
    for (name, p, tax) in [
        ("billing_provider", &claim.billing_provider, true),
        ("rendering_provider", &claim.rendering_provider, false),
        ("referring_provider", &claim.referring_provider, false),
    ] {
        if let Some(p) = p {
            provider::check_provider(p, name, tax, &mut out);
        }
    }

    // Patient.
    let patient = claim.patient.as_ref();
    let birth_field = Path::Name("patient.birth_date");
    let birth = patient.and_then(|p| claim_date(&p.birth_date, birth_field, today, &mut out));
    if let Some(b) = birth.filter(|&b| b > today) {
        out.add(
            DATE_FUTURE,
            birth_field,
            format!(
                "birth date {} is after today ({}); check the year",
                format_ymd(b),
                format_ymd(today)
            ),
        );
    }
    if let Some(z) = patient.and_then(|p| p.zip.as_ref()) {
        provider::check_zip(z, Path::Name("patient.zip"), &mut out);
    }
    let sex = patient_sex(patient);

    // Lines, first pass: dates and pointers (line issues are sorted into
    // place at the end).
    let n_dx = claim.diagnoses.len();
    let mut facts: Vec<LineFacts> = Vec::with_capacity(claim.service_lines.len());
    for (i, line) in claim.service_lines.iter().enumerate() {
        let (from_field, to_field) = (Path::Line(i, "from"), Path::Line(i, "to"));
        let from = claim_date(&line.from, from_field, today, &mut out);
        let to = claim_date(&line.to, to_field, today, &mut out);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                out.add(
                    DATE_RANGE,
                    to_field,
                    format!(
                        "to date {} is before from date {}; swap or correct them",
                        format_ymd(t),
                        format_ymd(f)
                    ),
                );
            }
        }
        for (d, field) in [(from, from_field), (to, to_field)] {
            if let Some(d) = d.filter(|&d| d > today) {
                out.add(
                    DATE_FUTURE,
                    field,
                    format!(
                        "service date {} is after today ({}); bill after the service",
                        format_ymd(d),
                        format_ymd(today)
                    ),
                );
            }
        }
        let pointers = line
            .diagnosis_pointers
            .iter()
            .filter_map(|p| p.text().and_then(pointer_index))
            .filter(|&k| k < n_dx)
            .fold(0u16, |m, k| m | 1 << k);
        facts.push(LineFacts {
            dos: from.or(to),
            code: None,
            pointers,
        });
    }
    let earliest = facts.iter().filter_map(|f| f.dos).min();
    if let (Some(b), Some(e)) = (birth, earliest) {
        if b > e {
            out.add(
                BIRTH_DATE_AFTER_SERVICE,
                birth_field,
                format!(
                    "birth date {} is after the date of service {}; check both dates",
                    format_ymd(b),
                    format_ymd(e)
                ),
            );
        }
    }

    // Diagnoses, each on the dates of the lines that point to it (one date
    // for all when the lines agree, the usual case).
    let fallback = earliest.unwrap_or(today);
    let one_date = facts
        .iter()
        .filter_map(|f| f.dos)
        .all(|d| Some(d) == earliest);
    let per_dx: Vec<Vec<YmdDate>>;
    let dates = if one_date {
        dx::DxDates::One(fallback)
    } else {
        let mut v = vec![Vec::new(); n_dx.min(12)];
        for f in &facts {
            let Some(d) = f.dos else { continue };
            for (k, dates) in v.iter_mut().enumerate() {
                if f.pointers & (1 << k) != 0 && !dates.contains(&d) && dates.len() < 366 {
                    dates.push(d);
                }
            }
        }
        per_dx = v;
        dx::DxDates::Each(&per_dx, fallback)
    };
    let patient_facts = dx::PatientFacts { birth, sex };
    dx::check_list(
        engine,
        &claim.diagnoses,
        dates,
        &patient_facts,
        opts,
        PAIR_CAP,
        &mut out,
    );

    // Lines, second pass: codes, modifiers, place, units, charge, pointers.
    if claim.service_lines.len() > opts.max_service_lines {
        out.add(
            SERVICE_LINES_TOO_MANY,
            Path::Name("service_lines"),
            format!(
                "{} service lines; a claim holds {} — split it into several claims",
                claim.service_lines.len(),
                opts.max_service_lines
            ),
        );
    }
    for (i, (line, f)) in claim.service_lines.iter().zip(facts.iter_mut()).enumerate() {
        let dos = f.dos.unwrap_or(fallback);
        f.code = proc::check_line(engine, line, i, dos, n_dx, opts, &mut out);
    }

    // Cross-line: NCCI procedure-to-procedure edits (the user's practitioner
    // table, when added, in place of the bundled one).
    let ncci = engine.user_data().and_then(|u| u.ncci.as_ref()).or(ncci);
    match ncci {
        None => skipped.push(Skipped {
            rule: Cow::Borrowed(NCCI_PTP.id),
            reason: Cow::Borrowed("no NCCI table attached (ncci.idx)"),
        }),
        Some(_) if claim.service_lines.len() > PAIR_CAP.min(opts.max_service_lines.max(1)) => {
            skipped.push(Skipped {
                rule: Cow::Borrowed(NCCI_PTP.id),
                reason: Cow::Borrowed("too many service lines to compare pairwise"),
            })
        }
        Some(table) => {
            let lines: Vec<(Option<YmdDate>, Option<Code>, &[Value])> = facts
                .iter()
                .zip(&claim.service_lines)
                .map(|(f, l)| (f.dos, f.code, l.modifiers.as_slice()))
                .collect();
            super::ncci::check_claim(engine, table, &lines, &mut out);
            // The table keeps edits in force on or after its `from` date:
            // older dates are checked only against edits still in force then.
            if table.from > 0 && facts.iter().any(|f| f.dos.is_some_and(|d| d < table.from)) {
                skipped.push(Skipped {
                    rule: Cow::Borrowed(NCCI_PTP.id),
                    reason: Cow::Owned(format!(
                        "partly: the NCCI table lacks edits deleted before {}",
                        format_ymd(table.from)
                    )),
                });
            }
        }
    }

    // Cross-line: MUE unit limits, from the user's own tables.
    match engine
        .user_data()
        .map(|u| u.mue.as_slice())
        .filter(|t| !t.is_empty())
    {
        None => skipped.push(Skipped {
            rule: Cow::Borrowed(MUE_EXCEEDED.id),
            reason: Cow::Borrowed(
                "no MUE table added (medcode data add mue FILE, or Add data in the options)",
            ),
        }),
        Some(tables) => {
            let lines: Vec<_> = facts
                .iter()
                .zip(&claim.service_lines)
                .map(|(f, l)| (f.dos, f.code, l.units.as_ref()))
                .collect();
            super::mue::check_claim(tables, &lines, &mut out);
        }
    }

    // Form order: providers, patient, item 21, then each line field by field.
    if out.list.len() > 1 {
        out.list.sort_by_cached_key(|i| field_order(&i.field));
    }
    let valid = !out
        .list
        .iter()
        .any(|i| i.severity == super::Severity::Error);
    Report {
        valid,
        issues: out.list,
        skipped,
    }
}

/// Sort key of a field path in CMS-1500 order (stable sort keeps rule order
/// within a field).
fn field_order(field: &str) -> (u8, usize, u8, usize) {
    let index = |s: &str| -> usize {
        s.find('[')
            .and_then(|a| {
                s[a + 1..]
                    .find(']')
                    .and_then(|b| s[a + 1..a + 1 + b].parse().ok())
            })
            .unwrap_or(0)
    };
    let head = field.split(['.', '[']).next().unwrap_or("");
    let section = match head {
        "billing_provider" => 0,
        "rendering_provider" => 1,
        "referring_provider" => 2,
        "patient" => 3,
        "diagnoses" => 4,
        "service_lines" => 5,
        _ => 6,
    };
    if section == 5 {
        let Some(rest) = field.split_once("].").map(|x| x.1) else {
            return (
                5,
                if field.contains('[') {
                    index(field) + 1
                } else {
                    0
                },
                0,
                0,
            );
        };
        let sub = [
            "from",
            "to",
            "place_of_service",
            "code",
            "modifiers",
            "units",
            "charge",
            "diagnosis_pointers",
        ]
        .iter()
        .position(|n| rest.starts_with(n))
        .unwrap_or(8) as u8;
        return (
            5,
            index(field) + 1,
            sub,
            if rest.contains('[') {
                index(rest) + 1
            } else {
                0
            },
        );
    }
    let idx = if field.contains('[') {
        index(field) + 1
    } else {
        0
    };
    (section, idx, 0, 0)
}
