//! Reading a user's file as text: size cap, encoding check, and lines with
//! their numbers. Every error names the file, and where it can the line and
//! column, so the user can open the file and fix it.

use super::DataError;

/// Checks size and encoding and returns the text (a UTF-8 byte-order mark
/// dropped). UTF-16 and Latin-1/Windows-1252 files are refused with a
/// message saying how to save them, rather than read as garbage.
pub fn decode<'a>(
    file: &str,
    bytes: &'a [u8],
    cap: usize,
    what: &str,
) -> Result<&'a str, DataError> {
    if bytes.len() > cap {
        return Err(DataError::file(
            file,
            format!(
                "the file is {:.1} MB; the largest {what} file medcode reads is {} MB — check that this is the right file",
                bytes.len() as f64 / 1_048_576.0,
                cap / 1_048_576
            ),
        ));
    }
    if bytes.is_empty() {
        return Err(DataError::file(
            file,
            format!("the file is empty; expected {what}"),
        ));
    }
    if let Some(what_it_is) = packed_kind(bytes) {
        return Err(DataError::file(file, what_it_is.to_string()));
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) || looks_utf16(bytes) {
        return Err(DataError::file(
            file,
            "the file is UTF-16 text; save it as UTF-8 (or plain text / CSV UTF-8) and add it again".to_string(),
        ));
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(t) => {
            if let Some(at) = t.find('\0') {
                let (line, column) = position(t, at);
                return Err(DataError::at(
                    file,
                    line,
                    column,
                    format!("a NUL byte: this is not a text file; expected {what}"),
                ));
            }
            Ok(t)
        }
        Err(e) => {
            let at = e.valid_up_to();
            // The valid prefix is text: count lines in it.
            let prefix = std::str::from_utf8(&body[..at]).unwrap_or("");
            let (line, column) = position(prefix, at);
            let byte = body[at];
            Err(DataError::at(
                file,
                line,
                column,
                format!(
                    "byte 0x{byte:02X} is not UTF-8; the file looks like Latin-1 / Windows-1252 text — save it as UTF-8 and add it again"
                ),
            ))
        }
    }
}

/// An archive, workbook or PDF by its magic bytes, with what to do instead
/// (CMS ships its MUE and NCCI tables zipped, often as .xlsx): read as text
/// these were refused as "byte 0x8B is not UTF-8 ... Latin-1" or "a NUL byte".
fn packed_kind(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(b"PK\x03\x04") || b.starts_with(b"PK\x05\x06") || b.starts_with(b"PK\x07\x08")
    {
        Some("the file is a ZIP archive (an Excel .xlsx workbook is one too): unzip it and add the .txt, .csv or .xml file inside, or save the sheet as CSV UTF-8")
    } else if b.starts_with(&[0x1f, 0x8b]) {
        Some("the file is gzip-compressed: unpack it (gunzip or 7-Zip) and add the file inside")
    } else if b.starts_with(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) {
        Some("the file is an Excel 97-2003 workbook (.xls) or another Office file: save the sheet as CSV UTF-8 and add that")
    } else if b.starts_with(b"%PDF-") {
        Some("the file is a PDF: add the table as text, CSV or XML (CMS and CDC publish those beside the PDF)")
    } else {
        None
    }
}

/// Every other byte zero in the first few hundred bytes: UTF-16 without a mark.
pub fn looks_utf16(b: &[u8]) -> bool {
    let head = &b[..b.len().min(512)];
    if head.len() < 8 {
        return false;
    }
    let zeros_even = head.iter().step_by(2).filter(|&&x| x == 0).count();
    let zeros_odd = head.iter().skip(1).step_by(2).filter(|&&x| x == 0).count();
    let half = head.len() / 2;
    zeros_even * 10 >= half * 9 || zeros_odd * 10 >= half * 9
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// The line end of `text`: `\n` (with or without `\r` before it), or a
/// lone `\r` in a file that has no `\n` at all (classic Mac OS, some
/// exports): read as one line of every row, such a file was refused as one
/// overlong line or a "control character U+000D".
fn line_end(text: &str) -> char {
    if !text.contains('\n') && text.contains('\r') {
        '\r'
    } else {
        '\n'
    }
}

/// Lines with 1-based numbers (`\r\n`, `\n` or `\r` ends, see `line_end`),
/// each at most `max_len` bytes.
pub fn lines<'a>(
    file: &'a str,
    text: &'a str,
    max_len: usize,
) -> impl Iterator<Item = Result<(usize, &'a str), DataError>> + 'a {
    text.split(line_end(text))
        .enumerate()
        .filter_map(move |(i, l)| {
            let l = l.strip_suffix('\r').unwrap_or(l);
            if l.trim().is_empty() {
                return None;
            }
            if l.len() > max_len {
                return Some(Err(DataError::at(
                    file,
                    i + 1,
                    1,
                    format!(
                        "the line is {} bytes long (at most {max_len}); is this the right file?",
                        l.len()
                    ),
                )));
            }
            Some(Ok((i + 1, l)))
        })
}

/// The number of the file's last line when it has text but no line end
/// after it: a file cut short (a download or copy that stopped, a disk
/// full) ends so, mid-row, and its last row read as whole would be kept
/// with a partial descriptor or rationale and no one told.
pub fn unterminated_last_line(text: &str) -> Option<usize> {
    let end = line_end(text);
    let last = text.rsplit(end).next()?;
    (!last.trim().is_empty()).then(|| text.matches(end).count() + 1)
}

/// The refusal of a row on the unterminated last line (see
/// `unterminated_last_line`), placed at the line's end.
pub fn cut_short(file: &str, n: usize, line: &str, what: &str) -> DataError {
    DataError::at(
        file,
        n,
        line.chars().count() + 1,
        format!(
            "the file ends here, in the middle of a row (no line end after it): it looks cut short, so this last {what} row may be partial — download or copy the whole file again; if the file is whole, press Enter after its last line, save it and add it again"
        ),
    )
}

/// Byte offset of a double quote that opens a quoted field never closed on
/// the line (`"a, b` with no closing quote): the rest of the line, and of a
/// file cut short inside a quoted field, would be read as one field.
pub fn open_quote(line: &str, sep: char) -> Option<usize> {
    let mut open = None;
    let mut field_start = true;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if open.is_some() {
            // `""` inside quotes is a quote; a lone one closes the field
            if c == '"' && chars.next_if(|&(_, d)| d == '"').is_none() {
                open = None;
            }
            continue;
        }
        if c == '"' && field_start {
            open = Some(i);
        }
        field_start = c == sep || (field_start && c == ' ');
    }
    open
}

/// Refuses a line whose quoted field is never closed (`open_quote`),
/// saying where the quote is and what to do.
pub fn check_quotes(file: &str, n: usize, line: &str, sep: char) -> Result<(), DataError> {
    match open_quote(line, sep) {
        None => Ok(()),
        Some(at) => Err(DataError::at(
            file,
            n,
            line[..at].chars().count() + 1,
            "this quote opens a field that is never closed on the line: the file may be cut short here, or the field lost its closing quote — add the closing \" (a quote inside a field is written \"\"), or download the whole file again".to_string(),
        )),
    }
}

/// A field of a delimited line and the 1-based column where it starts.
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    pub text: &'a str,
    pub column: usize,
}

/// Splits on `sep`, honouring double quotes (`"a, b"`, `""` inside quotes)
/// when `quoted`; fields are trimmed. Columns count characters.
pub fn split(line: &str, sep: char, quoted: bool) -> Vec<Field<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    for (i, c) in line.char_indices() {
        if quoted && c == '"' {
            in_quotes = !in_quotes;
        } else if c == sep && !in_quotes {
            out.push(field(line, start, i));
            start = i + c.len_utf8();
        }
    }
    out.push(field(line, start, line.len()));
    out
}

fn field(line: &str, start: usize, end: usize) -> Field<'_> {
    let raw = &line[start..end];
    let lead = raw.len() - raw.trim_start().len();
    let t = raw.trim();
    let t = if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        &t[1..t.len() - 1]
    } else {
        t
    };
    Field {
        text: t,
        column: line[..start + lead].chars().count() + 1,
    }
}

/// Five letters or digits with a digit among them: a row's code, right or
/// wrong (a title word like "Codes" is not one).
pub fn code_shaped(s: &str) -> bool {
    s.len() == 5
        && s.bytes().all(|b| b.is_ascii_alphanumeric())
        && s.bytes().any(|b| b.is_ascii_digit())
}

/// A 5-character procedure code (CPT or HCPCS Level II), upper-cased.
pub fn code5(s: &str) -> Option<[u8; 5]> {
    let b = s.as_bytes();
    if b.len() != 5 || !b.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let mut c = [0u8; 5];
    for (d, s) in c.iter_mut().zip(b) {
        *d = s.to_ascii_uppercase();
    }
    let t = std::str::from_utf8(&c).ok()?;
    (crate::cpt::form(t).is_some() || crate::hcpcs::is_level2(t)).then_some(c)
}

/// A date written in a title line or a file name (`Eff_01-01-2026`,
/// `01/01/2026`, `2026-01-01`, `20260101` after "eff"), as yyyymmdd.
pub fn find_date(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    let digits = |i: usize, n: usize| -> Option<u32> {
        let part = b.get(i..i + n)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0u32, |v, d| v * 10 + (d - b'0') as u32))
    };
    for i in 0..b.len() {
        if i > 0 && b[i - 1].is_ascii_digit() {
            continue;
        }
        // MM?DD?YYYY
        if let (Some(m), Some(d), Some(y)) = (digits(i, 2), digits(i + 3, 2), digits(i + 6, 4)) {
            if matches!(b[i + 2], b'-' | b'/' | b'_') && b[i + 5] == b[i + 2] {
                if let Ok(v) = crate::validate::dates::ymd(y, m, d) {
                    return Some(v);
                }
            }
        }
        // YYYY-MM-DD
        if let (Some(y), Some(m), Some(d)) = (digits(i, 4), digits(i + 5, 2), digits(i + 8, 2)) {
            if b[i + 4] == b'-' && b[i + 7] == b'-' {
                if let Ok(v) = crate::validate::dates::ymd(y, m, d) {
                    return Some(v);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a zipped CMS table was refused with "a NUL byte: this is not a
    /// text file", a gzip one with "byte 0x8B is not UTF-8; ... Latin-1".
    #[test]
    fn archives_workbooks_and_pdfs_are_named_with_what_to_do() {
        for (bytes, says) in [
            (&b"PK\x03\x04\x14\0\0\0\x08\0"[..], "ZIP archive"),
            (&b"PK\x05\x06\0\0"[..], "ZIP archive"),
            (&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3][..], "gzip-compressed"),
            (
                &[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0][..],
                "Excel 97-2003",
            ),
            (&b"%PDF-1.7\n%\xe2\xe3"[..], "a PDF"),
        ] {
            let e = decode("MUE_2026.zip", bytes, 1000, "MUE table").unwrap_err();
            let msg = e.to_string();
            assert!(msg.starts_with("MUE_2026.zip: the file is"), "{msg}");
            assert!(msg.contains(says), "{msg}");
            assert!(!msg.contains("Latin-1") && !msg.contains("NUL"), "{msg}");
        }
        // text that merely starts with the letters PK is still text
        assert_eq!(
            decode("a.txt", b"PK thing", 100, "CPT").unwrap(),
            "PK thing"
        );
    }

    #[test]
    fn encodings() {
        let e = decode("a.txt", b"\xff\xfe9\x009\x00", 100, "CPT").unwrap_err();
        assert!(e.to_string().contains("UTF-16"), "{e}");
        let utf16_no_bom: Vec<u8> = "99213\tsynthetic descriptor\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert!(decode("a.txt", &utf16_no_bom, 1000, "CPT")
            .unwrap_err()
            .to_string()
            .contains("UTF-16"));
        let e = decode("a.txt", b"99213\tok\n99214\tcaf\xe9 visit\n", 100, "CPT").unwrap_err();
        assert_eq!((e.line, e.column), (2, 10));
        assert!(e.to_string().contains("Latin-1"), "{e}");
        assert!(e.to_string().starts_with("a.txt:2:10: "), "{e}");
        assert_eq!(
            decode("a.txt", b"\xef\xbb\xbfabc", 100, "CPT").unwrap(),
            "abc"
        );
        assert!(decode("a.txt", b"", 100, "CPT").is_err());
        assert!(decode("a.txt", &[b'a'; 101], 100, "CPT")
            .unwrap_err()
            .to_string()
            .contains("largest"));
        assert!(decode("a.txt", b"ab\0cd", 100, "CPT")
            .unwrap_err()
            .to_string()
            .contains("NUL"));
    }

    #[test]
    fn csv_split() {
        let f = split(
            r#"0001U,1,"2 Date of Service Edit: Policy","a, b""c""""#,
            ',',
            true,
        );
        assert_eq!(f.len(), 4);
        assert_eq!(f[2].text, "2 Date of Service Edit: Policy");
        assert_eq!(f[1].column, 7);
        assert_eq!(f[3].column, 42);
    }

    #[test]
    fn dates_in_names() {
        assert_eq!(
            find_date("MCR_MUE_PractitionerServices_Eff_01-01-2026.csv"),
            Some(20260101)
        );
        assert_eq!(find_date("effective 04/01/2026"), Some(20260401));
        assert_eq!(find_date("x 2026-07-01"), Some(20260701));
        assert_eq!(find_date("13-45-2026"), None);
    }
}
