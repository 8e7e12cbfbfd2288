//! Diagnosis rules (ICD-10-CM, item 21): form, existence, billability and
//! validity on the date of service, sequencing, Excludes1 pairs, and the
//! Medicare Code Editor age and sex edits.

use super::model::Value;
use super::rules::*;
use super::{dates, find, show, trim, Code, Issues, Path, ValidationOptions};
use crate::icd10cm;
use crate::model::{format_ymd, mce, NodeKind, System, YmdDate};
use crate::Engine;

/// ICD-10-CM replaced ICD-9-CM for services on and after this date.
const ICD10_START: YmdDate = 20151001;

/// Guideline I.C.21.c.16: Z codes/categories that may only be reported as
/// the first-listed diagnosis (prefix, exceptions). The tabular itself says
/// so for Z38 ("for use as the principal code on the initial record").
const FIRST_LISTED_ONLY: &[(&str, &[&str])] = &[
    ("Z00", &["Z006"]),
    ("Z01", &[]),
    ("Z02", &["Z029"]),
    ("Z04", &[]),
    ("Z3181", &[]),
    ("Z3183", &[]),
    ("Z3184", &[]),
    ("Z332", &[]),
    ("Z34", &[]),
    ("Z38", &[]),
    ("Z39", &[]),
    ("Z40", &[]),
    ("Z42", &[]),
    ("Z510", &[]),
    ("Z511", &[]),
    ("Z52", &["Z529"]),
    ("Z761", &[]),
    ("Z762", &[]),
    ("Z9912", &[]),
];

pub(crate) fn first_listed_only(code: &str) -> bool {
    FIRST_LISTED_ONLY
        .iter()
        .any(|(p, except)| code.starts_with(p) && !except.iter().any(|e| code.starts_with(e)))
}

/// What the patient fields say, for the MCE edits.
pub(crate) struct PatientFacts {
    pub birth: Option<YmdDate>,
    /// b'M' or b'F'.
    pub sex: Option<u8>,
}

/// A diagnosis that is a code in the data.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Found {
    /// Undotted, upper case.
    pub code: Code,
    pub node: u32,
}

impl Found {
    fn dotted(&self) -> String {
        self.to_string()
    }
}

/// The dotted form (E11.9), written only when a message needs it.
impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = self.code.as_str();
        match (c.get(..3), c.get(3..)) {
            (Some(head), Some(tail)) if !tail.is_empty() => write!(f, "{head}.{tail}"),
            _ => f.write_str(c),
        }
    }
}

/// Packs an undotted code for range tests (see `data::pack`).
fn key(code: &Code) -> u64 {
    super::data::pack(code.bytes(), 0)
}

/// Form and existence. Pushes `dx.format`, `dx.unknown` or
/// `dx.placeholder_missing` and returns `None`, or returns the node.
pub(crate) fn resolve(
    engine: &Engine,
    raw: &Value,
    field: Path,
    out: &mut Issues,
) -> Option<Found> {
    let Some(text) = raw.text() else {
        out.add(
            DX_FORMAT,
            field,
            format!(
                "{field} is {}; enter an ICD-10-CM code such as E11.9",
                raw.kind()
            ),
        );
        return None;
    };
    let t = trim(text);
    if t.is_empty() {
        out.add(
            DX_FORMAT,
            field,
            "empty diagnosis; enter an ICD-10-CM code or remove the entry".into(),
        );
        return None;
    }
    let code = if t.len() <= 16 { Code::icd(t) } else { None };
    let Some(code) = code else {
        let msg = if Code::upper(t).is_some_and(|c| crate::cpt::form(c.as_str()).is_some()) {
            format!(
                "{} is a procedure code; item 21 takes ICD-10-CM diagnosis codes such as E11.9",
                show(t)
            )
        } else {
            format!("{} is not an ICD-10-CM code: a letter, a digit, a letter or digit, then up to 4 more (E11.9, S52.501A)", show(t))
        };
        out.add(DX_FORMAT, field, msg);
        return None;
    };
    if let Some(node) = find(engine, System::Icd10cm, code.bytes()) {
        return Some(Found { code, node });
    }
    let dotted = icd10cm::dotted(code.as_str());
    if let Some((source, billable)) = engine.user_only_icd10cm(code.as_str()) {
        if billable {
            out.add(
                DX_FROM_USER_FILE,
                field,
                format!("{dotted} is only in your own file ({source}), not in the bundled data: medcode cannot check the dates it may be reported or its edits"),
            );
        } else {
            out.add(
                DX_NOT_BILLABLE,
                field,
                format!("{dotted} is a header in your own file ({source}); code to the highest specificity under it"),
            );
        }
        return None;
    }
    let fixes = placeholder_fixes(engine, code.as_str());
    if let [fix] = fixes.as_slice() {
        let fix = icd10cm::dotted(fix);
        out.push(
            DX_PLACEHOLDER_MISSING,
            field,
            format!(
                "{dotted} needs the placeholder X to put the 7th character in 7th place: {fix}"
            ),
            Some(fix),
        );
    } else if !fixes.is_empty() {
        let list: Vec<String> = fixes.iter().take(3).map(|f| icd10cm::dotted(f)).collect();
        out.add(
            DX_PLACEHOLDER_MISSING,
            field,
            format!(
                "{dotted} needs placeholder X before its 7th character, e.g. {}",
                list.join(" or ")
            ),
        );
    } else {
        out.add(DX_UNKNOWN, field, format!("{dotted} is not an ICD-10-CM code; check the characters, or search for it by words"));
    }
    None
}

/// Codes with a 7th character that `code` becomes when X placeholders are
/// inserted before its last character (T4501A → T450X1A).
fn placeholder_fixes(engine: &Engine, code: &str) -> Vec<String> {
    let b = code.as_bytes();
    if b.len() < 4 || b.len() > 6 {
        return Vec::new();
    }
    let need = 7 - b.len();
    let (body, last) = (&b[..b.len() - 1], b[b.len() - 1]);
    let mut out: Vec<String> = Vec::new();
    // Choose where the X's go among body positions 3.. (after the category).
    let mut cand = Vec::with_capacity(7);
    fn place(
        body: &[u8],
        pos: usize,
        need: usize,
        last: u8,
        cand: &mut Vec<u8>,
        found: &mut Vec<Vec<u8>>,
    ) {
        if pos == body.len() {
            let mut c = cand.clone();
            c.extend(std::iter::repeat(b'X').take(need));
            c.push(last);
            found.push(c);
            return;
        }
        if pos >= 3 && need > 0 {
            cand.push(b'X');
            place(body, pos, need - 1, last, cand, found);
            cand.pop();
        }
        cand.push(body[pos]);
        place(body, pos + 1, need, last, cand, found);
        cand.pop();
    }
    let mut found = Vec::new();
    place(body, 0, need, last, &mut cand, &mut found);
    for c in found {
        let Ok(s) = String::from_utf8(c) else {
            continue;
        };
        if out.contains(&s) {
            continue;
        }
        if let Some(id) = find(engine, System::Icd10cm, s.as_bytes()) {
            if engine.node(id).is_some_and(|n| n.seventh != 0) {
                out.push(s);
            }
        }
    }
    out
}

/// Is the code reportable on `date`? Pushes `dx.invalid_for_dos`,
/// `dx.not_billable` or `dx.seventh_char_missing` when not. With no date,
/// judges on the bundled release.
pub(crate) fn check_on_date(
    engine: &Engine,
    f: &Found,
    date: Option<YmdDate>,
    field: Path,
    out: &mut Issues,
) -> bool {
    let spans = engine.spans(f.node);
    let has_validity = engine.data().versions.icd10cm_validity_through != 0;
    if let (Some(d), true, false) = (date, has_validity, spans.is_empty()) {
        if engine.span_on(f.node, d).is_some() {
            return true;
        }
        let first = spans.iter().map(|s| s.start).min().unwrap_or(0);
        let last = spans.iter().map(|s| s.end).max().unwrap_or(0);
        let dotted = f.dotted();
        let when = if last == u32::MAX {
            format!("from {}", format_ymd(first))
        } else {
            format!("from {} until {}", format_ymd(first), format_ymd(last))
        };
        let msg = if d < ICD10_START {
            format!(
                "{} is before ICD-10-CM began (2015-10-01); that date of service takes ICD-9-CM",
                format_ymd(d)
            )
        } else if d < first {
            format!(
                "{dotted} is valid {when}, not on {}; use the code in force on the date of service",
                format_ymd(d)
            )
        } else if !engine.is_billable(f.node) && !engine.children(f.node).is_empty() {
            format!(
                "{dotted} was valid {when}; on {} it is a header — pick a code below it",
                format_ymd(d)
            )
        } else {
            format!(
                "{dotted} is valid {when}, not on {}; use the code in force on the date of service",
                format_ymd(d)
            )
        };
        let suggestion = (d > last && d >= ICD10_START)
            .then(|| unspecified_child(engine, f.node))
            .flatten();
        out.push(DX_INVALID_FOR_DOS, field, msg, suggestion);
        return false;
    }
    if engine.is_billable(f.node) {
        return true;
    }
    if !spans.is_empty() {
        // Deleted code and no date to judge it on.
        let last = spans.iter().map(|s| s.end).max().unwrap_or(0);
        out.add(
            DX_INVALID_FOR_DOS,
            field,
            format!(
                "{} was deleted after {}; use the code in force on the date of service",
                f.dotted(),
                format_ymd(last)
            ),
        );
        return false;
    }
    not_billable(engine, f, field, out);
    false
}

/// A header: say whether it needs a 7th character or a more specific code.
fn not_billable(engine: &Engine, f: &Found, field: Path, out: &mut Issues) {
    let children = engine.children(f.node);
    let sevenths: Vec<u32> = children
        .iter()
        .copied()
        .filter(|&c| engine.node(c).is_some_and(|n| n.seventh != 0))
        .collect();
    let dotted = f.dotted();
    if let Some(&example) = sevenths.first() {
        let chars: Vec<String> = sevenths
            .iter()
            .filter_map(|&c| engine.node(c).map(|n| (n.seventh as char).to_string()))
            .collect();
        let meaning = engine
            .seventh_defs(f.node)
            .into_iter()
            .find(|(c, _)| {
                engine
                    .node(example)
                    .is_some_and(|n| n.seventh as char == *c)
            })
            .map(|(_, m)| format!(" ({m})"))
            .unwrap_or_default();
        let list = if chars.len() > 8 {
            format!("{}, …", chars[..8].join(", "))
        } else {
            chars.join(", ")
        };
        out.add(
            DX_SEVENTH_CHAR_MISSING,
            field,
            format!(
                "{dotted} needs a 7th character ({list}), e.g. {}{meaning}",
                engine.node_code(example)
            ),
        );
        return;
    }
    let what = match engine.node(f.node).map(|n| NodeKind::from_u8(n.kind)) {
        Some(NodeKind::Category) => "a category",
        _ => "a header",
    };
    match unspecified_child(engine, f.node) {
        Some(s) => out.push(
            DX_NOT_BILLABLE,
            field,
            format!("{dotted} is {what}; pick a billable code such as {s}"),
            Some(s),
        ),
        None => out.add(
            DX_NOT_BILLABLE,
            field,
            format!("{dotted} is {what}; pick a more specific code below it"),
        ),
    }
}

/// The one child that is clearly the default: billable and "unspecified"
/// (or a `.9` child that is not "other", like E11.9).
fn unspecified_child(engine: &Engine, id: u32) -> Option<String> {
    let billable: Vec<u32> = engine
        .children(id)
        .iter()
        .copied()
        .filter(|&c| engine.is_billable(c))
        .collect();
    let title = |c: u32| {
        engine
            .node_title(c)
            .map(|t| t.to_ascii_lowercase())
            .unwrap_or_default()
    };
    // "Heart failure, unspecified", not "with unspecified complications".
    let is_unspecified = |t: &str| {
        t.contains(", unspecified") || t.ends_with(" unspecified") || t.starts_with("unspecified")
    };
    let unspecified: Vec<u32> = billable
        .iter()
        .copied()
        .filter(|&c| is_unspecified(&title(c)))
        .collect();
    if let [one] = unspecified.as_slice() {
        return Some(engine.node_code(*one).to_string());
    }
    if !unspecified.is_empty() {
        // I50.1 "Left ventricular failure, unspecified" vs I50.9 "Heart failure, unspecified".
        let nines: Vec<&u32> = unspecified
            .iter()
            .filter(|&&c| engine.node_code(c).ends_with('9'))
            .collect();
        return match nines.as_slice() {
            [one] => Some(engine.node_code(**one).to_string()),
            _ => None,
        };
    }
    let nines: Vec<u32> = billable
        .iter()
        .copied()
        .filter(|&c| engine.node_code(c).ends_with('9') && !title(c).contains("other"))
        .collect();
    match nines.as_slice() {
        [one] => Some(engine.node_code(*one).to_string()),
        _ => None,
    }
}

/// MCE flags of a code on a date, else on its latest span.
fn flags_on(engine: &Engine, node: u32, date: YmdDate) -> u32 {
    engine
        .span_on(node, date)
        .or_else(|| engine.spans(node).last())
        .map(|s| s.mce)
        .unwrap_or(0)
}

/// Sequencing: manifestation and external cause codes never first; the
/// first-listed-only Z codes never later.
pub(crate) fn check_position(
    engine: &Engine,
    f: &Found,
    index: usize,
    date: YmdDate,
    field: Path,
    out: &mut Issues,
) {
    let dotted = f; // Display: formatted only into a message
    if index == 0 {
        if matches!(f.code.bytes().first(), Some(b'V' | b'W' | b'X' | b'Y')) {
            out.add(
                DX_EXTERNAL_CAUSE_FIRST,
                field,
                format!("{dotted} is an external cause code (V00–Y99); list the injury or condition it explains first"),
            );
        } else if flags_on(engine, f.node, date) & mce::MANIFESTATION != 0 {
            out.add(
                DX_MANIFESTATION_FIRST,
                field,
                format!("{dotted} is a manifestation code; list the underlying condition first"),
            );
        }
    } else if first_listed_only(f.code.as_str()) {
        out.add(
            DX_FIRST_LISTED_ONLY,
            field,
            format!("{dotted} may only be the first-listed diagnosis (guideline I.C.21.c.16); move it to A"),
        );
    }
}

/// MCE age and sex edits, as warnings.
pub(crate) fn check_patient(
    engine: &Engine,
    f: &Found,
    date: YmdDate,
    p: &PatientFacts,
    field: Path,
    out: &mut Issues,
) {
    let dotted = f; // Display: formatted only into a message
    if let Some(age) = p.birth.and_then(|b| dates::age_years(b, date)) {
        let flags = engine.span_on(f.node, date).map(|s| s.mce).unwrap_or(0);
        for (flag, who) in [
            (mce::NEWBORN, "newborns"),
            (mce::PEDIATRIC, "pediatric patients"),
            (mce::MATERNITY, "maternity patients"),
            (mce::ADULT, "adults"),
        ] {
            if flags & flag == 0 {
                continue;
            }
            let Some((low, high)) = age_range(engine, flag, date) else {
                continue;
            };
            if age < low || age > high {
                let ages = if low == high {
                    format!("age {low}")
                } else {
                    format!("age {low}–{high}")
                };
                out.add(
                    DX_AGE_CONFLICT,
                    field,
                    format!(
                        "{dotted} is for {who} ({ages}) but the patient is {age} on {}; check the code or the birth date",
                        format_ymd(date)
                    ),
                );
                break;
            }
        }
    }
    if let Some(sex) = p.sex {
        // CMS retired the sex edits for FY2025; the last lists still catch slips.
        let last = engine
            .spans(f.node)
            .iter()
            .rev()
            .find(|s| s.mce & (mce::MALE | mce::FEMALE) != 0);
        if let Some(s) = last {
            let (code_sex, patient) = if s.mce & mce::MALE != 0 {
                (b'M', "female")
            } else {
                (b'F', "male")
            };
            if code_sex != sex {
                let only = if code_sex == b'M' { "male" } else { "female" };
                out.add(
                    DX_SEX_CONFLICT,
                    field,
                    format!(
                        "{dotted} is a {only}-only diagnosis (last CMS sex edit list, through {}) but the patient is {patient}; check the code or the patient's sex",
                        format_ymd(s.end)
                    ),
                );
            }
        }
    }
}

/// MCE age limits of a category on a date (the newest table when the date
/// is past the data).
fn age_range(engine: &Engine, flag: u32, date: YmdDate) -> Option<(u32, u32)> {
    let ranges = &engine.data().age_ranges;
    ranges
        .iter()
        .find(|r| r.mce_flag == flag && r.start <= date && date <= r.end)
        .or_else(|| {
            ranges
                .iter()
                .filter(|r| r.mce_flag == flag)
                .max_by_key(|r| r.end)
        })
        .map(|r| (r.low, r.high))
}

/// The dates of service each diagnosis is judged on.
pub(crate) enum DxDates<'a> {
    /// Every diagnosis on one date (one date of service, or none: today).
    One(YmdDate),
    /// Per diagnosis, the distinct dates of the lines pointing to it; empty
    /// (or past the end) means the fallback date.
    Each(&'a [Vec<YmdDate>], YmdDate),
}

/// Item 21 as a whole: every entry, then the list rules and pairs.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_list(
    engine: &Engine,
    diagnoses: &[Value],
    dates: DxDates,
    patient: &PatientFacts,
    opts: &ValidationOptions,
    pair_cap: usize,
    out: &mut Issues,
) {
    let mut found: Vec<(usize, Found)> = Vec::with_capacity(diagnoses.len().min(16));
    let checked = diagnoses.len().min(super::limits::MAX_DIAGNOSES_CHECKED);
    for (i, raw) in diagnoses[..checked].iter().enumerate() {
        let field = Path::Dx(i);
        let Some(f) = resolve(engine, raw, field, out) else {
            continue;
        };
        let fallback;
        let on: &[YmdDate] = match &dates {
            DxDates::One(d) => std::slice::from_ref(d),
            DxDates::Each(v, fb) => match v.get(i) {
                Some(v) if !v.is_empty() => v,
                _ => {
                    fallback = [*fb];
                    &fallback
                }
            },
        };
        if !on
            .iter()
            .all(|&d| check_on_date(engine, &f, Some(d), field, out))
        {
            continue;
        }
        check_position(engine, &f, i, on[0], field, out);
        check_patient(engine, &f, on[0], patient, field, out);
        found.push((i, f));
    }
    // Options come from input too: never past what is checked one by one.
    let max_diagnoses = opts.max_diagnoses.min(super::limits::MAX_DIAGNOSES_CHECKED);
    if diagnoses.len() > max_diagnoses {
        let only = if checked < diagnoses.len() {
            format!(" (only the first {checked} were checked)")
        } else {
            String::new()
        };
        out.add(
            DX_TOO_MANY,
            Path::Name("diagnoses"),
            format!(
                "{} diagnoses; a claim holds {} (A–{}) — move the rest to another claim{only}",
                diagnoses.len(),
                max_diagnoses,
                letter(max_diagnoses.saturating_sub(1))
            ),
        );
    }
    // Duplicates: each repeat against its first occurrence, in one pass
    // over a hash map (linear however many repeats); repeats then leave the
    // pair checks.
    let mut first_at: std::collections::HashMap<Code, usize> =
        std::collections::HashMap::with_capacity(found.len().min(64));
    found.retain(|&(i, f)| match first_at.entry(f.code) {
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(i);
            true
        }
        std::collections::hash_map::Entry::Occupied(o) => {
            out.add(
                DX_DUPLICATE,
                Path::Dx(i),
                format!(
                    "{} repeats diagnosis {}; list each code once",
                    f.dotted(),
                    letter(*o.get())
                ),
            );
            false
        }
    });
    // Excludes1, both directions, inherited from every ancestor.
    let n = found.iter().take_while(|(i, _)| *i < pair_cap).count();
    if n < 2 {
        return;
    }
    let rules = &engine.data().rules;
    // Per diagnosis: its key and the carriers of Excludes1 notes above it.
    let mut carriers: Vec<([usize; 8], usize, u64)> = Vec::with_capacity(n);
    for (_, f) in &found[..n] {
        let (mut c, mut len) = ([0usize; 8], 0);
        let mut cur = Some(f.node);
        let mut depth = 0;
        while let (Some(node), true) = (cur, depth < 16) {
            if let (Some(i), true) = (rules.excludes1_carrier(node), len < 8) {
                c[len] = i;
                len += 1;
            }
            cur = engine.parent(node);
            depth += 1;
        }
        carriers.push((c, len, key(&f.code)));
    }
    let excluded_by = |a: usize, k: u64| {
        let (c, len, _) = &carriers[a];
        c[..*len]
            .iter()
            .any(|&i| rules.excludes1_at(i).any(|(lo, hi)| lo <= k && k <= hi))
    };
    for b in 1..n {
        for a in 0..b {
            let (fa, fb) = (&found[a].1, &found[b].1);
            if excluded_by(a, carriers[b].2) || excluded_by(b, carriers[a].2) {
                out.add(
                    DX_EXCLUDES1,
                    Path::Dx(found[b].0),
                    format!(
                        "{} and {} exclude each other (Excludes1): report one, unless the conditions are unrelated (then both are allowed)",
                        fa.dotted(),
                        fb.dotted()
                    ),
                );
                break;
            }
        }
    }
}

/// 0 → A, 11 → L.
pub(crate) fn letter(i: usize) -> char {
    (b'A' + (i.min(25) as u8)) as char
}
