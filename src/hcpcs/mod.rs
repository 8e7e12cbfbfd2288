//! HCPCS Level II: code form (a letter A–V and four digits).
//! CPT (HCPCS Level I) is checked by form only in `crate::cpt`.

#[cfg(feature = "ingest")]
pub mod everyday;
#[cfg(feature = "ingest")]
pub mod ingest;

use crate::model::NoteKind;

/// Why a HCPCS hit matched words its descriptor lacks: the first everyday
/// name (`SearchAlias` note, e.g. "brand name: Toradol → ketorolac") that
/// holds one of the matched query words, else the spelled-out abbreviations
/// ("expanded: inj → injection") when one of those words was matched.
/// `notes` are the code's own notes; `matched` the query words that matched.
pub fn why<'a>(
    notes: impl Iterator<Item = (NoteKind, &'a str)>,
    matched: &[String],
) -> Option<&'a str> {
    let wanted: Vec<String> = matched
        .iter()
        .flat_map(|m| crate::search::text::terms(m))
        .collect();
    let mut expanded = None;
    for (kind, note) in notes {
        if kind != NoteKind::SearchAlias {
            continue;
        }
        // "label: name" or "label: name → generic"; only the name is searched.
        let (label, body) = note.split_once(": ").unwrap_or(("", note));
        if label == "expanded" {
            let hit = body.split(", ").any(|pair| {
                let full = pair.split_once(" → ").map_or(pair, |p| p.1);
                crate::search::text::terms(full)
                    .iter()
                    .any(|t| wanted.contains(t))
            });
            if hit && expanded.is_none() {
                expanded = Some(note);
            }
            continue;
        }
        let name = body.split_once(" → ").map_or(body, |p| p.0);
        if crate::search::text::terms(name)
            .iter()
            .any(|t| wanted.contains(t))
        {
            return Some(note);
        }
    }
    expanded
}

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
    use crate::model::NoteKind;

    #[test]
    fn why_names_the_alias_that_matched() {
        let notes = [
            (NoteKind::SearchAlias, "brand name: Toradol → ketorolac"),
            (NoteKind::SearchAlias, "expanded: inj → injection"),
        ];
        let m = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            super::why(notes.iter().copied(), &m(&["toradol", "60"])),
            Some("brand name: Toradol → ketorolac")
        );
        assert_eq!(
            super::why(notes.iter().copied(), &m(&["ketorolac", "injection"])),
            Some("expanded: inj → injection")
        );
        assert_eq!(super::why(notes.iter().copied(), &m(&["ketorolac"])), None);
    }

    #[test]
    fn level2_shape() {
        assert_eq!(super::normalize(" j1100 ").as_deref(), Some("J1100"));
        assert!(super::normalize("99213").is_none());
        assert!(super::normalize("W1100").is_none());
        assert!(super::normalize("J110").is_none());
    }
}
