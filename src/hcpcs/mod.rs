//! HCPCS Level II: code form (a letter A–V and four digits).
//! CPT (HCPCS Level I) is checked by form only in `crate::cpt`.

#[cfg(feature = "ingest")]
pub mod everyday;
#[cfg(feature = "ingest")]
pub mod ingest;

use crate::model::NoteKind;

/// Why a HCPCS hit matched words its descriptor lacks: the first everyday
/// name (`SearchAlias` note, e.g. "brand name: Toradol → ketorolac" or
/// "service name: welcome to medicare visit") holding one of the matched
/// query words; else, when a matched word is spelled out from a cut-short
/// descriptor word, "expanded: inj → injection". `notes` are the code's own
/// notes, `title` its descriptor, `matched` the query words that matched.
pub fn why<'a>(
    notes: impl Iterator<Item = (NoteKind, &'a str)>,
    title: &str,
    matched: &[String],
) -> Option<String> {
    use crate::search::text;
    let wanted: Vec<String> = matched.iter().flat_map(|m| text::terms(m)).collect();
    for (kind, note) in notes {
        if kind != NoteKind::SearchAlias {
            continue;
        }
        // "label: name" or "label: name → generic"; only the name is searched.
        let body = note.split_once(": ").map_or(note, |p| p.1);
        let name = body.split_once(" → ").map_or(body, |p| p.0);
        if text::terms(name).iter().any(|t| wanted.contains(t)) {
            return Some(note.to_string());
        }
    }
    let title_words = text::words(title);
    let title_terms = text::terms(title);
    for m in matched.iter().flat_map(|m| text::words(m)) {
        if title_terms.contains(&text::term(&m)) {
            continue;
        }
        let short = title_words.iter().find(|w| {
            w.len() >= 2 && w.len() < m.len() && w.as_bytes()[0] == m.as_bytes()[0] && {
                let mut it = m.bytes();
                w.bytes().all(|c| it.any(|h| h == c))
            }
        });
        if let Some(w) = short {
            return Some(format!("expanded: {w} → {m}"));
        }
    }
    None
}

/// `" j1100 "` → `"J1100"` when it has the Level II shape.
pub fn normalize(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .filter_map(crate::model::code_char)
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
        let notes = [(NoteKind::SearchAlias, "brand name: Toradol → ketorolac")];
        let title = "Ketorolac tromethamine inj";
        let m = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let why = |w: &[&str]| super::why(notes.iter().copied(), title, &m(w));
        assert_eq!(
            why(&["toradol", "60"]).as_deref(),
            Some("brand name: Toradol → ketorolac")
        );
        assert_eq!(
            why(&["ketorolac", "injection"]).as_deref(),
            Some("expanded: inj → injection")
        );
        assert_eq!(why(&["ketorolac"]), None);
    }

    #[test]
    fn level2_shape() {
        assert_eq!(super::normalize(" j1100 ").as_deref(), Some("J1100"));
        assert!(super::normalize("99213").is_none());
        assert!(super::normalize("W1100").is_none());
        assert!(super::normalize("J110").is_none());
    }
}
