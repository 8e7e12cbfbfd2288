//! ICD-10-CM: code forms, placeholder X and 7th characters.
//!
//! Codes are kept undotted and upper case inside the engine (`E119`) and shown
//! dotted (`E11.9`). Input is accepted dotted or not, any case, stray spaces.

#[cfg(feature = "tabular-xml")]
pub mod ingest;
#[cfg(feature = "ingest")]
pub mod mce;

/// Normalizes what a person typed or pasted into an undotted upper-case code:
/// `" e11.9 "` → `"E119"`. Returns `None` when it cannot be an ICD-10-CM code
/// (wrong shape, or characters other than letters, digits, dots and spaces;
/// invisible characters are no characters, `model::code_char`).
pub fn normalize(input: &str) -> Option<String> {
    let mut out = String::with_capacity(8);
    for c in input.chars().filter_map(crate::model::code_char) {
        match c {
            '.' => {}
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_uppercase()),
            _ => return None,
        }
    }
    if looks_like_code(&out) {
        Some(out)
    } else {
        None
    }
}

/// True for an undotted upper-case string shaped like an ICD-10-CM code:
/// a letter, two letters-or-digits of which at least one is a digit (E11,
/// and since FY2026 QA0), then up to four letters or digits.
pub fn looks_like_code(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 3 || b.len() > 7 {
        return false;
    }
    b[0].is_ascii_uppercase()
        && b[1..3]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && (b[1].is_ascii_digit() || b[2].is_ascii_digit())
        && b[3..].iter().all(|c| c.is_ascii_alphanumeric())
}

/// Like [`looks_like_code`] but also accepts 1–2 character prefixes
/// (`E`, `E1`) for code-prefix search.
pub fn looks_like_code_prefix(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        0 => false,
        1 => b[0].is_ascii_uppercase(),
        2 => b[0].is_ascii_uppercase() && b[1].is_ascii_alphanumeric(),
        _ => looks_like_code(s),
    }
}

/// `E119` → `E11.9`; `W19XXXA` → `W19.XXXA`; `E11` → `E11`.
pub fn dotted(undotted: &str) -> String {
    if undotted.len() > 3 && undotted.is_char_boundary(3) {
        format!("{}.{}", &undotted[..3], &undotted[3..])
    } else {
        undotted.to_string()
    }
}

/// Pads a code with the placeholder X to six characters, ready for a 7th:
/// `W19` → `W19XXX`, `H4040` → `H4040X`; `T450X1` and `S52501` stay.
pub fn pad_for_seventh(undotted: &str) -> String {
    let mut s = undotted.to_string();
    while s.len() < 6 {
        s.push('X');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_pasted_forms() {
        assert_eq!(normalize(" e11.9 ").as_deref(), Some("E119"));
        assert_eq!(normalize("E 11 9").as_deref(), Some("E119"));
        assert_eq!(normalize("s52.501a").as_deref(), Some("S52501A"));
        assert_eq!(normalize("E11"), Some("E11".into()));
        assert_eq!(normalize("E1"), None);
        // FY2026 added categories with a letter second (QA0 genetic disorders).
        assert_eq!(normalize("qa0.0101").as_deref(), Some("QA00101"));
        assert_eq!(normalize("FLU"), None);
        assert_eq!(normalize("99213"), None);
        assert_eq!(normalize("E11;9"), None);
        assert_eq!(normalize("E11.9ABCDE"), None);
    }

    #[test]
    fn dots_after_the_third_character() {
        assert_eq!(dotted("E119"), "E11.9");
        assert_eq!(dotted("W19XXXA"), "W19.XXXA");
        assert_eq!(dotted("E11"), "E11");
    }

    #[test]
    fn pads_with_placeholder_x() {
        assert_eq!(pad_for_seventh("W19"), "W19XXX");
        assert_eq!(pad_for_seventh("T450X1"), "T450X1");
        assert_eq!(pad_for_seventh("H4040"), "H4040X");
    }
}
