//! CMS NCCI practitioner PTP edits (the quarterly tab-delimited text files:
//! column 1, column 2, `*` when in existence before 1996, effective date
//! YYYYMMDD, deletion date YYYYMMDD or `*`, modifier indicator 0/1/9,
//! rationale). Title and column-name lines before the first row are
//! skipped; after it every line must be a row. The rows become an
//! `ncci.idx` table (`validate::ncci`) marked as the practitioner table.

use super::text;
use super::DataError;
use super::{Content, DataKind, DataSet};
use crate::validate::ncci::{
    encode, NcciRow, NcciSource, NcciTable, MAX_PTP_ROWS, PTP_ROWS_MEASURED,
};

const MAX_HEADER_LINES: usize = 10;
const MAX_LINE: usize = 4096;

fn date8(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    crate::validate::dates::ymd(
        s[..4].parse().ok()?,
        s[4..6].parse().ok()?,
        s[6..].parse().ok()?,
    )
    .ok()
}

/// The refusal of a file past `MAX_PTP_ROWS` rows, at the first row past it.
pub fn too_many_rows(file: &str, n: usize) -> DataError {
    DataError::at(
        file,
        n,
        1,
        format!(
            "more than {MAX_PTP_ROWS} PTP rows in one file; {PTP_ROWS_MEASURED} — is this the CMS practitioner PTP file? Add each of its parts (f1 to f4) as a file of its own"
        ),
    )
}

/// Parses one file into rows (indicator 9 rows are dropped).
pub fn read(file: &str, bytes: &[u8]) -> Result<(Vec<NcciRow>, usize), DataError> {
    read_at_most(file, bytes, MAX_PTP_ROWS)
}

fn read_at_most(
    file: &str,
    bytes: &[u8],
    max_rows: usize,
) -> Result<(Vec<NcciRow>, usize), DataError> {
    let text = text::decode(
        file,
        bytes,
        DataKind::NcciPractitioner.cap(),
        "NCCI practitioner PTP",
    )?;
    let mut rows = Vec::new();
    let mut seen = 0usize;
    let mut headers = 0;
    let cut = text::unterminated_last_line(text);
    for item in text::lines(file, text, MAX_LINE) {
        let (n, line) = item?;
        let tsv = line.contains('\t');
        let f = text::split(line, if tsv { '\t' } else { ',' }, !tsv);
        let first = f[0].text;
        let shaped = text::code_shaped(first);
        if seen == 0 && !shaped {
            headers += 1;
            if headers > MAX_HEADER_LINES {
                return Err(DataError::at(file, n, 1, format!("no PTP rows in the first {MAX_HEADER_LINES} lines; expected the CMS practitioner PTP text file (column 1, column 2, *, effective YYYYMMDD, deletion YYYYMMDD or *, modifier 0/1/9, rationale)")));
            }
            continue;
        }
        if cut == Some(n) {
            return Err(text::cut_short(file, n, line, "PTP"));
        }
        if seen >= max_rows {
            return Err(too_many_rows(file, n));
        }
        if !tsv {
            text::check_quotes(file, n, line, ',')?;
        }
        let end = line.chars().count() + 1;
        let at = |k: usize| f.get(k).map_or(end, |x| x.column);
        let err = |k: usize, m: String| Err(DataError::at(file, n, at(k), m));
        if f.len() < 6 {
            return err(f.len(), format!("{} fields; a PTP row has 7 (column 1, column 2, *, effective date, deletion date, modifier indicator, rationale)", f.len()));
        }
        let Some(column1) = text::code5(first).filter(|_| shaped) else {
            return err(
                0,
                format!(
                    "column 1 {:?} is not a CPT or HCPCS code",
                    first.chars().take(12).collect::<String>()
                ),
            );
        };
        let Some(column2) = text::code5(f[1].text) else {
            return err(
                1,
                format!(
                    "column 2 {:?} is not a CPT or HCPCS code",
                    f[1].text.chars().take(12).collect::<String>()
                ),
            );
        };
        if !matches!(f[2].text, "" | "*") {
            return err(
                2,
                format!(
                    "{:?}: the in-existence-before-1996 column holds * or nothing",
                    f[2].text.chars().take(12).collect::<String>()
                ),
            );
        }
        let Some(start) = date8(f[3].text) else {
            return err(
                3,
                format!(
                    "effective date {:?} is not a date YYYYMMDD",
                    f[3].text.chars().take(12).collect::<String>()
                ),
            );
        };
        let end_day = match f[4].text {
            "*" | "" => u32::MAX,
            d => match date8(d) {
                // the deletion date is the first day the edit no longer applies
                Some(d) if d > start => crate::validate::dates::day_before(d),
                Some(_) => {
                    return err(
                        4,
                        format!("deletion date {d} is not after the effective date"),
                    )
                }
                None => {
                    return err(
                        4,
                        format!(
                            "deletion date {:?} is not a date YYYYMMDD or *",
                            d.chars().take(12).collect::<String>()
                        ),
                    )
                }
            },
        };
        let modifier = match f[5].text {
            "0" => 0,
            "1" => 1,
            "9" => {
                seen += 1;
                continue;
            }
            m => {
                return err(
                    5,
                    format!(
                        "modifier indicator {:?} is not 0, 1 or 9",
                        m.chars().take(12).collect::<String>()
                    ),
                )
            }
        };
        seen += 1;
        rows.push(NcciRow {
            column1,
            column2,
            start,
            end: end_day,
            modifier,
        });
    }
    if seen == 0 {
        return Err(DataError::file(file, "no PTP rows found; expected the CMS practitioner PTP text file (tab-separated: column 1, column 2, *, effective YYYYMMDD, deletion YYYYMMDD or *, modifier 0/1/9, rationale)".into()));
    }
    Ok((rows, seen))
}

pub(super) fn parse(file: &str, bytes: &[u8]) -> Result<DataSet, DataError> {
    let (rows, seen) = read(file, bytes)?;
    let from = rows.iter().map(|r| r.start).min().unwrap_or(0);
    let to = rows.iter().map(|r| r.start).max().unwrap_or(0);
    let label = "CMS practitioner table".to_string();
    // Past the table's code limit (65,536; CPT and HCPCS together hold
    // about 20,000 codes) the rows are not PTP edits: say so, not just the limit.
    let bytes = encode(rows, NcciSource::Practitioner, file, 0).map_err(|e| {
        DataError::file(
            file,
            format!("{e} — far more codes than CPT and HCPCS have: is this the CMS practitioner PTP file?"),
        )
    })?;
    Ok(DataSet {
        kind: DataKind::NcciPractitioner,
        source: file.to_string(),
        added: String::new(),
        label,
        rows: seen as u32,
        date_from: from,
        date_to: to,
        content: Content::Ncci(bytes),
    })
}

/// One table from every added practitioner file (CMS splits the table into
/// several files by code range).
pub fn merge(sets: &[&[u8]]) -> Result<Option<NcciTable>, crate::validate::NcciError> {
    match sets {
        [] => Ok(None),
        [one] => NcciTable::from_bytes(one).map(Some),
        many => {
            let mut rows = Vec::new();
            let mut names = Vec::new();
            for b in many {
                let t = NcciTable::from_bytes(b)?;
                names.push(t.label.clone());
                rows.extend(t.rows());
                // 64 files of 4 million rows each were merged in memory whole
                if rows.len() > crate::validate::ncci::MAX_PTP_ROWS_TOTAL {
                    return Err(crate::validate::NcciError::Encode(format!(
                        "the added PTP files hold more than {} rows together ({}); the whole CMS table has about 1.6 million — remove the files of an older quarter (`medcode data list` shows them) and keep one quarter's",
                        crate::validate::ncci::MAX_PTP_ROWS_TOTAL,
                        names.join(", ")
                    )));
                }
            }
            let bytes = encode(rows, NcciSource::Practitioner, &names.join(", "), 0)?;
            NcciTable::from_bytes(&bytes).map(Some)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "CPT only copyright 2025 American Medical Association. All rights reserved.\n\
Column1\tColumn2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n\
11042\t97597\t\t20190101\t*\t1\tMutually exclusive procedures\n\
11042\t97598\t*\t19960101\t20250101\t1\tStandards of medical / surgical practice\n\
11042\t11045\t\t20190101\t*\t9\tMisuse of column two code\n\
99213\t36415\t\t20200101\t*\t0\tSynthetic row\n";

    #[test]
    fn good_file() {
        let set = DataSet::parse(
            DataKind::NcciPractitioner,
            "ccipra_v321r0_f1.txt",
            GOOD.as_bytes(),
            "2026-11-30",
        )
        .unwrap();
        assert_eq!(set.rows, 4);
        assert_eq!((set.date_from, set.date_to), (19960101, 20200101));
        let Content::Ncci(b) = &set.content else {
            panic!()
        };
        let t = NcciTable::from_bytes(b).unwrap();
        assert_eq!(t.source, NcciSource::Practitioner);
        assert_eq!(t.lookup("11042", "97597", 20260310), Some(1));
        assert_eq!(t.lookup("11042", "97598", 20241231), Some(1));
        assert_eq!(t.lookup("11042", "97598", 20250101), None);
        assert_eq!(t.lookup("11042", "11045", 20260310), None);
        assert_eq!(t.lookup("99213", "36415", 20260310), Some(0));
        // two files merge into one table
        let other = "G0101\t99213\t\t20200101\t*\t1\tx\n";
        let set2 = DataSet::parse(
            DataKind::NcciPractitioner,
            "f2.txt",
            other.as_bytes(),
            "2026-11-30",
        )
        .unwrap();
        let (Content::Ncci(a), Content::Ncci(b)) = (&set.content, &set2.content) else {
            panic!()
        };
        let t = merge(&[a, b]).unwrap().unwrap();
        assert_eq!(t.pairs(), 4);
        assert_eq!(t.lookup("G0101", "99213", 20260310), Some(1));
    }

    #[test]
    fn every_bad_line() {
        let h = "11042\t97597\t\t20190101\t*\t1\tok\n";
        let cases: &[(&str, (usize, usize), &str)] = &[
            ("1104\t97597\t\t20190101\t*\t1\tx\n", (2, 1), "column 1"),
            ("11042\t9759\t\t20190101\t*\t1\tx\n", (2, 7), "column 2"),
            (
                "11042\t97597\tY\t20190101\t*\t1\tx\n",
                (2, 13),
                "before-1996",
            ),
            (
                "11042\t97597\t\t2019010\t*\t1\tx\n",
                (2, 14),
                "effective date",
            ),
            (
                "11042\t97597\t\t20190230\t*\t1\tx\n",
                (2, 14),
                "effective date",
            ),
            (
                "11042\t97597\t\t20190101\t2019\t1\tx\n",
                (2, 23),
                "deletion date",
            ),
            (
                "11042\t97597\t\t20190101\t20180101\t1\tx\n",
                (2, 23),
                "not after",
            ),
            (
                "11042\t97597\t\t20190101\t*\t2\tx\n",
                (2, 25),
                "modifier indicator",
            ),
            ("11042\t97597\t\t20190101\n", (2, 22), "4 fields"),
        ];
        for (tail, (line, col), msg) in cases {
            let text = format!("{h}{tail}");
            let e = read("p.txt", text.as_bytes()).expect_err(tail);
            assert_eq!((e.line, e.column), (*line, *col), "{tail:?}: {e}");
            assert!(e.message.contains(msg), "{tail:?}: {e}");
        }
        assert!(read("p.txt", b"title only\n")
            .unwrap_err()
            .message
            .contains("no PTP rows"));
        assert!(read("p.txt", "a title\n".repeat(11).as_bytes())
            .unwrap_err()
            .message
            .contains("first 10 lines"));
    }

    /// Regression: a PTP file cut short inside its last row was accepted
    /// when what was left still parsed (the rationale cut, or the modifier
    /// indicator the last field standing).
    #[test]
    fn a_file_cut_short_is_refused_where_it_ends() {
        let h = "11042\t97597\t\t20190101\t*\t1\tMutually exclusive procedures\n";
        for tail in [
            "11042\t97598\t\t20190101\t*\t1\tMutually exc",
            "11042\t97598\t\t20190101\t*\t1",
        ] {
            let text = format!("{h}{tail}");
            let e = read("p.txt", text.as_bytes()).expect_err(tail);
            assert_eq!((e.line, e.column), (2, tail.chars().count() + 1), "{e}");
            assert!(e.message.contains("cut short"), "{e}");
            assert!(read("p.txt", format!("{text}\r\n").as_bytes()).is_ok());
        }
    }

    /// Regression (issue 13, hostile files at scale): a million invented rows
    /// over 83,334 codes were refused with only "could not encode the NCCI
    /// file: 83334 codes; the format holds 65,536" (no hint what to check).
    #[test]
    fn too_many_codes_says_what_to_check() {
        let mut text = String::new();
        for a in 10000..80000 {
            text.push_str(&format!("{a}\t10000\t\t20200101\t*\t1\tx\n"));
        }
        let e = parse("big.txt", text.as_bytes()).unwrap_err();
        assert!(
            e.message.contains("65,536")
                && e.message.contains("is this the CMS practitioner PTP file?"),
            "{e}"
        );
    }

    #[test]
    fn huge_and_wrong_encoding() {
        let big = vec![b'1'; DataKind::NcciPractitioner.cap() + 1];
        assert!(read("big.txt", &big)
            .unwrap_err()
            .message
            .contains("largest"));
        let e = read("l.txt", b"11042\t97597\t\t20190101\t*\t1\tM\xe9dical\n").unwrap_err();
        assert!(e.message.contains("Latin-1") && e.column == 28, "{e}");
        let u: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain("11042\t97597".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert!(read("u.txt", &u).unwrap_err().message.contains("UTF-16"));
    }

    /// Regression (issue 13, gap 2): a PTP file had no row cap of its own,
    /// only the byte cap and the 65,536-code limit, so millions of rows over
    /// a few codes were read, sorted and encoded whole. Now the row past
    /// `MAX_PTP_ROWS` is refused where it is, saying what the real table holds.
    #[test]
    fn rows_past_the_cap_are_refused_at_the_row() {
        let mut f = String::from("Column1\tColumn2\n");
        for c in 10000..10010 {
            f.push_str(&format!("{c}\t97597\t\t20190101\t*\t1\tx\n"));
        }
        let e = read_at_most("ccipra_big.txt", f.as_bytes(), 9).unwrap_err();
        assert_eq!((e.line, e.column), (11, 1), "{e}");
        let m = e.to_string();
        assert!(
            m.starts_with("ccipra_big.txt:11:1: more than 4000000 PTP rows"),
            "{m}"
        );
        assert!(
            m.contains("1.6 million")
                && m.contains("is this the CMS practitioner PTP file?")
                && m.contains("Add each of its parts"),
            "{m}"
        );
        assert!(read_at_most("ccipra_big.txt", f.as_bytes(), 10).is_ok());
        // the row cap binds before the byte cap: a minimal row is 27 bytes
        let minimal = "11042\t97597\t\t20190101\t*\t1\t\n".len();
        assert!(MAX_PTP_ROWS * minimal < DataKind::NcciPractitioner.cap());
        // and leaves the real table's size (about 1.6 million rows, all of it) room
        const { assert!(MAX_PTP_ROWS >= 2 * 1_594_456) };
    }
}
