//! Provider identifiers: NPI (items 17b, 24J, 33a), tax id (item 25), ZIP.

use super::model::{Provider, Value};
use super::rules::*;
use super::{show, trim, Issues, Path};

/// Text of a scalar field, or a format issue when it is not text.
fn text<'a>(
    v: &'a Value,
    rule: Rule,
    field: Path,
    what: &str,
    out: &mut Issues,
) -> Option<&'a str> {
    match v.text() {
        Some(t) => Some(t),
        None if matches!(v, Value::Null) => None,
        None => {
            out.add(
                rule,
                field,
                format!("{field} is {}; enter the {what} as digits", v.kind()),
            );
            None
        }
    }
}

pub(crate) fn check_provider(
    p: &Provider,
    name: &'static str,
    with_tax_id: bool,
    out: &mut Issues,
) {
    if let Some(v) = &p.npi {
        let field = Path::Sub(name, "npi");
        if let Some(t) = text(v, NPI_FORMAT, field, "NPI", out) {
            check_npi(t, field, out);
        }
    }
    if with_tax_id {
        let kind = p.tax_id_type.as_ref().and_then(Value::text).map(trim);
        let kind = match kind {
            Some(k) if k.eq_ignore_ascii_case("EIN") => Some("EIN"),
            Some(k) if k.eq_ignore_ascii_case("SSN") => Some("SSN"),
            Some("") | None => None,
            Some(k) => {
                out.add(
                    TAX_ID_FORMAT,
                    Path::Sub(name, "tax_id_type"),
                    format!("tax id type {}: use EIN or SSN", show(k)),
                );
                None
            }
        };
        if let Some(v) = &p.tax_id {
            let field = Path::Sub(name, "tax_id");
            if let Some(t) = text(v, TAX_ID_FORMAT, field, "tax id", out) {
                check_tax_id(t, kind, field, out);
            }
        }
    }
    if let Some(z) = &p.zip {
        check_zip(z, Path::Sub(name, "zip"), out);
    }
}

/// Luhn over `80840` + the first nine digits (equivalently: +24 to the plain sum).
pub fn npi_check_digit(first9: &[u8]) -> u8 {
    let mut sum = 24u32;
    for (i, &d) in first9.iter().rev().enumerate() {
        let d = d.wrapping_sub(b'0') as u32 % 10;
        sum += if i % 2 == 0 {
            let x = d * 2;
            if x > 9 {
                x - 9
            } else {
                x
            }
        } else {
            d
        };
    }
    ((10 - sum % 10) % 10) as u8
}

pub(crate) fn check_npi(raw: &str, field: Path, out: &mut Issues) {
    let t = trim(raw);
    let b = t.as_bytes();
    if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
        // Typed or pasted with separators ("123-456-7893", "1234 567 893"):
        // the claim wants the bare 10 digits; offer them when they form a
        // valid NPI (a directory's display format is the common source).
        let mut digits = [0u8; 10];
        let mut nd = 0usize;
        let separated = b.len() <= 16
            && b.iter().all(|&c| {
                if c.is_ascii_digit() && nd < 10 {
                    digits[nd] = c;
                    nd += 1;
                    true
                } else {
                    matches!(c, b'-' | b' ' | b'.')
                }
            });
        if separated
            && nd == 10
            && matches!(digits[0], b'1' | b'2')
            && npi_check_digit(&digits[..9]) == digits[9] - b'0'
        {
            let plain = std::str::from_utf8(&digits).unwrap_or("");
            out.push(
                NPI_FORMAT,
                field,
                format!(
                    "NPI {} has separators; enter the 10 digits {plain}",
                    show(t)
                ),
                Some(plain.to_string()),
            );
            return;
        }
        out.add(
            NPI_FORMAT,
            field,
            format!("NPI {} must be exactly 10 digits", show(t)),
        );
        return;
    }
    if b[0] != b'1' && b[0] != b'2' {
        out.add(
            NPI_FORMAT,
            field,
            format!("NPI {t} must start with 1 or 2; check the number"),
        );
        return;
    }
    if npi_check_digit(&b[..9]) != b[9] - b'0' {
        out.add(
            NPI_CHECK_DIGIT,
            field,
            format!("NPI {t} fails its check digit; a digit is mistyped — check it against NPPES"),
        );
    }
}

/// `kind`: `Some("EIN")`, `Some("SSN")` or not given.
pub(crate) fn check_tax_id(raw: &str, kind: Option<&str>, field: Path, out: &mut Issues) {
    let t = trim(raw);
    let b = t.as_bytes();
    let mut digits = [0u8; 9];
    let (mut nd, mut hyphens, mut h) = (0usize, [0usize; 2], 0usize);
    let mut ok = b.len() <= 11;
    for (i, &c) in b.iter().enumerate().take(12) {
        match c {
            b'0'..=b'9' if nd < 9 => {
                digits[nd] = c;
                nd += 1;
            }
            b'-' if h < 2 => {
                hyphens[h] = i;
                h += 1;
            }
            _ => ok = false,
        }
    }
    if !ok || nd != 9 {
        out.add(
            TAX_ID_FORMAT,
            field,
            format!("tax id {} must be 9 digits (EIN or SSN)", show(t)),
        );
        return;
    }
    let hy = &hyphens[..h];
    let ein_shape = hy.is_empty() || hy == [2];
    let ssn_shape = hy.is_empty() || hy == [3, 6];
    let shape_ok = match kind {
        Some("EIN") => ein_shape,
        Some("SSN") => ssn_shape,
        _ => ein_shape || ssn_shape,
    };
    let plain = std::str::from_utf8(&digits).unwrap_or("");
    if !shape_ok {
        out.push(
            TAX_ID_FORMAT,
            field,
            format!(
                "tax id {} has hyphens in the wrong places; enter the 9 digits",
                show(t)
            ),
            Some(plain.to_string()),
        );
        return;
    }
    let d = &digits;
    let ssn_bad = &d[..3] == b"000"
        || &d[..3] == b"666"
        || d[0] == b'9'
        || &d[3..5] == b"00"
        || &d[5..] == b"0000";
    if plain == "000000000" || (kind == Some("SSN") && ssn_bad) {
        out.add(
            TAX_ID_FORMAT,
            field,
            format!("tax id {} is not an issued number; check it", show(t)),
        );
    }
}

pub(crate) fn check_zip(v: &Value, field: Path, out: &mut Issues) {
    let Some(t) = text(v, ZIP_FORMAT, field, "ZIP code", out) else {
        return;
    };
    let t = trim(t);
    if t.is_empty() {
        return;
    }
    let b = t.as_bytes();
    let ok = match b.len() {
        5 | 9 => b.iter().all(u8::is_ascii_digit),
        10 => b[5] == b'-' && b[..5].iter().chain(&b[6..]).all(u8::is_ascii_digit),
        _ => false,
    };
    if !ok {
        out.add(
            ZIP_FORMAT,
            field,
            format!(
                "ZIP code {} must be 5 or 9 digits (12345 or 12345-6789)",
                show(t)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_check_digits() {
        assert_eq!(npi_check_digit(b"123456789"), 3);
        assert_eq!(npi_check_digit(b"198765432"), 8);
        let mut out = Issues::default();
        check_npi("1234567893", Path::Name("npi"), &mut out);
        check_npi("1987654328", Path::Name("npi"), &mut out);
        assert!(out.list.is_empty());
        check_npi("1234567890", Path::Name("npi"), &mut out);
        assert_eq!(out.list[0].rule, "npi.check_digit");
    }

    /// Bug pinned: an NPI pasted as "123-456-7893" (a directory's display
    /// form) got only "must be exactly 10 digits", with no way forward.
    #[test]
    fn npi_with_separators_offers_the_digits() {
        let issues = |t: &str| {
            let mut out = Issues::default();
            check_npi(t, Path::Name("npi"), &mut out);
            out.list
                .iter()
                .map(|i| (i.rule.to_string(), i.suggestion.clone()))
                .collect::<Vec<_>>()
        };
        for t in ["123-456-7893", "1234 567 893", "123.456.7893"] {
            assert_eq!(
                issues(t),
                [("npi.format".into(), Some("1234567893".into()))],
                "{t}"
            );
        }
        // separators around digits that are not a valid NPI: no suggestion
        assert_eq!(issues("123-456-7890"), [("npi.format".into(), None)]);
        assert_eq!(issues("123-456-789"), [("npi.format".into(), None)]);
        assert_eq!(issues("NPI 1234567893"), [("npi.format".into(), None)]);
    }

    #[test]
    fn tax_ids() {
        let rules = |t: &str, k: Option<&str>| {
            let mut out = Issues::default();
            check_tax_id(t, k, Path::Name("tax_id"), &mut out);
            out.list
                .iter()
                .map(|i| (i.rule.to_string(), i.suggestion.clone()))
                .collect::<Vec<_>>()
        };
        assert!(rules("123456789", None).is_empty());
        assert!(rules("12-3456789", Some("EIN")).is_empty());
        assert!(rules("123-45-6789", Some("SSN")).is_empty());
        assert_eq!(
            rules("123-45-6789", Some("EIN")),
            [("tax_id.format".into(), Some("123456789".into()))]
        );
        assert_eq!(rules("12345678", None).len(), 1);
        assert_eq!(rules("1234567890", None).len(), 1);
        assert_eq!(rules("12-34-56-789", None).len(), 1);
        assert_eq!(rules("666-12-3456", Some("SSN")).len(), 1);
    }
}
