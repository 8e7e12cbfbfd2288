//! The everyday-language layer, read at build time from reviewed data files
//! (`data/synonyms/`): synonyms (everyday word → tabular wording), Index-style
//! defaults (term → code) and the context vocabulary (which codes belong to
//! a context the query must name, and the words that name it).
//!
//! Every entry is checked against the tabular; a bad line fails the build
//! with its file and line.

use super::query::{IMPLIED_CONTEXTS_KEY, NOT_CONTENT_PREFIX};
use super::text;
use crate::index::build::{BuildError, IndexBuilder};
use crate::index::format::{DefaultRec, IndexData};
use crate::model::{NodeKind, NoteKind, System};
use std::collections::BTreeMap;

/// Most contexts a context file may define (one bit each in a `u8`).
pub const MAX_CONTEXTS: usize = 8;

fn bad(file: &str, line: usize, msg: String) -> BuildError {
    BuildError::Data(format!("{file} line {line}: {msg}"))
}

/// Lines that carry data: (1-based line number, text). The first line must
/// be the schema/version header `# medcode <kind> v1: …`.
fn data_lines<'a>(
    file: &str,
    tsv: &'a str,
    kind: &str,
) -> Result<Vec<(usize, &'a str)>, BuildError> {
    data_lines_of_version(file, tsv, kind, 1)
}

/// `data_lines` for a file whose schema is at `version`.
fn data_lines_of_version<'a>(
    file: &str,
    tsv: &'a str,
    kind: &str,
    version: u32,
) -> Result<Vec<(usize, &'a str)>, BuildError> {
    let header = format!("# medcode {kind} v{version}:");
    if !tsv.lines().next().is_some_and(|l| l.starts_with(&header)) {
        return Err(bad(
            file,
            1,
            format!("the first line must be the header {header:?} (schema and version)"),
        ));
    }
    Ok(tsv
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l))
        .collect())
}

/// A synonym wording waiting for the term check (file, line, wording).
pub type PendingWording = (String, usize, String);

/// A synonym line's evidence waiting for the tabular check: (file, line,
/// everyday words, wordings, the code cited by `see:`).
pub type PendingCitation = (String, usize, String, Vec<String>, String);

/// What a synonym file leaves to check once the tabular is read.
#[derive(Default)]
pub struct SynonymChecks {
    pub wordings: Vec<PendingWording>,
    pub citations: Vec<PendingCitation>,
}

/// Reads a synonym file into the query expansions (beside the
/// abbreviations): `everyday<TAB>wording[<TAB>wording…][<TAB>see:CODE]`.
/// Returns the wordings so `check_wordings` can check them once the terms
/// are known, and the cited codes for `check_citations`. A file headed
/// `# medcode anatomy v1:` (word pairs the tabular itself shows are the
/// same part, `data/synonyms/icd10cm_anatomy.tsv`) must cite a code on
/// every line.
pub fn read_synonyms(
    file: &str,
    tsv: &str,
    into: &mut BTreeMap<String, Vec<String>>,
) -> Result<SynonymChecks, BuildError> {
    let mut pending = SynonymChecks::default();
    let cited = tsv.starts_with("# medcode anatomy v1:");
    let kind = if cited { "anatomy" } else { "synonyms" };
    for (n, line) in data_lines(file, tsv, kind)? {
        let mut cols = line.split('\t').map(str::trim);
        let key = cols.next().unwrap_or("").to_lowercase();
        if key.is_empty() || key.split_whitespace().count() > 3 {
            return Err(bad(
                file,
                n,
                "the everyday words must be one to three words".into(),
            ));
        }
        let mut see = None;
        let mut wordings: Vec<String> = Vec::new();
        for c in cols.filter(|c| !c.is_empty()) {
            match c.strip_prefix("see:") {
                Some(code) if see.is_none() => see = Some(code.trim().to_string()),
                Some(_) => return Err(bad(file, n, "one see:CODE per line".into())),
                None => wordings.push(c.to_lowercase()),
            }
        }
        if wordings.is_empty() {
            return Err(bad(file, n, format!("{key:?} has no tabular wording")));
        }
        match see {
            Some(code) => pending.citations.push((
                file.to_string(),
                n,
                key.clone(),
                wordings.clone(),
                code,
            )),
            None if cited => {
                return Err(bad(
                    file,
                    n,
                    format!("{key:?}: cite the code whose title and inclusion terms use both wordings (see:CODE)"),
                ))
            }
            None => {}
        }
        let exps = into.entry(key).or_default();
        for w in wordings {
            pending.wordings.push((file.to_string(), n, w.clone()));
            if !exps.contains(&w) {
                exps.push(w);
            }
        }
    }
    Ok(pending)
}

/// True when `phrase`'s terms occur, in order and side by side, among `text`'s.
fn has_phrase(text: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty() && text.windows(phrase.len()).any(|w| w == phrase)
}

/// Fails on a citation that does not show the pair: the cited ICD-10-CM
/// code's own title, inclusion terms and "includes" notes must use the
/// everyday words in one text and every wording in another (K57.30
/// "Diverticulosis of large intestine …" includes "Diverticular disease
/// of colon NOS": colon and large intestine name the same part).
pub fn check_citations(b: &IndexBuilder, pending: &[PendingCitation]) -> Result<(), BuildError> {
    let codes = b.code_map();
    for (file, line, key, wordings, code) in pending {
        let undotted: String = code
            .chars()
            .filter(|&c| c != '.')
            .collect::<String>()
            .to_ascii_uppercase();
        let Some(&id) = codes.get(&(System::Icd10cm, undotted)) else {
            return Err(bad(
                file,
                *line,
                format!("see:{code} is not an ICD-10-CM code of the release"),
            ));
        };
        let nd = b.node(id);
        let texts: Vec<Vec<String>> = nd
            .title
            .iter()
            .map(String::as_str)
            .chain(nd.notes.iter().filter_map(|(k, t)| {
                matches!(k, NoteKind::InclusionTerm | NoteKind::Includes).then_some(t.as_str())
            }))
            .map(text::terms)
            .collect();
        let key_terms = text::terms(key);
        let with_key: Vec<usize> = (0..texts.len())
            .filter(|&i| has_phrase(&texts[i], &key_terms))
            .collect();
        for w in wordings {
            let w_terms = text::terms(w);
            let shown = (0..texts.len())
                .any(|i| has_phrase(&texts[i], &w_terms) && with_key.iter().any(|&k| k != i));
            if !shown {
                return Err(bad(
                    file,
                    *line,
                    format!("see:{code}: its title and inclusion terms do not use {key:?} in one and {w:?} in another"),
                ));
            }
        }
    }
    Ok(())
}

/// Fails on a wording with a word the tabular never uses: it could never match.
pub fn check_wordings(data: &IndexData, pending: &[PendingWording]) -> Result<(), BuildError> {
    let terms = super::Terms::new(data);
    for (file, line, wording) in pending {
        for w in text::terms(wording) {
            if terms.find(w.as_bytes()).is_none() {
                return Err(bad(
                    file,
                    *line,
                    format!("{wording:?}: the tabular never uses the word {w:?}, so this wording cannot match; use the tabular's own word"),
                ));
            }
        }
    }
    Ok(())
}

/// The index terms of a default's term, sorted (word order does not matter).
pub fn default_key(term: &str) -> Vec<String> {
    // "hepatitis a vaccine": the type letter is part of the term.
    let mut key = text::terms_of_words(&text::words_with_type_letters(term));
    key.sort();
    key
}

/// Reads a defaults file: `term<TAB>code[<TAB>note]`; code is billable, or a
/// deliberate prefix ending in `*`. Checked against the tabular in `b`.
pub fn read_defaults(
    file: &str,
    tsv: &str,
    b: &IndexBuilder,
    into: &mut Vec<DefaultRec>,
) -> Result<(), BuildError> {
    let codes = b.code_map();
    for (n, line) in data_lines(file, tsv, "defaults")? {
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let (term, code) = match cols.as_slice() {
            [t, c, ..] if !t.is_empty() && !c.is_empty() => (*t, *c),
            _ => return Err(bad(file, n, "expected term<TAB>code[<TAB>note]".into())),
        };
        let key = default_key(term);
        if key.is_empty() {
            return Err(bad(file, n, format!("{term:?} has no searchable word")));
        }
        let prefix = code.ends_with('*');
        let undotted: String = code
            .trim_end_matches('*')
            .chars()
            .filter(|&c| c != '.')
            .collect::<String>()
            .to_ascii_uppercase();
        if prefix {
            let any = b.nodes().iter().any(|nd| {
                nd.system == System::Icd10cm
                    && matches!(nd.kind, NodeKind::Category | NodeKind::Code)
                    && nd.in_release
                    && nd.code.starts_with(&undotted)
            });
            if !any || undotted.len() < 3 {
                return Err(bad(
                    file,
                    n,
                    format!("{code}: no code of the release starts with {undotted}"),
                ));
            }
        } else {
            let Some(&id) = codes.get(&(System::Icd10cm, undotted.clone())) else {
                return Err(bad(
                    file,
                    n,
                    format!("{code} is not an ICD-10-CM code of the release"),
                ));
            };
            let nd = b.node(id);
            if !nd.in_release {
                return Err(bad(
                    file,
                    n,
                    format!("{code} is not valid in the bundled release"),
                ));
            }
            if !nd.billable {
                return Err(bad(
                    file,
                    n,
                    format!("{code} is a header, not billable: name a billable code, or write {code}* for a deliberate prefix"),
                ));
            }
        }
        into.push(DefaultRec {
            key,
            code: undotted,
            prefix,
        });
    }
    Ok(())
}

/// Context bits per node, and query word → context bits.
pub type ContextTables = (Vec<u8>, Vec<(String, u8)>);

/// One context of the context file: which codes, and the words naming it.
struct Context {
    prefixes: Vec<String>,
    seventh_words: Vec<String>,
    title_phrases: Vec<String>,
}

/// Reads a context file (`context<TAB>which codes<TAB>query words[<TAB>implied
/// WORDS]`) and marks the nodes of each context. Returns (bits per node,
/// word → bits, with the `IMPLIED_CONTEXTS_KEY` and `#word` entries).
pub fn read_contexts(file: &str, tsv: &str, b: &IndexBuilder) -> Result<ContextTables, BuildError> {
    let mut contexts: Vec<Context> = Vec::new();
    let mut words: BTreeMap<String, u8> = BTreeMap::new();
    for (n, line) in data_lines_of_version(file, tsv, "context", 2)? {
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let (which, named, implied) = match cols.as_slice() {
            [_name, which, named] => (which, named, None),
            [_name, which, named, implied] => (which, named, Some(*implied)),
            _ => {
                return Err(bad(
                    file,
                    n,
                    "expected context<TAB>which codes<TAB>query words[<TAB>implied WORDS]".into(),
                ))
            }
        };
        if let Some(implied) = implied {
            let mut it = implied.split_whitespace();
            if it.next() != Some("implied") {
                return Err(bad(
                    file,
                    n,
                    format!("fourth column {implied:?}: it must start with \"implied\""),
                ));
            }
            let bit = 1u8 << contexts.len().min(7);
            *words.entry(IMPLIED_CONTEXTS_KEY.into()).or_default() |= bit;
            for w in it {
                *words
                    .entry(format!("{NOT_CONTENT_PREFIX}{}", w.to_lowercase()))
                    .or_default() |= bit;
            }
        }
        if contexts.len() >= MAX_CONTEXTS {
            return Err(bad(file, n, format!("at most {MAX_CONTEXTS} contexts")));
        }
        let bit = 1u8 << contexts.len();
        let mut c = Context {
            prefixes: Vec::new(),
            seventh_words: Vec::new(),
            title_phrases: Vec::new(),
        };
        for sel in which.split_whitespace() {
            if let Some(w) = sel.strip_prefix("7th:") {
                c.seventh_words.push(w.to_lowercase());
            } else if let Some(p) = sel.strip_prefix("title:") {
                c.title_phrases.push(p.replace('_', " ").to_lowercase());
            } else {
                let p: String = sel.chars().filter(|&ch| ch != '.').collect();
                let p = p.to_ascii_uppercase();
                if !b.nodes().iter().any(|nd| nd.code.starts_with(&p)) {
                    return Err(bad(
                        file,
                        n,
                        format!("{sel}: no code of the release starts with it"),
                    ));
                }
                c.prefixes.push(p);
            }
        }
        for w in named.split_whitespace() {
            *words.entry(w.to_lowercase()).or_default() |= bit;
        }
        contexts.push(c);
    }
    let mut bits = vec![0u8; b.len()];
    for (i, nd) in b.nodes().iter().enumerate() {
        if nd.system != System::Icd10cm || !matches!(nd.kind, NodeKind::Category | NodeKind::Code) {
            continue;
        }
        let seventh = nd.seventh_of_parent.and_then(|ch| {
            nd.parent.and_then(|p| {
                b.inherited_seventh(p)
                    .into_iter()
                    .find(|d| d.0 == ch)
                    .map(|d| d.1.to_lowercase())
            })
        });
        let title = nd.title.as_deref().unwrap_or("").to_lowercase();
        for (ci, c) in contexts.iter().enumerate() {
            let hit = c.prefixes.iter().any(|p| nd.code.starts_with(p.as_str()))
                || seventh
                    .as_deref()
                    .is_some_and(|m| c.seventh_words.iter().any(|w| m.contains(w.as_str())))
                || c.title_phrases.iter().any(|p| title.contains(p.as_str()));
            if hit {
                bits[i] |= 1 << ci;
            }
        }
    }
    Ok((bits, words.into_iter().collect()))
}

/// A category as a number for range comparisons ("C50" < "C5A" < "C60").
fn category_value(code: &str) -> Option<u32> {
    let b = code.as_bytes();
    if b.len() < 3 || !b[0].is_ascii_uppercase() {
        return None;
    }
    let d = |c: u8| (c as char).to_digit(36);
    Some(u32::from(b[0] - b'A') * 1296 + d(b[1])? * 36 + d(b[2])?)
}

/// The ranges an inclusion term "Conditions classifiable (elsewhere) to/in
/// C15-C26, C50.-, C80.1" names: (low, high, exact prefix) per item.
fn classifiable_ranges(note: &str) -> Vec<(u32, u32, Option<String>)> {
    let lower = note.to_ascii_lowercase();
    let Some(at) = [
        "classifiable to ",
        "classifiable elsewhere in ",
        "classifiable in ",
    ]
    .iter()
    .find_map(|p| lower.find(p).map(|i| i + p.len())) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in note[at..].split(',') {
        let item = item.trim().trim_end_matches(".-").replace('.', "");
        match item.split_once('-') {
            Some((lo, hi)) => {
                if let (Some(l), Some(h)) = (category_value(lo), category_value(hi)) {
                    out.push((l, h, None));
                }
            }
            None => {
                if let Some(v) = category_value(&item) {
                    // "C80.1", "F10.-", "B20": the code (or category) itself.
                    out.push((v, v, (item.len() > 3).then_some(item.to_ascii_uppercase())));
                }
            }
        }
    }
    out
}

/// Family history of a disease the defaults name (I.C.21.c.4): for each
/// default whose code lies in the "Conditions classifiable to …" range of a
/// Z80-Z84 code (its inclusion term in the tabular), the term with "family
/// history" before it reaches that Z code ("family history schizophrenia"
/// → Z81.8, conditions classifiable elsewhere in F01-F99; a relative's word
/// reaches "family history" through the synonyms). The narrowest range wins
/// (F10 → Z81.1 over Z81.8); a range on a header gives its child of the same
/// title (Z82.4 → Z82.49), else the header's subtree competes. A term the
/// defaults file already gives a code keeps it.
pub fn derive_family_history(b: &IndexBuilder, defaults: &mut Vec<DefaultRec>) {
    let nodes = b.nodes();
    // (low, high, exact, target code, prefix)
    let mut ranges: Vec<(u32, u32, Option<String>, String, bool)> = Vec::new();
    for (id, nd) in nodes.iter().enumerate() {
        if nd.system != System::Icd10cm
            || !nd.in_release
            || !matches!(
                nd.code.get(..3),
                Some("Z80" | "Z81" | "Z82" | "Z83" | "Z84")
            )
        {
            continue;
        }
        for (kind, text) in &nd.notes {
            if *kind != NoteKind::InclusionTerm {
                continue;
            }
            let found = classifiable_ranges(text);
            if found.is_empty() {
                continue;
            }
            let (code, prefix) = if nd.billable {
                (nd.code.clone(), false)
            } else {
                let same = nodes.iter().find(|c| {
                    c.parent == Some(id) && c.billable && c.in_release && c.title == nd.title
                });
                match same {
                    Some(c) => (c.code.clone(), false),
                    None => (nd.code.clone(), true),
                }
            };
            for (lo, hi, exact) in found {
                ranges.push((lo, hi, exact, code.clone(), prefix));
            }
        }
    }
    let known: std::collections::HashSet<Vec<String>> =
        defaults.iter().map(|d| d.key.clone()).collect();
    let family = default_key("family history");
    let mut added = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for d in defaults.iter() {
        if d.key.iter().any(|k| family.contains(k)) {
            continue;
        }
        let Some(v) = category_value(&d.code) else {
            continue;
        };
        let best = ranges
            .iter()
            .filter(|(lo, hi, exact, _, _)| {
                *lo <= v && v <= *hi && exact.as_ref().map_or(true, |e| d.code.starts_with(e))
            })
            .min_by_key(|(lo, hi, exact, _, _)| (exact.is_none(), hi - lo));
        let Some((_, _, _, code, prefix)) = best else {
            continue;
        };
        let mut key = d.key.clone();
        key.extend(family.iter().cloned());
        key.sort();
        key.dedup();
        if known.contains(&key) || !seen.insert(key.clone()) {
            continue;
        }
        added.push(DefaultRec {
            key,
            code: code.clone(),
            prefix: *prefix,
        });
    }
    defaults.extend(added);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// K57.30 as the April 2026 tabular has it: title and inclusion term.
    fn k57_30() -> IndexBuilder {
        let mut b = IndexBuilder::new();
        let mut nd = crate::index::build::BuildNode::new(System::Icd10cm, NodeKind::Code, None);
        nd.code = "K5730".into();
        nd.title = Some(
            "Diverticulosis of large intestine without perforation or abscess without bleeding"
                .into(),
        );
        nd.notes.push((
            NoteKind::InclusionTerm,
            "Diverticular disease of colon NOS".into(),
        ));
        b.push(nd);
        b
    }

    fn read(tsv: &str) -> Result<SynonymChecks, BuildError> {
        read_synonyms("anatomy.tsv", tsv, &mut BTreeMap::new())
    }

    const HEADER: &str = "# medcode anatomy v1: everyday<TAB>wording<TAB>see:CODE\n";

    #[test]
    fn an_anatomy_pair_stands_on_the_code_it_cites() {
        let b = k57_30();
        let ok = read(&format!("{HEADER}colon\tlarge intestine\tsee:K57.30\n")).unwrap();
        assert_eq!(ok.citations.len(), 1);
        assert_eq!(ok.wordings.len(), 1, "see: is no wording");
        assert!(check_citations(&b, &ok.citations).is_ok());
        let back = read(&format!("{HEADER}large intestine\tcolon\tsee:K57.30\n")).unwrap();
        assert!(check_citations(&b, &back.citations).is_ok());
    }

    #[test]
    fn a_citation_that_does_not_show_the_pair_fails_the_build() {
        let b = k57_30();
        // Both words in no two texts of K57.30.
        let wrong = read(&format!("{HEADER}colon\tsmall intestine\tsee:K57.30\n")).unwrap();
        let err = check_citations(&b, &wrong.citations).unwrap_err();
        assert!(format!("{err:?}").contains("line 2"), "{err:?}");
        // A code the release lacks.
        let missing = read(&format!("{HEADER}colon\tlarge intestine\tsee:K57.99\n")).unwrap();
        assert!(check_citations(&b, &missing.citations).is_err());
    }

    #[test]
    fn an_anatomy_line_without_a_citation_is_refused() {
        assert!(read(&format!("{HEADER}colon\tlarge intestine\n")).is_err());
        assert!(read(&format!(
            "{HEADER}colon\tlarge intestine\tsee:K57.30\tsee:K57.31\n"
        ))
        .is_err());
        // The plain synonyms file needs none.
        let plain = "# medcode synonyms v1: everyday<TAB>wording\ncolon\tlarge intestine\n";
        assert!(read_synonyms("s.tsv", plain, &mut BTreeMap::new()).is_ok());
    }
}
