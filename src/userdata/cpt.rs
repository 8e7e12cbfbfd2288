//! CPT descriptor files: the AMA's data files (a 5-character code, then a
//! tab or spaces, then the long, medium or short descriptor — one file per
//! length) and a plain `code<TAB>descriptor` file. Title or copyright lines
//! before the first code are skipped; after it every line must be a row.
//!
//! CPT descriptors are the AMA's copyright: this reads a licensee's own file
//! at run time (or into a licensee's own build); none is ever shipped.

use super::text;
use super::DataError;
use super::{Content, DataKind, DataSet};
use crate::index::build::{BuildNode, IndexBuilder};
use crate::model::{NodeKind, System};
use std::collections::BTreeMap;

/// Lines before the first code that may be titles.
const MAX_HEADER_LINES: usize = 20;
const MAX_LINE: usize = 4096;
const MAX_ROWS: usize = 200_000;

pub(super) fn parse(file: &str, bytes: &[u8]) -> Result<DataSet, DataError> {
    let text = text::decode(file, bytes, DataKind::Cpt.cap(), "CPT descriptor")?;
    let mut rows: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut headers = Vec::new();
    let cut = text::unterminated_last_line(text);
    for item in text::lines(file, text, MAX_LINE) {
        let (n, line) = item?;
        let (head, rest) = match line.find(['\t', ' ']) {
            Some(i) => (&line[..i], &line[i..]),
            None => (line, ""),
        };
        let head = head.trim_matches('"');
        let shaped = text::code_shaped(head);
        if rows.is_empty() && !shaped {
            headers.push(line);
            if headers.len() > MAX_HEADER_LINES {
                return Err(DataError::at(
                    file,
                    n,
                    1,
                    format!("no CPT code in the first {MAX_HEADER_LINES} lines; expected lines like \"99213<TAB>descriptor\" (a 5-character code, a tab or spaces, the descriptor)"),
                ));
            }
            continue;
        }
        if cut == Some(n) {
            return Err(text::cut_short(file, n, line, "CPT"));
        }
        if !shaped {
            return Err(DataError::at(
                file,
                n,
                1,
                format!(
                    "{:?} is not a CPT code; each line is a 5-character code, a tab or spaces, then the descriptor",
                    line.chars().take(12).collect::<String>()
                ),
            ));
        }
        let code = head.to_ascii_uppercase();
        if crate::cpt::form(&code).is_none() {
            let what = if crate::hcpcs::is_level2(&code) {
                "is HCPCS Level II, not CPT (medcode bundles HCPCS)"
            } else {
                "is not a CPT code (5 digits, or 4 digits + F, T, U or M)"
            };
            return Err(DataError::at(file, n, 1, format!("{code} {what}")));
        }
        let raw = rest.trim();
        if let Some(at) = text::open_quote(raw, '\t') {
            let col = line.len() - rest.trim_start().len() + raw[..at].chars().count() + 1;
            return Err(DataError::at(
                file,
                n,
                col,
                format!("{code}: the quote that opens the descriptor is never closed: the descriptor may be cut short — add the closing \" or download the whole file again"),
            ));
        }
        let desc = raw.trim_matches('"').trim();
        if desc.is_empty() {
            return Err(DataError::at(
                file,
                n,
                6,
                format!("{code} has no descriptor; write it after a tab"),
            ));
        }
        if let Some((i, c)) = desc.char_indices().find(|(_, c)| c.is_control()) {
            let col = line.len() - rest.trim_start().len() + desc[..i].chars().count() + 1;
            return Err(DataError::at(
                file,
                n,
                col,
                format!("control character U+{:04X} in the descriptor", c as u32),
            ));
        }
        if let Some((prev, at)) = rows.get(&code) {
            if prev != desc {
                return Err(DataError::at(
                    file,
                    n,
                    1,
                    format!("{code} is already on line {at} with another descriptor; one descriptor file (long, medium or short) at a time"),
                ));
            }
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(DataError::at(
                file,
                n,
                1,
                format!("more than {MAX_ROWS} codes; is this a CPT descriptor file?"),
            ));
        }
        rows.insert(code, (desc.to_string(), n));
    }
    if rows.is_empty() {
        return Err(DataError::file(
            file,
            "no CPT codes found; expected lines like \"99213<TAB>descriptor\"".into(),
        ));
    }
    let year = year_of(file).or_else(|| headers.iter().find_map(|h| year_of(h)));
    let label = match year {
        Some(y) => format!("CPT {y} descriptors (licensed)"),
        None => "CPT descriptors (licensed)".to_string(),
    };
    Ok(DataSet {
        kind: DataKind::Cpt,
        source: file.to_string(),
        added: String::new(),
        label,
        rows: rows.len() as u32,
        date_from: year.map_or(0, |y| y * 10000 + 101),
        date_to: year.map_or(0, |y| y * 10000 + 1231),
        content: Content::Cpt(rows.into_iter().map(|(c, (d, _))| (c, d)).collect()),
    })
}

/// A year 2000–2099 standing alone in a name or title (`CPT2026`, `2026 CPT`).
fn year_of(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let w = &b[i..i + 4];
        let alone = (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).map_or(true, |c| !c.is_ascii_digit());
        (alone && w[0] == b'2' && w[1] == b'0' && w.iter().all(u8::is_ascii_digit))
            .then(|| std::str::from_utf8(w).ok()?.parse().ok())
            .flatten()
    })
}

/// CPT codes laid out as an index of their own, so search scores
/// descriptors exactly as it scores ICD-10-CM titles (with the bundled
/// abbreviations).
pub(super) fn engine(
    rows: &BTreeMap<&str, &str>,
    base: &crate::index::IndexData,
) -> Result<crate::Engine, String> {
    let mut b = IndexBuilder::new();
    for (code, desc) in rows {
        let mut n = BuildNode::new(System::Cpt, NodeKind::Code, None);
        n.code = code.to_string();
        n.title = Some(desc.to_string());
        n.billable = true;
        b.push(n);
    }
    b.abbreviations = base.search.abbreviations.iter().cloned().collect();
    b.versions.hcpcs_release = "CPT (licensed, added by the user)".into();
    let data = b.finish().map_err(|e| e.to_string())?;
    Ok(crate::Engine::from_data(data))
}

/// The CPT search index kept beside the user's sets (browser: IndexedDB;
/// the CLI rebuilds it), so a start reads it instead of laying it out again:
///
/// ```text
/// CPT search index, version 1
/// offset  size  field
/// 0       24    frame: magic b"MCCPTIX\x1a", version (CPT_INDEX_FORMAT_VERSION),
///               CRC-32 of the payload, payload length (`index::frame`)
/// 24      8     key, u64 little-endian: XXH64 of what the index was built
///               from (every CPT row attached, the bundled abbreviations,
///               the index format and medcode version; see `index_key`)
/// 32      n     a medcode.idx-format file of the CPT codes (its own frame,
///               checksum and structure checks)
/// ```
///
/// A stored index whose key does not match what is attached now (another
/// file, a new medcode) or that is damaged is not used: the index is built
/// again, and the caller stores the new one.
pub const CPT_INDEX_MAGIC: [u8; 8] = *b"MCCPTIX\x1a";
pub const CPT_INDEX_FORMAT_VERSION: u32 = 1;

/// What the CPT index is built from, as one number (see `CPT_INDEX_MAGIC`).
pub(super) fn index_key(rows: &BTreeMap<&str, &str>, base: &crate::index::IndexData) -> u64 {
    let mut buf = Vec::with_capacity(rows.len() * 64 + 4096);
    buf.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    buf.extend_from_slice(&crate::index::format::FORMAT_VERSION.to_le_bytes());
    buf.extend_from_slice(&CPT_INDEX_FORMAT_VERSION.to_le_bytes());
    for (code, desc) in rows {
        buf.extend_from_slice(code.as_bytes());
        buf.push(0);
        buf.extend_from_slice(desc.as_bytes());
        buf.push(0);
    }
    for (key, expansions) in base.search.abbreviations.iter() {
        buf.push(1);
        buf.extend_from_slice(key.as_bytes());
        for e in expansions {
            buf.push(0);
            buf.extend_from_slice(e.as_bytes());
        }
    }
    crate::index::frame::xxh64(&buf)
}

/// The stored form of a CPT index built under `key`.
pub(super) fn stored_index(key: u64, engine: &crate::Engine) -> Result<Vec<u8>, String> {
    let idx = engine.data().to_bytes().map_err(|e| e.to_string())?;
    let mut payload = Vec::with_capacity(8 + idx.len());
    payload.extend_from_slice(&key.to_le_bytes());
    payload.extend_from_slice(&idx);
    Ok(crate::index::frame::wrap(
        &CPT_INDEX_MAGIC,
        CPT_INDEX_FORMAT_VERSION,
        &payload,
    ))
}

/// A stored CPT index, when it is whole and was built from `key`.
pub(super) fn from_stored(bytes: &[u8], key: u64) -> Option<crate::Engine> {
    let (stored_key, idx) = split_stored(bytes).ok()?;
    if stored_key != key {
        return None;
    }
    crate::Engine::from_vec(idx.to_vec()).ok()
}

/// The key and the CPT index of a stored form, checked (frame, version,
/// the index's own checksum and structure); says what is wrong otherwise.
pub fn decode_stored(bytes: &[u8]) -> Result<(u64, crate::Engine), String> {
    let (key, idx) = split_stored(bytes)?;
    let e = crate::Engine::from_vec(idx.to_vec()).map_err(|e| e.to_string())?;
    Ok((key, e))
}

fn split_stored(bytes: &[u8]) -> Result<(u64, &[u8]), String> {
    let payload = crate::index::frame::unwrap(bytes, &CPT_INDEX_MAGIC, CPT_INDEX_FORMAT_VERSION)
        .map_err(|e| {
            format!("not a stored CPT index of version {CPT_INDEX_FORMAT_VERSION}: {e:?}")
        })?;
    let (key, idx) = payload
        .split_at_checked(8)
        .ok_or("stored CPT index cut short")?;
    let mut k = [0u8; 8];
    k.copy_from_slice(key);
    Ok((u64::from_le_bytes(k), idx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(set: &DataSet) -> &[(String, String)] {
        match &set.content {
            Content::Cpt(r) => r,
            _ => panic!("not CPT"),
        }
    }

    #[test]
    fn ama_and_plain_layouts() {
        // Synthetic descriptors: never AMA text in the repository.
        let ama = "SYNTHETIC TEST FILE 2026, NOT AMA CONTENT\n\
                   99213 Synthetic visit descriptor number one\n\
                   0042T\tSynthetic category three descriptor\r\n\
                   3074F  Synthetic measure descriptor\n\n";
        let set = super::super::DataSet::parse(
            DataKind::Cpt,
            "dir/LONGULT2026.txt",
            ama.as_bytes(),
            "2026-11-30",
        )
        .unwrap();
        assert_eq!(set.rows, 3);
        assert_eq!(set.source, "LONGULT2026.txt");
        assert_eq!(set.date_from, 20260101);
        assert_eq!(
            rows(&set)[2],
            (
                "99213".into(),
                "Synthetic visit descriptor number one".into()
            )
        );
        let plain = "code\tdescriptor\n99214\tSynthetic plain descriptor\n";
        let set = parse("plain.tsv", plain.as_bytes()).unwrap();
        assert_eq!(
            rows(&set),
            &[(
                "99214".to_string(),
                "Synthetic plain descriptor".to_string()
            )]
        );
        assert_eq!(set.date_from, 0);
    }

    #[test]
    fn every_bad_line() {
        let cases: &[(&str, (usize, usize), &str)] = &[
            ("99213\tok\n9921\tshort code\n", (2, 1), "not a CPT code"),
            ("99213\tok\nJ1100\tdrug\n", (2, 1), "HCPCS Level II"),
            ("99213\tok\n9921Z\tbad letter\n", (2, 1), "not a CPT code"),
            ("99213\tok\n99214\n", (2, 6), "no descriptor"),
            ("99213\tok\n99214\t   \n", (2, 6), "no descriptor"),
            (
                "99213\tok\n99214\tbad\u{7}bell\n",
                (2, 10),
                "control character",
            ),
            ("99213\tok\n99213\tother\n", (2, 1), "already on line 1"),
            (
                "99213\tok\n99214,comma separated\n",
                (2, 1),
                "not a CPT code",
            ),
        ];
        for (text, (line, col), msg) in cases {
            let e = parse("f.txt", text.as_bytes()).expect_err(text);
            assert_eq!((e.line, e.column), (*line, *col), "{text:?}: {e}");
            assert!(e.message.contains(msg), "{text:?}: {e}");
        }
        let headers = "a title line\n".repeat(25);
        assert!(parse("f.txt", headers.as_bytes())
            .unwrap_err()
            .message
            .contains("first 20 lines"));
        assert!(parse("f.txt", b"just a title\n")
            .unwrap_err()
            .message
            .contains("no CPT codes"));
        // the same row twice is fine
        assert_eq!(parse("f.txt", b"99213\tok\n99213\tok\n").unwrap().rows, 1);
    }

    /// Regression: a licensee file cut off mid-descriptor (a download or
    /// copy that stopped) was accepted, its last descriptor kept partial.
    #[test]
    fn a_file_cut_short_is_refused_at_its_last_line() {
        let whole = "SYNTHETIC TEST FILE 2026\n99213\tSynthetic visit\n99214\tSynthetic longer visit descriptor\n";
        assert_eq!(parse("f.txt", whole.as_bytes()).unwrap().rows, 2);
        for (cut, (line, col), says) in [
            // mid-descriptor, no line end after it
            (&whole[..whole.len() - 12], (3, 29), "cut short"),
            // mid-code
            (&whole[..whole.len() - 36], (3, 5), "cut short"),
            // the whole row but no line end
            (&whole[..whole.len() - 1], (3, 40), "cut short"),
            // a quoted descriptor whose quote never closes (even with a line end)
            (
                "99213\tSynthetic visit\n99214\t\"Synthetic, with\n",
                (2, 7),
                "never closed",
            ),
        ] {
            let e = parse("CPT2026.txt", cut.as_bytes()).expect_err(cut);
            assert_eq!((e.line, e.column), (line, col), "{cut:?}: {e}");
            assert!(e.message.contains(says), "{cut:?}: {e}");
            assert!(e.message.contains("again"), "says what to do: {e}");
        }
        // classic Mac line ends (CR only) are line ends, not one long line
        let cr = whole.replace('\n', "\r");
        assert_eq!(parse("f.txt", cr.as_bytes()).unwrap().rows, 2);
        let e = parse("f.txt", &cr.as_bytes()[..cr.len() - 1]).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        // a quoted descriptor, closed, with a doubled quote inside
        let q = "99213\t\"Synthetic 2\"\" visit\"\n";
        assert_eq!(parse("f.txt", q.as_bytes()).unwrap().rows, 1);
    }

    #[test]
    fn huge_and_wrong_encoding() {
        let big = vec![b'a'; DataKind::Cpt.cap() + 1];
        assert!(parse("big.txt", &big)
            .unwrap_err()
            .message
            .contains("largest"));
        let long_line = format!("99213\t{}\n", "x".repeat(5000));
        assert!(parse("f.txt", long_line.as_bytes())
            .unwrap_err()
            .message
            .contains("bytes long"));
        let e = parse("latin1.txt", b"99213\tSynthetic caf\xe9\n").unwrap_err();
        assert!(e.message.contains("Latin-1") && e.line == 1, "{e}");
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("99213\tx\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert!(parse("u16.txt", &utf16)
            .unwrap_err()
            .message
            .contains("UTF-16"));
    }

    #[test]
    fn ten_thousand_rows_parse_quickly() {
        let mut s = String::new();
        for i in 0..10_000 {
            s.push_str(&format!(
                "{:05}\tSynthetic procedure {i} on the left knee\n",
                10000 + i
            ));
        }
        let set = parse("big.txt", s.as_bytes()).unwrap();
        assert_eq!(set.rows, 10_000);
    }
}
