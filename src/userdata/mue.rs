//! MUE (medically unlikely edits) tables: the CMS practitioner, outpatient
//! hospital and DME files (CSV: a copyright or title line, a header row
//! `HCPCS/CPT Code, <table> MUE Values, MUE Adjudication Indicator, MUE
//! Rationale`, then rows like `97110,4,"2 Date of Service Edit: Policy",…`)
//! and a plain tab-separated `code, value, indicator` file.
//!
//! Adjudication indicator 1 limits the units on one line; 2 (policy, not
//! appealable) and 3 (clinical, appealable) limit the units of every line
//! with the code on the same date of service.

use super::text;
use super::DataError;
use super::{Content, DataKind, DataSet};
use crate::model::{format_ymd, YmdDate};
use serde::{Deserialize, Serialize};

const MAX_HEADER_LINES: usize = 10;
const MAX_LINE: usize = 4096;
const MAX_ROWS: usize = 100_000;
/// No MUE value comes near this; a larger number is a misread column.
const MAX_VALUE: u32 = 100_000;

/// One code's limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MueRow {
    pub code: [u8; 5],
    pub value: u32,
    /// 1 = per line; 2 = per day, policy; 3 = per day, clinical.
    pub indicator: u8,
}

/// Which CMS table, from the header row or the file name.
fn table_of(s: &str) -> Option<&'static str> {
    let l = s.to_ascii_lowercase();
    if l.contains("practitioner") {
        Some("CMS practitioner MUE table")
    } else if l.contains("outpatient") || l.contains("facility") {
        Some("CMS outpatient-hospital MUE table")
    } else if l.contains("dme") {
        Some("CMS DME supplier MUE table")
    } else {
        None
    }
}

pub(super) fn parse(file: &str, bytes: &[u8]) -> Result<DataSet, DataError> {
    let text = text::decode(file, bytes, DataKind::Mue.cap(), "MUE table")?;
    let mut rows: Vec<(MueRow, usize)> = Vec::new();
    let mut headers: Vec<&str> = Vec::new();
    let cut = text::unterminated_last_line(text);
    for item in text::lines(file, text, MAX_LINE) {
        let (n, line) = item?;
        let tsv = line.contains('\t');
        let f = text::split(line, if tsv { '\t' } else { ',' }, !tsv);
        let first = f[0].text;
        let shaped = text::code_shaped(first);
        if rows.is_empty() && !shaped {
            headers.push(line);
            if headers.len() > MAX_HEADER_LINES {
                return Err(DataError::at(
                    file,
                    n,
                    1,
                    format!("no MUE rows in the first {MAX_HEADER_LINES} lines; expected \"code,MUE value,adjudication indicator,rationale\" (CMS CSV) or code<TAB>value<TAB>indicator"),
                ));
            }
            continue;
        }
        if cut == Some(n) {
            return Err(text::cut_short(file, n, line, "MUE"));
        }
        if !tsv {
            text::check_quotes(file, n, line, ',')?;
        }
        let Some(code) = text::code5(first).filter(|_| shaped) else {
            return Err(DataError::at(
                file,
                n,
                f[0].column,
                format!(
                    "{:?} is not a CPT or HCPCS code; each row starts with the code",
                    first.chars().take(12).collect::<String>()
                ),
            ));
        };
        let end = line.chars().count() + 1;
        let Some(v) = f.get(1) else {
            return Err(DataError::at(
                file,
                n,
                end,
                "no MUE value after the code".into(),
            ));
        };
        let value = match v.text.parse::<u32>() {
            Ok(x) if x <= MAX_VALUE => x,
            _ => {
                return Err(DataError::at(
                    file,
                    n,
                    v.column,
                    format!(
                        "MUE value {:?} is not a whole number of units",
                        v.text.chars().take(12).collect::<String>()
                    ),
                ))
            }
        };
        let Some(ind) = f.get(2) else {
            return Err(DataError::at(
                file,
                n,
                end,
                "no adjudication indicator (1, 2 or 3) after the MUE value".into(),
            ));
        };
        let indicator = match ind.text.as_bytes() {
            [d @ b'1'..=b'3'] => d - b'0',
            [d @ b'1'..=b'3', b' ', ..] => d - b'0',
            _ => {
                return Err(DataError::at(
                    file,
                    n,
                    ind.column,
                    format!(
                        "adjudication indicator {:?} should start with 1, 2 or 3 (\"2 Date of Service Edit: Policy\")",
                        ind.text.chars().take(30).collect::<String>()
                    ),
                ))
            }
        };
        if rows.len() >= MAX_ROWS {
            return Err(DataError::at(
                file,
                n,
                1,
                format!("more than {MAX_ROWS} rows; is this an MUE table?"),
            ));
        }
        rows.push((
            MueRow {
                code,
                value,
                indicator,
            },
            n,
        ));
    }
    if rows.is_empty() {
        return Err(DataError::file(
            file,
            "no MUE rows found; expected \"code,MUE value,adjudication indicator\" rows".into(),
        ));
    }
    rows.sort_by_key(|r| (r.0.code, r.1));
    for w in rows.windows(2) {
        if w[0].0.code == w[1].0.code && w[0].0 != w[1].0 {
            return Err(DataError::at(
                file,
                w[1].1,
                1,
                format!(
                    "{} is already on line {} with another value or indicator",
                    String::from_utf8_lossy(&w[1].0.code),
                    w[0].1
                ),
            ));
        }
    }
    let mut rows: Vec<MueRow> = rows.into_iter().map(|r| r.0).collect();
    rows.dedup();
    let label = headers
        .iter()
        .find_map(|h| table_of(h))
        .or_else(|| table_of(file))
        .unwrap_or("MUE table");
    let effective =
        text::find_date(file).or_else(|| headers.iter().find_map(|h| text::find_date(h)));
    Ok(DataSet {
        kind: DataKind::Mue,
        source: file.to_string(),
        added: String::new(),
        label: label.to_string(),
        rows: rows.len() as u32,
        date_from: effective.unwrap_or(0),
        date_to: 0,
        content: Content::Mue(rows),
    })
}

/// A loaded MUE table, codes sorted for binary search.
#[derive(Clone, Debug)]
pub struct MueTable {
    pub label: String,
    pub source: String,
    rows: Vec<MueRow>,
}

impl MueTable {
    pub fn new(label: &str, source: &str, mut rows: Vec<MueRow>) -> MueTable {
        rows.sort_unstable();
        MueTable {
            label: label.to_string(),
            source: source.to_string(),
            rows,
        }
    }
    /// Professional claims: the practitioner table first, DME next.
    pub fn priority(&self) -> u8 {
        if self.label.contains("practitioner") {
            0
        } else if self.label.contains("DME") {
            1
        } else if self.label == "MUE table" {
            2
        } else {
            3
        }
    }
    pub fn get(&self, code: &str) -> Option<MueRow> {
        let key: [u8; 5] = code.as_bytes().try_into().ok()?;
        self.rows
            .binary_search_by(|r| r.code.cmp(&key))
            .ok()
            .map(|i| self.rows[i])
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The limit for a code: the first table that lists it.
pub fn limit<'a>(tables: &'a [MueTable], code: &str) -> Option<(&'a MueTable, MueRow)> {
    tables.iter().find_map(|t| t.get(code).map(|r| (t, r)))
}

/// Units as a number (`2`, `2.0`, `1.5`); `None` when not a number
/// (`units.invalid` reports that).
pub fn units_of(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.len() > 12 || !t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    t.parse::<f64>().ok().filter(|u| u.is_finite())
}

/// What one line contributes: index, code, date of service, units.
pub struct MueLine<'a> {
    pub index: usize,
    pub code: &'a str,
    pub dos: Option<YmdDate>,
    pub units: f64,
}

/// One finding: the line whose units field it is about, and the message.
pub fn check(tables: &[MueTable], lines: &[MueLine]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut per_day: Vec<(&str, Option<YmdDate>, usize)> = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        let Some((t, r)) = limit(tables, l.code) else {
            continue;
        };
        if r.indicator == 1 {
            if l.units > r.value as f64 {
                out.push((
                    l.index,
                    format!(
                        "{} units of {} on one line; the {} allows {} per line (MUE, indicator 1) — check the units",
                        show_units(l.units),
                        l.code,
                        t.label,
                        r.value
                    ),
                ));
            }
        } else {
            per_day.push((l.code, l.dos, k));
        }
    }
    per_day.sort();
    let mut i = 0;
    while i < per_day.len() {
        let (code, dos, _) = per_day[i];
        let j = i + per_day[i..].partition_point(|e| e.0 == code && e.1 == dos);
        let group = &per_day[i..j];
        let total: f64 = group.iter().map(|e| lines[e.2].units).sum();
        if let Some((t, r)) = limit(tables, code) {
            if total > r.value as f64 {
                let last = &lines[group[group.len() - 1].2];
                let day = dos
                    .map(|d| format!(" on {}", format_ymd(d)))
                    .unwrap_or_default();
                let across = if group.len() > 1 {
                    format!(" across {} lines", group.len())
                } else {
                    String::new()
                };
                let kind = if r.indicator == 2 {
                    "policy"
                } else {
                    "clinical, appealable"
                };
                out.push((
                    last.index,
                    format!(
                        "{} units of {code}{day}{across}; the {} allows {} per day (MUE, indicator {}: {kind})",
                        show_units(total),
                        t.label,
                        r.value,
                        r.indicator
                    ),
                ));
            }
        }
        i = j;
    }
    out.sort_by_key(|e| e.0);
    out
}

fn show_units(u: f64) -> String {
    if u.fract() == 0.0 {
        format!("{}", u as u64)
    } else {
        format!("{u}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(set: &DataSet) -> &[MueRow] {
        match &set.content {
            Content::Mue(r) => r,
            _ => panic!("not MUE"),
        }
    }

    const CMS: &str = "\"CPT codes, descriptions and other data only are copyright 2025 American Medical Association. All Rights Reserved.\"\r\n\
HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\r\n\
97110,4,2 Date of Service Edit: Policy,Clinical: Data\r\n\
J1100,30,\"3 Date of Service Edit: Clinical\",\"Prescribing Information, label\"\r\n\
0001U,1,1 Line Edit,Nature of Service/Procedure\r\n";

    #[test]
    fn cms_csv_and_plain_tsv() {
        let set = DataSet::parse(
            DataKind::Mue,
            "MCR_MUE_PractitionerServices_Eff_01-01-2026.csv",
            CMS.as_bytes(),
            "2026-11-30",
        )
        .unwrap();
        assert_eq!(set.rows, 3);
        assert_eq!(set.label, "CMS practitioner MUE table");
        assert_eq!(set.date_from, 20260101);
        assert_eq!(
            rows(&set)[0],
            MueRow {
                code: *b"0001U",
                value: 1,
                indicator: 1
            }
        );
        assert_eq!(
            rows(&set)[2],
            MueRow {
                code: *b"J1100",
                value: 30,
                indicator: 3
            }
        );
        let tsv = "code\tvalue\tindicator\n99213\t1\t2\n97110\t4\t2 Date of Service Edit: Policy\n";
        let set = parse("mue.tsv", tsv.as_bytes()).unwrap();
        assert_eq!(set.rows, 2);
        assert_eq!(set.label, "MUE table");
        let dme = "HCPCS/CPT Code,DME Supplier Services MUE Values,MUE Adjudication Indicator,MUE Rationale\nE0100,1,1 Line Edit,x\n";
        assert_eq!(
            parse("x.csv", dme.as_bytes()).unwrap().label,
            "CMS DME supplier MUE table"
        );
    }

    #[test]
    fn every_bad_line() {
        let h = "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n97110,4,2 x,y\n";
        let cases: &[(&str, (usize, usize), &str)] = &[
            ("9711,4,2 x,y\n", (3, 1), "not a CPT or HCPCS code"),
            ("97111,four,2 x,y\n", (3, 7), "not a whole number"),
            ("97111,-1,2 x,y\n", (3, 7), "not a whole number"),
            ("97111,999999999,2 x,y\n", (3, 7), "not a whole number"),
            ("97111,4,7 Other,y\n", (3, 9), "1, 2 or 3"),
            ("97111,4,,y\n", (3, 9), "1, 2 or 3"),
            ("97111,4\n", (3, 8), "no adjudication indicator"),
            ("97111\n", (3, 6), "no MUE value"),
            ("97110,5,2 x,y\n", (3, 1), "already on line 2"),
            ("Z9999,4,2 x,y\n", (3, 1), "not a CPT or HCPCS code"),
            ("97111\t4\t2\n", (3, 1), ""),
        ];
        for (tail, (line, col), msg) in cases {
            let text = format!("{h}{tail}");
            let r = parse("m.csv", text.as_bytes());
            if msg.is_empty() {
                assert!(
                    r.is_ok(),
                    "{tail:?} (a TSV row in a CSV file is read as TSV)"
                );
                continue;
            }
            let e = r.expect_err(tail);
            assert_eq!((e.line, e.column), (*line, *col), "{tail:?}: {e}");
            assert!(e.message.contains(msg), "{tail:?}: {e}");
        }
        assert!(parse("m.csv", "a title line\n".repeat(11).as_bytes())
            .unwrap_err()
            .message
            .contains("first 10 lines"));
        assert!(parse("m.csv", h.lines().next().unwrap().as_bytes())
            .unwrap_err()
            .message
            .contains("no MUE rows"));
    }

    /// Regression: an MUE file cut short inside its last row or inside a
    /// quoted rationale was accepted (the partial row kept, the open quote
    /// swallowing the rest of the line).
    #[test]
    fn a_file_cut_short_is_refused_where_it_ends() {
        let h = "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n99213,1,\"2 Date of Service Edit: Policy\",Synthetic\n";
        assert_eq!(parse("m.csv", h.as_bytes()).unwrap().rows, 1);
        for (tail, (line, col), says) in [
            ("97110,4,2 Date of Se", (3, 21), "cut short"),
            (
                "97110,4,\"2 Date of Service Edit, Pol\n",
                (3, 9),
                "never closed",
            ),
            (
                "97110,4,\"2 Date of Service Edit: Policy\",\"Synth",
                (3, 48),
                "cut short",
            ),
            (
                "97110,4,\"2 Date of Service Edit: Policy\",\"Synth\n",
                (3, 42),
                "never closed",
            ),
        ] {
            let text = format!("{h}{tail}");
            let e = parse("m.csv", text.as_bytes()).expect_err(tail);
            assert_eq!((e.line, e.column), (line, col), "{tail:?}: {e}");
            assert!(e.message.contains(says), "{tail:?}: {e}");
        }
    }

    #[test]
    fn huge_and_wrong_encoding() {
        let big = vec![b'9'; DataKind::Mue.cap() + 1];
        assert!(parse("big.csv", &big)
            .unwrap_err()
            .message
            .contains("largest"));
        let e = parse(
            "l.csv",
            b"97110,4,2 Date of Service Edit: Policy,Donn\xe9es\n",
        )
        .unwrap_err();
        assert!(e.message.contains("Latin-1"), "{e}");
        assert_eq!((e.line, e.column), (1, 44));
        let utf16: Vec<u8> = "97110,4,2 x,y\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert!(parse("u.csv", &utf16)
            .unwrap_err()
            .message
            .contains("UTF-16"));
    }

    #[test]
    fn per_line_and_per_day() {
        let t = vec![MueTable::new(
            "CMS practitioner MUE table",
            "f",
            vec![
                MueRow {
                    code: *b"97110",
                    value: 4,
                    indicator: 2,
                },
                MueRow {
                    code: *b"0001U",
                    value: 1,
                    indicator: 1,
                },
            ],
        )];
        let l = |index, code, dos, units| MueLine {
            index,
            code,
            dos,
            units,
        };
        // per day: 3 + 2 on one date exceeds 4; 3 on another date does not
        let f = check(
            &t,
            &[
                l(0, "97110", Some(20260310), 3.0),
                l(1, "97110", Some(20260310), 2.0),
                l(2, "97110", Some(20260311), 3.0),
            ],
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, 1);
        assert!(
            f[0].1
                .contains("5 units of 97110 on 2026-03-10 across 2 lines")
                && f[0].1.contains("allows 4 per day"),
            "{}",
            f[0].1
        );
        // per line: two lines of 1 each pass, one line of 2 fails
        assert!(check(
            &t,
            &[
                l(0, "0001U", Some(20260310), 1.0),
                l(1, "0001U", Some(20260310), 1.0)
            ]
        )
        .is_empty());
        let f = check(&t, &[l(0, "0001U", None, 2.0)]);
        assert!(f[0].1.contains("allows 1 per line"), "{}", f[0].1);
        assert!(check(&t, &[l(0, "99999", None, 200.0)]).is_empty());
        assert_eq!(units_of(" 2.0 "), Some(2.0));
        assert_eq!(units_of("-1"), None);
    }
}
