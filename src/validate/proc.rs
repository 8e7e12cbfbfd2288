//! Service-line rules (item 24): procedure code, modifiers, place of
//! service, units, charge, diagnosis pointers.
//!
//! CPT codes are checked by form only (descriptors are the AMA's; a
//! licensed user's descriptor table would plug in at `check_code`).

use super::dx::letter;
use super::model::{pointer_index, ServiceLine, Value};
use super::rules::*;
use super::{find, pos, show, trim, Code, Issues, Path, ValidationOptions};
use crate::model::{format_ymd, System, YmdDate};
use crate::Engine;

/// Trimmed text of a scalar, or an issue for a non-text value.
fn text_of<'a>(
    v: &'a Value,
    rule: Rule,
    field: Path,
    what: &str,
    out: &mut Issues,
) -> Option<&'a str> {
    match v.text() {
        Some(t) => Some(trim(t)),
        None if matches!(v, Value::Null) => None,
        None => {
            out.add(
                rule,
                field,
                format!("{field} is {}; enter the {what}", v.kind()),
            );
            None
        }
    }
}

/// A procedure code: form, then (HCPCS Level II) existence and validity on
/// `dos`. Returns the normalized code when it has a valid form.
pub(crate) fn check_code(
    engine: &Engine,
    raw: &str,
    dos: Option<YmdDate>,
    field: Path,
    out: &mut Issues,
) -> Option<Code> {
    if trim(raw).is_empty() {
        out.add(
            PROC_FORMAT,
            field,
            "no procedure code; enter a CPT or HCPCS code".into(),
        );
        return None;
    }
    let code = Code::upper(raw).filter(|c| c.bytes().len() == 5);
    if let Some(c) = code.filter(|c| crate::cpt::form(c.as_str()).is_some()) {
        // Only a licensed CPT list can say a CPT code does not exist.
        if engine.cpt_known(c.as_str()) == Some(false) {
            out.add(
                PROC_UNKNOWN,
                field,
                format!(
                    "{} is not in the CPT descriptor file you added; check the code",
                    c.as_str()
                ),
            );
        }
        return Some(c);
    }
    let Some(code) = code.filter(|c| crate::hcpcs::is_level2(c.as_str())) else {
        let diagnosis = raw.contains('.') && trim(raw).len() <= 16 && Code::icd(raw).is_some();
        let msg = if diagnosis {
            format!(
                "{} is a diagnosis code; item 24D takes CPT or HCPCS codes",
                show(raw)
            )
        } else {
            format!(
                "{} is not a procedure code: CPT is 5 digits (99213) or 4 digits + F, T or U; HCPCS Level II is a letter A–V + 4 digits (J1100)",
                show(raw)
            )
        };
        out.add(PROC_FORMAT, field, msg);
        return None;
    };
    let Some(id) = find(engine, System::Hcpcs, code.bytes()) else {
        out.add(
            PROC_UNKNOWN,
            field,
            format!(
                "{} is not in the bundled HCPCS Level II data ({}); check the code",
                code.as_str(),
                engine.data().versions.hcpcs_release
            ),
        );
        return Some(code);
    };
    let from = engine.data().rules.hcpcs_from;
    if let Some(d) = dos.filter(|&d| d >= from && from != 0) {
        let spans = engine.spans(id);
        if !spans.is_empty() && engine.span_on(id, d).is_none() {
            let first = spans.iter().map(|s| s.start).min().unwrap_or(0);
            let last = spans.iter().map(|s| s.end).max().unwrap_or(0);
            let when = if last == u32::MAX {
                format!("from {}", format_ymd(first))
            } else {
                format!("from {} until {}", format_ymd(first), format_ymd(last))
            };
            out.add(
                PROC_INVALID_FOR_DOS,
                field,
                format!(
                    "{} is valid {when}, not on {}; use the code in force on the date of service",
                    code.as_str(),
                    format_ymd(d)
                ),
            );
        }
    }
    Some(code)
}

/// Modifier codes compare as two bytes (all are two characters).
fn mod_key(s: &str) -> (u8, u8, usize) {
    let b = s.as_bytes();
    (
        b.first().copied().unwrap_or(0),
        b.get(1).copied().unwrap_or(0),
        b.len(),
    )
}

/// The bundled entries (one per validity span) of a modifier; the list is sorted by code.
fn modifier_entries<'a>(engine: &'a Engine, m: &str) -> &'a [crate::index::format::ModifierRec] {
    let list = &engine.data().modifiers;
    let k = mod_key(m);
    let start = list.partition_point(|r| mod_key(&r.code) < k);
    let rest = list.get(start..).unwrap_or(&[]);
    // A code has one entry per validity span: a few at most.
    let n = rest.iter().take_while(|r| mod_key(&r.code) == k).count();
    &rest[..n]
}

/// Whether a modifier is in the bundled list.
pub(crate) fn modifier_known(engine: &Engine, m: &str) -> bool {
    !modifier_entries(engine, m).is_empty()
}

/// Whether a modifier is NCCI-associated (may bypass an indicator-1 edit).
pub(crate) fn modifier_ncci(engine: &Engine, m: &str) -> bool {
    modifier_entries(engine, m).iter().any(|r| r.ncci)
}

/// `m` is trimmed and upper case.
pub(crate) fn check_modifier(engine: &Engine, m: &str, field: Path, out: &mut Issues) -> bool {
    let b = m.as_bytes();
    if b.len() != 2 || !b.iter().all(u8::is_ascii_alphanumeric) {
        out.add(
            MODIFIER_FORMAT,
            field,
            format!(
                "modifier {} must be 2 letters or digits (25, LT, XS)",
                show(m)
            ),
        );
        return false;
    }
    if !modifier_known(engine, m) {
        out.add(
            MODIFIER_UNKNOWN,
            field,
            format!("modifier {m} is not a HCPCS modifier; check it"),
        );
        return false;
    }
    true
}

pub(crate) fn check_pos(v: &Value, field: Path, out: &mut Issues) {
    let Some(t) = text_of(v, POS_UNKNOWN, field, "two-digit place of service", out) else {
        return;
    };
    if t.is_empty() {
        return;
    }
    // A JSON number cannot carry the leading zero of 02.
    let padded;
    let code = if v.is_number() && t.len() == 1 {
        padded = format!("0{t}");
        padded.as_str()
    } else {
        t
    };
    if pos::name(code).is_none() {
        out.add(
            POS_UNKNOWN,
            field,
            format!(
                "place of service {} is not on the CMS list; use its two-digit code (11 office, 22 outpatient hospital)",
                show(code)
            ),
        );
    }
}

/// A plain decimal: digits with at most one point, no sign or exponent.
fn decimal(t: &str) -> Option<(&str, &str)> {
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let ok = !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    ok.then_some((int, frac))
}

pub(crate) fn check_units(v: &Value, field: Path, out: &mut Issues) {
    let Some(t) = text_of(v, UNITS_INVALID, field, "number of units", out) else {
        return;
    };
    let positive = t.len() <= 15
        && decimal(t).is_some_and(|(i, f)| i.bytes().chain(f.bytes()).any(|b| b != b'0'));
    if !positive {
        out.add(
            UNITS_INVALID,
            field,
            format!("units {} must be a positive number (1, 2, 0.5)", show(t)),
        );
    }
}

pub(crate) fn check_charge(v: &Value, field: Path, out: &mut Issues) {
    let Some(t) = text_of(v, CHARGE_INVALID, field, "charge in dollars", out) else {
        return;
    };
    let plain = t.strip_prefix('$').unwrap_or(t);
    // Thousands commas are allowed only between digit groups of three.
    let (int, frac) = plain.split_once('.').unwrap_or((plain, ""));
    let groups_ok = !int.contains(',') || {
        let mut parts = int.split(',');
        let first = parts.next().unwrap_or("");
        (1..=3).contains(&first.len()) && parts.all(|p| p.len() == 3)
    };
    let digits_ok = plain.len() <= 18
        && groups_ok
        && !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit() || b == b',')
        && frac.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && !(plain.contains('.') && frac.is_empty());
    if !digits_ok {
        out.add(
            CHARGE_INVALID,
            field,
            format!(
                "charge {} must be dollars and cents, not negative, at most 2 decimals (125.00)",
                show(t)
            ),
        );
    }
}

/// Everything on one line. Returns the procedure code for cross-line edits.
pub(crate) fn check_line(
    engine: &Engine,
    line: &ServiceLine,
    i: usize,
    dos: YmdDate,
    n_dx: usize,
    opts: &ValidationOptions,
    out: &mut Issues,
) -> Option<Code> {
    let code_field = Path::Line(i, "code");
    let code = match &line.code {
        Some(v) => match v.text() {
            Some(t) => check_code(engine, t, Some(dos), code_field, out),
            None => {
                out.add(
                    PROC_FORMAT,
                    code_field,
                    format!(
                        "the procedure code is {}; enter a CPT or HCPCS code",
                        v.kind()
                    ),
                );
                None
            }
        },
        None => {
            out.add(
                PROC_FORMAT,
                code_field,
                "no procedure code; enter a CPT or HCPCS code".into(),
            );
            None
        }
    };

    // Modifiers (24D: up to 4, two characters each).
    // Modifiers seen so far on the line (24D holds 4; beyond 8 repeats go unreported).
    let (mut seen, mut n_seen) = ([Code::default(); 8], 0);
    let limit = super::limits::MAX_LINE_ITEMS_CHECKED;
    for (j, m) in line.modifiers.iter().take(limit).enumerate() {
        let field = Path::Item(i, "modifiers", j);
        let Some(t) = text_of(m, MODIFIER_FORMAT, field, "two-character modifier", out) else {
            continue;
        };
        if t.is_empty() {
            continue;
        }
        let Some(m) = Code::upper(t) else {
            check_modifier(engine, t, field, out); // too long: a format issue
            continue;
        };
        if seen[..n_seen].contains(&m) {
            out.add(
                MODIFIER_DUPLICATE,
                field,
                format!(
                    "modifier {} appears twice on this line; keep one",
                    show(m.as_str())
                ),
            );
            continue;
        }
        check_modifier(engine, m.as_str(), field, out);
        if n_seen < seen.len() {
            seen[n_seen] = m;
            n_seen += 1;
        }
    }
    if line.modifiers.len() > opts.max_modifiers.min(limit) {
        out.add(
            MODIFIER_TOO_MANY,
            Path::Line(i, "modifiers"),
            format!(
                "{} modifiers; a line holds {} — keep the pricing modifiers first and split the line if needed{}",
                line.modifiers.len(),
                opts.max_modifiers.min(limit),
                only_first(line.modifiers.len(), limit)
            ),
        );
    }

    if let Some(p) = &line.place_of_service {
        check_pos(p, Path::Line(i, "place_of_service"), out);
    }
    if let Some(u) = &line.units {
        check_units(u, Path::Line(i, "units"), out);
    }
    if let Some(c) = &line.charge {
        check_charge(c, Path::Line(i, "charge"), out);
    }

    // Diagnosis pointers (24E).
    let ptrs = &line.diagnosis_pointers;
    let mut used = [false; 12];
    for (j, p) in ptrs.iter().take(limit).enumerate() {
        check_pointer(
            p,
            n_dx,
            Path::Item(i, "diagnosis_pointers", j),
            &mut used,
            out,
        );
    }
    if ptrs.is_empty() && code.is_some() {
        out.add(
            POINTER_MISSING,
            Path::Line(i, "diagnosis_pointers"),
            "point this line to at least one diagnosis (A–L)".into(),
        );
    }
    if ptrs.len() > opts.max_pointers_per_line.min(limit) {
        out.add(
            POINTER_TOO_MANY,
            Path::Line(i, "diagnosis_pointers"),
            format!(
                "{} diagnosis pointers; this payer takes {} per line — keep the primary one first{}",
                ptrs.len(),
                opts.max_pointers_per_line.min(limit),
                only_first(ptrs.len(), limit)
            ),
        );
    }
    code
}

/// One pointer: a letter A–L that names a listed diagnosis, once per line.
pub(crate) fn check_pointer(
    p: &Value,
    n_dx: usize,
    field: Path,
    used: &mut [bool; 12],
    out: &mut Issues,
) {
    let Some(t) = p.text() else {
        out.add(
            POINTER_INVALID,
            field,
            format!("pointer is {}; use a letter A–L", p.kind()),
        );
        return;
    };
    let Some(k) = pointer_index(t) else {
        // 837P SV107 uses numbers 1–12; the form uses letters.
        let n = t
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=n_dx.min(12)).contains(n));
        let suggestion = n.map(|n| letter(n - 1).to_string());
        let msg = match (&suggestion, n) {
            (Some(l), Some(n)) => format!("pointer {n} must be a letter: diagnosis {n} is {l}"),
            _ => format!(
                "pointer {} must be a letter A–L naming a diagnosis in item 21",
                show(t)
            ),
        };
        out.push(POINTER_INVALID, field, msg, suggestion);
        return;
    };
    if k >= n_dx {
        let msg = if n_dx == 0 {
            format!(
                "pointer {} points to no diagnosis: none are listed",
                letter(k)
            )
        } else {
            format!(
                "pointer {} points past the diagnoses (A–{}); fix the letter or add the diagnosis",
                letter(k),
                letter(n_dx - 1)
            )
        };
        out.add(POINTER_INVALID, field, msg);
        return;
    }
    if used[k] {
        out.add(
            POINTER_DUPLICATE,
            field,
            format!("pointer {} appears twice on this line; keep one", letter(k)),
        );
    }
    used[k] = true;
}

/// " (only the first N were checked)" when a list was longer than the limit.
fn only_first(len: usize, limit: usize) -> String {
    if len > limit {
        format!(" (only the first {limit} were checked)")
    } else {
        String::new()
    }
}
