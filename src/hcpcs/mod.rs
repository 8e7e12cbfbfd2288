//! HCPCS Level II: code form (a letter A–V and four digits).
//! CPT (HCPCS Level I) is checked by form only in `crate::cpt`.

#[cfg(feature = "ingest")]
pub mod ingest;

/// `" j1100 "` → `"J1100"` when it has the Level II shape.
pub fn normalize(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if is_level2(&s) {
        Some(s)
    } else {
        None
    }
}

/// A letter A–V followed by four digits.
pub fn is_level2(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && (b'A'..=b'V').contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    #[test]
    fn level2_shape() {
        assert_eq!(super::normalize(" j1100 ").as_deref(), Some("J1100"));
        assert!(super::normalize("99213").is_none());
        assert!(super::normalize("W1100").is_none());
        assert!(super::normalize("J110").is_none());
    }
}
