//! Turns what a person typed into query words, each with the index terms
//! that can satisfy it: the word's own term, its abbreviation expansions, the
//! completions of a half-typed last word, and close misspellings.

use super::fuzzy;
use super::text;
use super::Terms;
use crate::index::format::IndexData;

/// Most query words we score; longer queries keep their first words.
pub const MAX_SLOTS: usize = 32;
/// Completions of a half-typed last word we consider (most frequent first).
const MAX_COMPLETIONS: usize = 48;

/// One word to find in a document: any of `terms` satisfies it.
#[derive(Clone, Debug, Default)]
pub struct Slot {
    /// (term id, quality 0–1)
    pub terms: Vec<(u32, f32)>,
}

/// One thing the user typed ("fx", "w/o", "diabetes"), satisfied when every
/// slot of any one of its alternatives matched.
#[derive(Clone, Debug, Default)]
pub struct Group {
    pub text: String,
    /// Each alternative as a bit mask over `ParsedQuery::slots`.
    pub alternatives: Vec<u32>,
}

#[derive(Clone, Debug, Default)]
pub struct ParsedQuery {
    pub groups: Vec<Group>,
    pub slots: Vec<Slot>,
}

impl ParsedQuery {
    /// Bit mask over `groups` of those satisfied by a document that matched `slot_mask`.
    pub fn matched_words(&self, slot_mask: u32) -> u32 {
        let mut out = 0;
        for (gi, g) in self.groups.iter().enumerate() {
            if g.alternatives.iter().any(|&alt| alt != 0 && alt & slot_mask == alt) {
                out |= 1 << gi;
            }
        }
        out
    }
}

fn abbreviation<'a>(data: &'a IndexData, key: &str) -> Option<&'a [String]> {
    let list = &data.search.abbreviations;
    list.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok().map(|i| list[i].1.as_slice())
}

/// Parses `query` against the index's terms and abbreviations.
pub fn parse(data: &IndexData, query: &str) -> ParsedQuery {
    let terms = Terms::new(data);
    let typing_last = !query.ends_with(char::is_whitespace);
    let lower = query.to_lowercase();
    // (group text, alternatives as lists of words, may complete as a prefix)
    let mut wanted: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    let chunks: Vec<&str> = lower.split_whitespace().collect();
    for chunk in chunks.iter() {
        let chunk = chunk.trim_matches(|c: char| ",;:()[]{}\"".contains(c));
        if chunk.is_empty() {
            continue;
        }
        if chunk.contains(|c: char| !c.is_alphanumeric()) {
            if let Some(exp) = abbreviation(data, chunk) {
                let alts = exp.iter().map(|e| text::words(e)).collect();
                wanted.push((chunk.to_string(), alts));
                continue;
            }
        }
        let ws = text::words(chunk);
        let many = ws.len() > 1;
        for w in ws {
            if text::is_stopword(&w) && (many || chunks.len() > 1) {
                continue;
            }
            let mut alts = vec![vec![w.clone()]];
            if let Some(exp) = abbreviation(data, &w) {
                alts.extend(exp.iter().map(|e| text::words(e)));
            }
            wanted.push((w, alts));
        }
    }
    let last_group = wanted.len().saturating_sub(1);
    let mut parsed = ParsedQuery::default();
    for (gi, (word, alts)) in wanted.into_iter().enumerate() {
        let mut group = Group { text: word.clone(), alternatives: Vec::new() };
        for (ai, alt) in alts.iter().enumerate() {
            let mut mask = 0u32;
            let words: Vec<&String> = alt.iter().filter(|w| !text::is_stopword(w)).collect();
            for w in words {
                if parsed.slots.len() >= MAX_SLOTS {
                    break;
                }
                let prefix = typing_last && gi == last_group && ai == 0;
                let slot = slot_for(&terms, w, prefix);
                if slot.terms.is_empty() {
                    mask = 0;
                    break;
                }
                mask |= 1 << parsed.slots.len();
                parsed.slots.push(slot);
            }
            if mask != 0 {
                group.alternatives.push(mask);
            }
        }
        if parsed.groups.len() < 32 {
            parsed.groups.push(group);
        }
    }
    parsed
}

fn slot_for(terms: &Terms, word: &str, prefix: bool) -> Slot {
    let mut slot = Slot::default();
    let stem = text::term(word);
    let exact = terms.find(stem.as_bytes());
    if let Some(t) = exact {
        slot.terms.push((t as u32, 1.0));
    }
    if prefix {
        let mut completions: Vec<usize> = Vec::new();
        for p in [word, stem.as_str()] {
            for t in terms.prefix_range(p.as_bytes()) {
                if Some(t) != exact && !completions.contains(&t) {
                    completions.push(t);
                }
            }
        }
        completions.sort_by_key(|&t| std::cmp::Reverse(terms.posting_bytes(t)));
        completions.truncate(MAX_COMPLETIONS);
        completions.sort_unstable();
        slot.terms.extend(completions.into_iter().map(|t| (t as u32, 0.9)));
    }
    if slot.terms.is_empty() {
        let max = fuzzy::allowed_edits(word.chars().count());
        if max > 0 {
            let (wb, sb) = (word.as_bytes(), stem.as_bytes());
            for t in 0..terms.len() {
                let cand = terms.term(t);
                let d = fuzzy::osa_within(sb, cand, max)
                    .into_iter()
                    .chain(fuzzy::osa_within(wb, cand, max))
                    .min();
                if let Some(d) = d {
                    slot.terms.push((t as u32, if d == 1 { 0.75 } else { 0.6 }));
                }
            }
        }
    }
    slot
}
