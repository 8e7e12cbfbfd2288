//! Building the validation rule tables ([`RuleData`]) from everything the
//! index builder holds (native only, at build time). Validation only reads
//! them (`validate::data`).
//!
//! Excludes1 notes are text ("type 1 diabetes mellitus (E10.-)", "(O00-O9A)",
//! "(E08-E13 with .44)"). They are resolved here, once, into ranges of
//! undotted codes, so the browser never parses note text.

use super::build::IndexBuilder;
use crate::model::{NodeKind, NoteKind, System};
use crate::validate::data::{pack, RuleData};

/// Builds the rule tables from everything the builder holds.
pub fn build(b: &IndexBuilder) -> RuleData {
    let nodes = b.nodes();
    let mut codes: Vec<&str> = nodes
        .iter()
        .filter(|n| {
            n.system == System::Icd10cm && matches!(n.kind, NodeKind::Category | NodeKind::Code)
        })
        .map(|n| n.code.as_str())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut rd = RuleData::default();
    for (id, n) in nodes.iter().enumerate() {
        if n.system != System::Icd10cm {
            continue;
        }
        let mut ranges: Vec<(u64, u64)> = Vec::new();
        for (kind, text) in &n.notes {
            if *kind == NoteKind::Excludes1 {
                ranges.extend(resolve_note(text, &codes));
            }
        }
        // A note never excludes its own code or what is below it.
        if matches!(n.kind, NodeKind::Category | NodeKind::Code) {
            let own_lo = pack(n.code.as_bytes(), 0);
            let own_hi = pack(n.code.as_bytes(), 0xff);
            ranges.retain(|&(lo, hi)| hi < own_lo || lo > own_hi);
        }
        ranges.sort_unstable();
        ranges.dedup();
        if ranges.is_empty() {
            continue;
        }
        rd.excludes1_nodes.push(id as u32);
        for (lo, hi) in ranges {
            rd.excludes1_ranges.extend_from_slice(&lo.to_be_bytes());
            rd.excludes1_ranges.extend_from_slice(&hi.to_be_bytes());
        }
        rd.excludes1_ends
            .push((rd.excludes1_ranges.len() / 16) as u32);
    }
    rd.hcpcs_from = nodes
        .iter()
        .filter(|n| n.system == System::Hcpcs)
        .flat_map(|n| n.spans.iter().map(|s| s.0))
        .min()
        .unwrap_or(0);
    rd
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Code(String),
    Dash,
    Comma,
    To,
    With(String),
    Word,
}

/// `E10.9` → `E109`; accepts a trailing `.` (`I69.`, `D29.2.-`).
fn code_at(s: &[u8], i: usize) -> Option<(String, usize)> {
    let c = |k: usize| s.get(k).copied().unwrap_or(0);
    if i > 0 && c(i - 1).is_ascii_alphanumeric() {
        return None;
    }
    let head = [c(i), c(i + 1), c(i + 2)];
    let ok = head[0].is_ascii_uppercase()
        && head[1..]
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        && (head[1].is_ascii_digit() || head[2].is_ascii_digit());
    if !ok {
        return None;
    }
    let mut code: String = head.iter().map(|&b| b as char).collect();
    let mut j = i + 3;
    while c(j) == b'.' {
        j += 1;
        while c(j).is_ascii_digit() || c(j).is_ascii_uppercase() {
            code.push(c(j) as char);
            j += 1;
        }
    }
    if c(j).is_ascii_alphanumeric() || code.len() > 7 {
        return None; // a word such as G6PD, not a code
    }
    Some((code, j))
}

fn tokenize(text: &str) -> Vec<Tok> {
    let s = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if b == b' ' || b == b'\t' {
            i += 1;
        } else if b == b'-' {
            out.push(Tok::Dash);
            i += 1;
        } else if b == b',' || b == b';' {
            out.push(Tok::Comma);
            i += 1;
        } else if let Some((code, j)) = code_at(s, i) {
            out.push(Tok::Code(code));
            i = j;
        } else if b.is_ascii_alphabetic() {
            let j = i + s[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            let word = &text[i..j];
            match word {
                "and" => out.push(Tok::Comma),
                "to" => out.push(Tok::To),
                "with" => {
                    let end = text[j..].find([',', ';']).map_or(text.len(), |k| j + k);
                    out.push(Tok::With(text[j..end].trim().to_string()));
                    i = end;
                    continue;
                }
                _ => out.push(Tok::Word),
            }
            i = j;
        } else {
            out.push(Tok::Word);
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// One referenced item: a code or range and an optional qualifier.
struct Item {
    lo: String,
    hi: String,
    with: Option<String>,
}

/// Parses tokens into items. `strict`: every token must fit (a
/// parenthesized reference); otherwise stop at the first word (a
/// reference trailing free text).
fn items(toks: &[Tok], strict: bool) -> Option<Vec<Item>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Comma => i += 1,
            Tok::Code(lo) => {
                let lo = lo.clone();
                i += 1;
                let mut sep = false;
                while matches!(toks.get(i), Some(Tok::Dash | Tok::To)) {
                    sep = true;
                    i += 1;
                }
                let mut hi = lo.clone();
                if sep {
                    if let Some(Tok::Code(h)) = toks.get(i) {
                        hi = h.clone();
                        i += 1;
                        while matches!(toks.get(i), Some(Tok::Dash)) {
                            i += 1;
                        }
                    }
                }
                let mut with = None;
                if let Some(Tok::With(w)) = toks.get(i) {
                    with = Some(w.clone());
                    i += 1;
                }
                out.push(Item { lo, hi, with });
            }
            _ if strict => return None,
            _ => break,
        }
    }
    Some(out)
}

fn ordinal(w: &str) -> Option<usize> {
    Some(match w {
        "fourth" | "4th" => 3,
        "fifth" | "5th" => 4,
        "sixth" | "6th" => 5,
        "seventh" | "7th" => 6,
        _ => return None,
    })
}

/// A qualifier as a test on an undotted code, or on categories.
enum Qual {
    /// `with .44`, `.51-.52`: these characters right after the category.
    Suffix(String, String),
    /// `with fifth character 2`, `fifth or sixth character 5`, `fifth to sixth characters 51`.
    Chars(Vec<usize>, String, bool),
    /// `with final characters -23`.
    Ends(String),
}

fn qualifier(w: &str) -> Option<Qual> {
    let w = w.trim().trim_end_matches(',').trim();
    if let Some(rest) = w.strip_prefix('.') {
        let (lo, hi) = match rest.split_once('-') {
            Some((a, b)) => (a.to_string(), b.trim_start_matches('.').to_string()),
            None => (rest.to_string(), rest.to_string()),
        };
        let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
        return (ok(&lo) && ok(&hi)).then_some(Qual::Suffix(lo, hi));
    }
    let words: Vec<&str> = w.split([' ', '-']).filter(|x| !x.is_empty()).collect();
    if let ["final", "characters", v] = words.as_slice() {
        return v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
            .then(|| Qual::Ends(v.to_string()));
    }
    let (value, head) = words.split_last()?;
    let value = value.trim_start_matches('.');
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let mut positions = Vec::new();
    let mut span = false;
    for h in head {
        match *h {
            "character" | "characters" => {}
            "or" => {}
            "to" => span = true,
            x => positions.push(ordinal(x)?),
        }
    }
    if positions.is_empty() {
        return None;
    }
    if span {
        let (a, b) = (*positions.first()?, *positions.last()?);
        if b < a || b - a + 1 != value.len() {
            return None;
        }
        return Some(Qual::Chars(vec![a], value.to_string(), true));
    }
    if value.len() != 1 {
        return None;
    }
    Some(Qual::Chars(positions, value.to_string(), false))
}

/// Codes in `[lo, hi]` with prefix semantics, from the sorted list.
fn codes_in<'c, 'a>(codes: &'c [&'a str], lo: &str, hi: &str) -> &'c [&'a str] {
    let (plo, phi) = (pack(lo.as_bytes(), 0), pack(hi.as_bytes(), 0xff));
    let start = codes.partition_point(|c| pack(c.as_bytes(), 0) < plo);
    let end = codes.partition_point(|c| pack(c.as_bytes(), 0) <= phi);
    &codes[start..end.max(start)]
}

/// Runs of consecutive matching codes as exact ranges.
fn runs(all: &[&str], matches: impl Fn(&str) -> bool) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut cur: Option<(u64, u64)> = None;
    for c in all {
        if matches(c) {
            let k = pack(c.as_bytes(), 0);
            cur = Some(cur.map_or((k, k), |(lo, _)| (lo, k)));
        } else if let Some(r) = cur.take() {
            out.push(r);
        }
    }
    out.extend(cur);
    out
}

fn resolve_item(item: &Item, codes: &[&str]) -> Vec<(u64, u64)> {
    let inside = codes_in(codes, &item.lo, &item.hi);
    if inside.is_empty() || item.hi < item.lo {
        return Vec::new(); // a code the data does not know, or a reversed range
    }
    let Some(w) = &item.with else {
        return vec![(pack(item.lo.as_bytes(), 0), pack(item.hi.as_bytes(), 0xff))];
    };
    match qualifier(w) {
        Some(Qual::Suffix(slo, shi)) => {
            let mut out = Vec::new();
            for cat in inside.iter().filter(|c| c.len() == 3) {
                let (lo, hi) = (format!("{cat}{slo}"), format!("{cat}{shi}"));
                if !codes_in(codes, &lo, &hi).is_empty() {
                    out.push((pack(lo.as_bytes(), 0), pack(hi.as_bytes(), 0xff)));
                }
            }
            out
        }
        Some(Qual::Chars(pos, value, span)) => {
            let v = value.as_bytes();
            runs(inside, |c| {
                let b = c.as_bytes();
                if span {
                    b.get(pos[0]..pos[0] + v.len()) == Some(v)
                } else {
                    pos.iter().any(|&p| b.get(p) == Some(&v[0]))
                }
            })
        }
        Some(Qual::Ends(v)) => runs(inside, |c| c.len() > v.len() + 3 && c.ends_with(v.as_str())),
        None => Vec::new(), // "with open fracture 7th character": not machine-readable
    }
}

/// Resolves one Excludes1 note into code ranges. Parenthesized
/// references are read strictly; with none, a reference at the end of
/// the text is read ("hearing loss as classified in H90.-"). Notes that
/// send the reader elsewhere ("- see …") are skipped: their codes are
/// not what is excluded.
pub fn resolve_note(text: &str, codes: &[&str]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut any_paren = false;
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let toks = tokenize(inner);
        if !toks.iter().any(|t| matches!(t, Tok::Code(_))) {
            continue;
        }
        if let Some(items) = items(&toks, true) {
            any_paren = true;
            for it in &items {
                out.extend(resolve_item(it, codes));
            }
        }
    }
    if any_paren || text.contains(" see ") || text.contains("-see ") {
        return out;
    }
    let toks = tokenize(text);
    if let Some(first) = toks.iter().position(|t| matches!(t, Tok::Code(_))) {
        if let Some(items) = items(&toks[first..], false) {
            for it in &items {
                out.extend(resolve_item(it, codes));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODES: &[&str] = &[
        "B27", "B270", "B2700", "B2701", "B2702", "B2709", "B271", "B2712", "E08", "E0844", "E09",
        "E0944", "E10", "E109", "E11", "E1144", "E119", "E11A", "E13", "E1344", "H90", "H903",
        "I69", "I6902", "I69023", "I6912", "I69123", "I69128", "O00", "O0000", "O9A", "O9A1",
        "S06", "S060", "S060X", "S060X1", "S060X1A", "S060X1D",
    ];

    fn resolved(text: &str) -> Vec<String> {
        let mut v: Vec<String> = CODES
            .iter()
            .filter(|c| {
                let k = pack(c.as_bytes(), 0);
                resolve_note(text, CODES)
                    .iter()
                    .any(|&(lo, hi)| lo <= k && k <= hi)
            })
            .map(|c| c.to_string())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn plain_references() {
        assert_eq!(
            resolved("type 1 diabetes mellitus (E10.-)"),
            ["E10", "E109"]
        );
        assert_eq!(resolved("in remission (E11.A)"), ["E11A"]);
        assert_eq!(
            resolved("pregnancy (O00-O9A)"),
            ["O00", "O0000", "O9A", "O9A1"]
        );
        assert_eq!(
            resolved("hearing loss as classified in H90.-"),
            ["H90", "H903"]
        );
        assert_eq!(resolved("benign (adenoma) (fibroma)"), Vec::<String>::new());
        assert_eq!(resolved("G6PD deficiency (G6PD)"), Vec::<String>::new());
        assert_eq!(
            resolved("diabetic acidosis - see categories E08-E10, E11, E13 with ketoacidosis"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn qualified_references() {
        assert_eq!(
            resolved("x (E08-E13 with .44)"),
            ["E0844", "E0944", "E1144", "E1344"]
        );
        assert_eq!(
            resolved("x (B27.- with fifth character 2)"),
            ["B2702", "B2712"]
        );
        assert_eq!(
            resolved("x (S06.0X- with seventh character A)"),
            ["S060X1A"]
        );
        assert_eq!(
            resolved("x (I69. with final characters -23)"),
            ["I69023", "I69123"]
        );
        assert_eq!(
            resolved("x (S06.- with open fracture 7th character)"),
            Vec::<String>::new()
        );
    }
}
