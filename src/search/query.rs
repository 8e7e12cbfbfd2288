//! Turns what a person typed into query words, each with the index terms
//! that can satisfy it: the word's own term, its abbreviation expansions, the
//! completions of a half-typed last word, and close misspellings.

use super::fuzzy;
use super::text;
use super::Terms;
use crate::index::format::IndexData;

/// Most index-term slots a query may use (a word and its expansions).
pub const MAX_SLOTS: usize = 32;
/// Only the first this many words of a query matter: bounded work per query
/// whatever is pasted (issue 13), and a hit says when words were ignored.
/// Twenty covers the longest ICD-9 and CMS long descriptions people paste.
pub const MAX_WORDS: usize = 20;
/// Most characters of a query that are read: what the extension sends (it
/// cuts a field's text at 200), and with `MAX_WORDS` what bounds the work
/// of one query. Longer text is cut here, where every search parses it.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most defaults one query may call on.
const MAX_DEFAULTS: usize = 4;
/// Completions of a half-typed last word we consider (most frequent first).
const MAX_COMPLETIONS: usize = 48;

/// One word to find in a document: any of `terms` satisfies it.
#[derive(Clone, Debug, Default)]
pub struct Slot {
    /// (term id, quality 0–1)
    pub terms: Vec<(u32, f32)>,
    /// A generic word ("unspecified"): it does not lengthen a title, so
    /// matching it does not raise coverage either.
    pub generic: bool,
    /// Satisfied by every unit that lacks this term (the "with" of a
    /// query: any title but a "without" one), scoring nothing;
    /// `Slot::EVERY_UNIT`: by every unit.
    pub unless: Option<u32>,
    /// The likeliest correction of a misspelt word (`fuzzy_terms`), so the
    /// word reaches the defaults of the word meant ("pnuemonia").
    pub corrected: Option<u32>,
    /// A context bit (`IndexData::search.node_context`): satisfied by every
    /// unit of a code in that guideline context, scoring nothing, and never
    /// a way to reach units (`context_alternatives`).
    pub context: u8,
    /// With `context`: the groups of which a unit must match one for the
    /// context to count (the query's condition words, not "visit").
    pub context_needs: u32,
}

impl Slot {
    /// `unless` naming no term: every unit satisfies the slot.
    pub const EVERY_UNIT: u32 = u32::MAX;
}

/// One thing the user typed ("fx", "w/o", "diabetes"), satisfied when every
/// slot of any one of its alternatives matched.
#[derive(Clone, Debug, Default)]
pub struct Group {
    pub text: String,
    /// Each alternative as a bit mask over `ParsedQuery::slots`.
    pub alternatives: Vec<u32>,
    /// Per alternative, what it stands for when it is not the typed word
    /// itself ("shingles → zoster"), for the hit's explanation.
    pub labels: Vec<Option<String>>,
    /// The index terms of the typed word and of each expansion, for
    /// matching the terms of a default.
    pub stems: Vec<Vec<String>>,
    /// Bit i: `stems[i]` are the words as typed (not an expansion).
    pub typed_stems: u32,
    /// Bit i: alternative i is an expansion from the ICD-10-CM tables
    /// (abbreviations, everyday synonyms), not the word as typed.
    pub expanded: u32,
}

/// A default (`IndexData::search.defaults`) the query calls on.
#[derive(Clone, Debug)]
pub struct DefaultMatch {
    /// The synthetic slot that units under the code satisfy.
    pub slot: usize,
    pub code: String,
    pub prefix: bool,
    /// Groups the default's term covers.
    pub groups: u32,
}

#[derive(Clone, Debug, Default)]
pub struct ParsedQuery {
    pub groups: Vec<Group>,
    pub slots: Vec<Slot>,
    /// Context bits the query names (pregnancy, newborn, history…).
    pub context: u8,
    pub defaults: Vec<DefaultMatch>,
    /// Words after the first `MAX_WORDS` were ignored.
    pub truncated: bool,
    /// Groups that only join concepts ("with", "due"): never content.
    pub joining: u32,
    /// The last word is still being typed: no term is the word itself,
    /// only its completions (or corrections).
    pub last_partial: bool,
    /// Groups that are a single letter naming a type of the word before
    /// ("hepatitis a", "influenza b": `type_letter_after`).
    pub type_letters: u32,
    /// The query asks for an "other" code (ICD-10-CM's residual "other
    /// specified" codes, NEC) and names no "unspecified" or "NOS": the
    /// unspecified form is not what it wants, so it earns no bonus for
    /// being generic, and a default (the unspecified code the Index gives a
    /// bare word) does not answer it ("other constipation" is K59.09, not
    /// K59.00).
    pub asks_other: bool,
    /// Groups the query says are absent: after "without", "no" or "not",
    /// up to the next "with" or the end of the clause ("laceration without
    /// foreign body, with damage to nail": foreign, body). See
    /// `negated_groups`.
    pub negated: u32,
}

impl ParsedQuery {
    /// Bit mask over `groups` of those satisfied by a document that matched `slot_mask`.
    pub fn matched_words(&self, slot_mask: u32) -> u32 {
        let mut out = 0;
        for (gi, g) in self.groups.iter().enumerate() {
            if g.alternatives
                .iter()
                .any(|&alt| alt != 0 && alt & slot_mask == alt)
            {
                out |= 1 << gi;
            }
        }
        out
    }
}

impl ParsedQuery {
    /// Groups that can match at all, cheapest (fewest postings) first.
    pub fn groups_by_cost(&self, terms: &Terms) -> Vec<usize> {
        let mut order: Vec<(u64, usize)> = self
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.alternatives.is_empty())
            .map(|(gi, g)| {
                let mask = g.alternatives.iter().fold(0, |a, m| a | m);
                let cost = self
                    .slots
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, s)| {
                        // A joining word's "any title but a without one" is
                        // the widest set there is: open it last.
                        if s.unless.is_some() {
                            return u64::MAX >> 8;
                        }
                        s.terms
                            .iter()
                            .map(|&(t, _)| terms.df(t as usize) as u64)
                            .sum::<u64>()
                    })
                    .sum::<u64>();
                (cost, gi)
            })
            .collect();
        order.sort_unstable();
        order.into_iter().map(|(_, g)| g).collect()
    }

    /// Every slot any alternative of group `g` uses.
    pub fn group_slot_mask(&self, g: usize) -> u32 {
        self.groups
            .get(g)
            .map(|g| g.alternatives.iter().fold(0, |a, m| a | m))
            .unwrap_or(0)
    }
}

fn abbreviation<'a>(data: &'a IndexData, cache: &ParseCache, key: &str) -> Option<&'a [String]> {
    abbreviation_entry(data, cache, key).map(|(_, e)| e)
}

/// The key as the index holds it, and its expansions.
fn abbreviation_entry<'a>(
    data: &'a IndexData,
    cache: &ParseCache,
    key: &str,
) -> Option<(&'a str, &'a [String])> {
    let i = *cache.abbreviations.get(key)?;
    data.search
        .abbreviations
        .get(i as usize)
        .map(|a| (a.0.as_str(), a.1.as_slice()))
}

/// What parsing looks up in every query, kept between queries (built on
/// first use; one per engine, so one index): the terms' letters for typo
/// scans, the abbreviations by key, the defaults' term filters.
#[derive(Default)]
pub struct ParseCache {
    built: bool,
    /// Letters of each term, filled in as scans reach it; 0: not yet.
    masks: Vec<u32>,
    /// Abbreviation key → its index in `search.abbreviations`.
    abbreviations: std::collections::HashMap<String, u32, text::FastHash>,
    /// Chunks ("ckd", "copd exac") some longer key continues with a space.
    phrase_starts: std::collections::HashSet<String, text::FastHash>,
    /// Per default, `term_bit` of each of its key's terms, or'ed.
    default_bits: Vec<u128>,
    /// Every term of a default's key, sorted, once.
    default_terms: Vec<String>,
    /// Per anchor term, the defaults (ascending) whose key holds it: each
    /// default is filed under the one term of its key that fewest keys
    /// share, so a query reads the few lists its own terms name, not all
    /// 1,400 defaults (`match_defaults`).
    defaults_by_anchor: std::collections::HashMap<String, Vec<u32>, text::FastHash>,
    /// Defaults whose key has no term but joining words: tried for every query.
    defaults_unanchored: Vec<u32>,
    /// Per single-letter term: the units holding it, sorted.
    letter_units: std::collections::HashMap<u32, Vec<u32>, text::FastHash>,
    /// Per (letter term, word term): whether some unit holds both.
    letter_with: std::collections::HashMap<(u32, u32), bool, text::FastHash>,
}

/// Most pairs `ParseCache::letter_with` remembers (it starts over when full).
const MAX_LETTER_PAIRS: usize = 4096;

/// A letter in more units than this is no type letter (a word's initial).
const MAX_LETTER_DF: u32 = 4096;

/// True when the single letter `letter` after the word `prev` names a type
/// ("hepatitis a", "hep c", "vitamin d", "influenza b", "group a"): some
/// title or inclusion term holds `prev` (or, for an abbreviation, the last
/// word of an expansion) together with the letter. For "a" that rules out
/// the article ("from a", "had a"): the index holds "a" only for a capital
/// type letter (`text::terms`).
fn type_letter_after(
    data: &IndexData,
    cache: &mut ParseCache,
    terms: &Terms,
    prev: &str,
    letter: &str,
) -> bool {
    if prev.is_empty() || text::is_stopword(prev) || text::is_joining(prev) {
        return false;
    }
    let Some(l) = terms.find(letter.as_bytes()) else {
        return false;
    };
    if terms.df(l) > MAX_LETTER_DF {
        return false;
    }
    let mut words = vec![prev.to_string()];
    if let Some(exp) = abbreviation(data, cache, prev) {
        words.extend(exp.iter().filter_map(|e| text::words(e).pop()));
    }
    let l = l as u32;
    let units = cache.letter_units.entry(l).or_insert_with(|| {
        let mut v = Vec::new();
        terms.for_each_posting(l as usize, |u, _| v.push(u));
        v.sort_unstable();
        v
    });
    for w in words {
        let Some(t) = text::with_term(&w, |t| terms.find(t.as_bytes())) else {
            continue;
        };
        let t = t as u32;
        if t == l {
            continue;
        }
        if let Some(&known) = cache.letter_with.get(&(l, t)) {
            if known {
                return true;
            }
            continue;
        }
        let mut with = false;
        terms.for_each_posting(t as usize, |u, _| {
            with |= units.binary_search(&u).is_ok();
        });
        if cache.letter_with.len() >= MAX_LETTER_PAIRS {
            cache.letter_with.clear();
        }
        cache.letter_with.insert((l, t), with);
        if with {
            return true;
        }
    }
    false
}

impl ParseCache {
    fn build(&mut self, data: &IndexData) {
        if self.built {
            return;
        }
        let s = &data.search;
        self.masks = vec![0; s.term_ends.len()];
        for (i, (k, _)) in s.abbreviations.iter().enumerate() {
            self.abbreviations.insert(k.clone(), i as u32);
            for (at, b) in k.bytes().enumerate() {
                if b == b' ' {
                    self.phrase_starts.insert(k[..at].to_string());
                }
            }
        }
        self.default_bits = s
            .defaults
            .iter()
            .map(|d| {
                d.key
                    .iter()
                    .filter(|k| !text::is_joining(k))
                    .fold(0, |f, k| f | term_bit(k))
            })
            .collect();
        let mut all: Vec<String> = s.defaults.iter().flat_map(|d| d.key.clone()).collect();
        all.sort_unstable();
        let mut keys_with: std::collections::HashMap<&str, u32, text::FastHash> =
            Default::default();
        for d in &s.defaults {
            for k in d.key.iter().filter(|k| !text::is_joining(k)) {
                *keys_with.entry(k.as_str()).or_default() += 1;
            }
        }
        for (di, d) in s.defaults.iter().enumerate() {
            let anchor = d
                .key
                .iter()
                .filter(|k| !text::is_joining(k))
                .min_by_key(|k| (keys_with.get(k.as_str()).copied().unwrap_or(0), k.as_str()));
            match anchor {
                Some(k) => self
                    .defaults_by_anchor
                    .entry(k.clone())
                    .or_default()
                    .push(di as u32),
                None => self.defaults_unanchored.push(di as u32),
            }
        }
        all.dedup();
        self.default_terms = all;
        self.built = true;
    }
}

/// Most keys a half-typed last word may complete to: more, and the word
/// is too short to say which (its own completions rank the titles).
const MAX_KEY_COMPLETIONS: usize = 3;

/// Shortest half-typed word that completes to a synonym or abbreviation key.
const MIN_KEY_PREFIX: usize = 3;

/// The expansions of the keys that finish the half-typed last word of
/// `prefix` ("high choles" → "high cholesterol", "gallst" → "gallstone",
/// "gallstones"): keys that continue `prefix` within its last word, at
/// most `MAX_KEY_COMPLETIONS` of them, else none.
fn completed_keys<'a>(data: &'a IndexData, prefix: &str) -> Vec<(&'a str, &'a [String])> {
    let last = prefix.rsplit(' ').next().unwrap_or(prefix);
    if last.len() < MIN_KEY_PREFIX {
        return Vec::new();
    }
    let list = &data.search.abbreviations;
    let from = list.partition_point(|(k, _)| k.as_str() <= prefix);
    let found: Vec<(&str, &[String])> = list[from..]
        .iter()
        .take_while(|(k, _)| k.starts_with(prefix))
        .filter(|(k, _)| !k[prefix.len()..].contains(' '))
        .take(MAX_KEY_COMPLETIONS + 1)
        .map(|(k, e)| (k.as_str(), e.as_slice()))
        .collect();
    if found.len() > MAX_KEY_COMPLETIONS {
        return Vec::new();
    }
    found
}

/// Longest abbreviation (up to three chunks, e.g. "ckd 3a", "copd exac")
/// starting at `chunks[at]`: (chunks used, expansions). A phrase is
/// extended only while some key continues it with a space (most chunks
/// start none). With `complete_last`, a phrase whose last chunk is the
/// query's half-typed last word completes to the keys it starts
/// ("yeast infec" → "yeast infection"). Each found key with its expansions.
type KeysFound<'a> = Vec<(&'a str, &'a [String])>;
fn abbreviation_at<'a>(
    data: &'a IndexData,
    cache: &ParseCache,
    chunks: &[&str],
    at: usize,
    complete_last: bool,
) -> Option<(usize, KeysFound<'a>)> {
    let mut found = abbreviation_entry(data, cache, chunks[at]).map(|e| (1, vec![e]));
    // The key is built only for a chunk some longer key starts with.
    if chunks.len() - at < 2 || !cache.phrase_starts.contains(chunks[at]) {
        return found;
    }
    let mut key = String::from(chunks[at]);
    for n in 2..=3.min(chunks.len() - at) {
        if !cache.phrase_starts.contains(key.as_str()) {
            break;
        }
        key.push(' ');
        key.push_str(chunks[at + n - 1]);
        if let Some(e) = abbreviation_entry(data, cache, &key) {
            found = Some((n, vec![e]));
        } else if complete_last && at + n == chunks.len() {
            let completed = completed_keys(data, &key);
            if !completed.is_empty() {
                found = Some((n, completed));
            }
        }
    }
    found
}

/// The expansions of an abbreviation written in the plural ("pvcs", "pvc's",
/// "utis", "pacs": `text::words` drops the apostrophe) when the word is no
/// key and its own term is absent or rare ("pac" is a fragment). Keys of 3+
/// letters only, so "abs" is not read as "ab". A bracketed word is a
/// title's own acronym, no plural: "… lymph node syndrome [MCLS]" is not
/// mantle cell lymphoma.
fn plural_abbreviation<'a>(
    data: &'a IndexData,
    cache: &ParseCache,
    terms: &Terms,
    word: &str,
    query: &str,
) -> Option<&'a [String]> {
    let key = word.strip_suffix('s')?;
    if key.len() < 3 || key.ends_with('s') || !rare_or_absent(terms, word) {
        return None;
    }
    let found = abbreviation(data, cache, key)?;
    let bracketed = ["[", "("].iter().any(|open| {
        query
            .match_indices(open)
            .any(|(i, _)| query[i + 1..].starts_with(word))
    });
    (!bracketed).then_some(found)
}

/// Parses `query` against the index's terms and abbreviations.
pub fn parse(data: &IndexData, query: &str) -> ParsedQuery {
    parse_with(data, query, &mut ParseCache::default())
}

/// Letters of term `t` (`fuzzy::letter_mask`), cached in `masks`
/// (`ParseCache::masks`).
#[inline]
fn term_mask(terms: &Terms, masks: &mut [u32], t: usize) -> u32 {
    match masks.get_mut(t) {
        Some(m) if *m != 0 => *m,
        Some(m) => {
            *m = fuzzy::letter_mask(terms.term(t));
            *m
        }
        None => fuzzy::letter_mask(terms.term(t)),
    }
}

/// [`parse`], with what it looks up kept in `cache` between queries.
pub fn parse_with(data: &IndexData, query: &str, cache: &mut ParseCache) -> ParsedQuery {
    cache.build(data);
    let (query, cut) = match query.char_indices().nth(MAX_QUERY_CHARS) {
        Some((end, _)) => (&query[..end], true),
        None => (query, false),
    };
    let terms = Terms::new(data);
    let lower = query.to_lowercase();
    let chunks: Vec<&str> = lower
        .split_whitespace()
        .map(|c| c.trim_matches(|c: char| ",;:()[]{}\"".contains(c)))
        .filter(|c| !c.is_empty())
        .collect();
    // A last word that ends a context phrase ("follow up", "late effect") is
    // finished: "dog bite follow up" must not complete "up" to "upper" arm.
    let typing_last = !query.ends_with(char::is_whitespace) && !ends_context_phrase(data, &chunks);
    // (group text, alternatives as word lists, whether alternative 0 is the typed word)
    let mut wanted: Vec<(String, Vec<Vec<String>>, bool)> = Vec::new();
    let mut at = 0;
    let mut truncated = cut;
    // The word before, for a roman numeral after "type"/"stage" ("type i").
    let mut prev = String::new();
    while at < chunks.len() {
        if wanted.len() >= MAX_WORDS {
            truncated = true;
            break;
        }
        // A multi-chunk or punctuated abbreviation is taken whole ("w/o", "ckd 3").
        if let Some((n, found)) = abbreviation_at(data, cache, &chunks, at, typing_last) {
            if n > 1 || chunks[at].contains(|c: char| !c.is_alphanumeric()) {
                let mut alts: Vec<Vec<String>> = Vec::new();
                for e in found.iter().flat_map(|(_, e)| e.iter()) {
                    let words = text::words_with_type_letters(e);
                    if !alts.contains(&words) {
                        alts.push(words);
                    }
                }
                // A phrase of plain words ("ear drum", "swimmers ear") still
                // matches as typed too, or as the keys a half-typed last
                // word finishes ("knee replac" as "knee replacement"); "w/o"
                // or "ckd 3" only as expanded.
                let plain = chunks[at..at + n]
                    .iter()
                    .all(|c| c.chars().all(char::is_alphanumeric));
                if plain {
                    for (i, (key, _)) in found.iter().enumerate() {
                        alts.insert(i, text::words(key));
                    }
                }
                wanted.push((chunks[at..at + n].join(" "), alts, plain));
                prev.clear();
                prev.push_str(chunks[at + n - 1]);
                at += n;
                continue;
            }
        }
        let ws = text::words(chunks[at]);
        let many = ws.len() > 1 || chunks.len() > 1;
        for w in ws {
            // "type i", "stage iv": the digit, as the titles are indexed
            // (not a prefix, not a typo to correct).
            if let Some(d) = text::numeral_after(&prev, &w) {
                prev.clear();
                prev.push_str(&w);
                wanted.push((w, vec![vec![d.to_string()]], false));
                continue;
            }
            // "hepatitis a", "vitamin a": the type letter, not the article.
            if w == "a" && many && type_letter_after(data, cache, &terms, &prev, "a") {
                prev.clear();
                prev.push_str(&w);
                wanted.push((w, vec![vec![text::TYPE_LETTER_A.to_string()]], true));
                continue;
            }
            if text::is_stopword(&w) && many {
                continue;
            }
            let mut alts = vec![vec![w.clone()]];
            if let Some(exp) = abbreviation(data, cache, &w)
                .or_else(|| plural_abbreviation(data, cache, &terms, &w, &lower))
            {
                alts.extend(exp.iter().map(|e| text::words_with_type_letters(e)));
            } else if typing_last && at + 1 == chunks.len() && w.len() == chunks[at].len() {
                // A half-typed word finishes to the keys it starts ("gallst"
                // → gallstone, "shingl" → shingles) when it is no term of
                // its own, or stems as the key does ("gallston"); "shin"
                // stays itself.
                let stem = text::term(&w);
                let own_term = terms.find(stem.as_bytes()).is_some();
                for (key, exp) in completed_keys(data, &w)
                    .into_iter()
                    .filter(|(k, _)| !own_term || text::term(k) == stem)
                {
                    let key = std::iter::once(vec![key.to_string()]);
                    for words in key.chain(exp.iter().map(|e| text::words_with_type_letters(e))) {
                        if !alts.contains(&words) {
                            alts.push(words);
                        }
                    }
                }
            }
            prev.clear();
            prev.push_str(&w);
            wanted.push((w, alts, true));
        }
        at += 1;
    }
    // A word typed twice adds nothing but work (the first kept, in order).
    let mut kept = 0;
    for i in 0..wanted.len() {
        if !wanted[..kept].iter().any(|k| k.0 == wanted[i].0) {
            wanted.swap(kept, i);
            kept += 1;
        }
    }
    wanted.truncate(kept);
    truncated |= wanted.len() > MAX_WORDS;
    wanted.truncate(MAX_WORDS);
    let last_group = wanted.len().saturating_sub(1);
    let mut parsed = ParsedQuery {
        truncated,
        context: context_named(data, &chunks, typing_last),
        ..Default::default()
    };
    for (gi, (word, alts, typed)) in wanted.into_iter().enumerate() {
        let mut group = Group::default();
        for (ai, alt) in alts.iter().enumerate() {
            // `alt` is words as `text::words` splits them: ASCII ones are
            // their own split, so they skip the join and the second split.
            let stems = if alt.iter().all(|w| w.is_ascii()) {
                text::terms_of_words(alt)
            } else {
                text::terms(&alt.join(" "))
            };
            if !stems.is_empty() && !group.stems.contains(&stems) {
                if typed && ai == 0 && group.stems.len() < 32 {
                    group.typed_stems |= 1 << group.stems.len();
                }
                group.stems.push(stems);
            }
        }
        let has_expansion = alts.len() > 1;
        for (ai, alt) in alts.iter().enumerate() {
            let mut mask = 0u32;
            for w in alt.iter().filter(|w| !text::is_stopword(w)) {
                if parsed.slots.len() >= MAX_SLOTS {
                    mask = 0;
                    break;
                }
                // A joining word is never completed or corrected ("with"
                // must not become "without" or "withdrawal").
                let as_typed = typed && ai == 0 && !text::is_joining(w);
                // A half-typed last word completes; a known abbreviation's
                // completions count for less than its expansion.
                let last = as_typed && typing_last && gi == last_group;
                let prefix = match (as_typed, last, has_expansion) {
                    (false, _, _) => None,
                    (true, true, false) => Some((0.9, MAX_COMPLETIONS)),
                    (true, true, true) => Some((0.45, MAX_COMPLETIONS)),
                    // CMS short titles cut words short ("low" end, "pasngr"):
                    // an earlier word may be a prefix too, at lower weight.
                    (true, false, false) if w.len() >= 3 && rare_or_absent(&terms, w) => {
                        Some((0.7, 6))
                    }
                    (true, false, _) => None,
                };
                let slot = slot_for(
                    &terms,
                    w,
                    prefix,
                    as_typed && !has_expansion,
                    &mut cache.masks,
                );
                if last {
                    parsed.last_partial = !slot.terms.iter().any(|&(_, q)| q >= 1.0);
                }
                if slot.terms.is_empty() {
                    mask = 0;
                    break;
                }
                // A misspelt word reaches the defaults of the word meant.
                if let (Some(t), [_]) = (slot.corrected, alt.as_slice()) {
                    let meant = vec![String::from_utf8_lossy(terms.term(t as usize)).into_owned()];
                    if !group.stems.contains(&meant) {
                        group.stems.push(meant);
                    }
                }
                mask |= 1 << parsed.slots.len();
                parsed.slots.push(slot);
            }
            if mask != 0 {
                if !(typed && ai == 0) && group.alternatives.len() < 32 {
                    group.expanded |= 1 << group.alternatives.len();
                }
                group.alternatives.push(mask);
                group.labels.push(if typed && ai == 0 {
                    None
                } else {
                    let mut label = format!("{word} →");
                    for w in alt {
                        label.push(' ');
                        label.push_str(w);
                    }
                    Some(label)
                });
            }
        }
        // Two words run together ("taysachs", "hashimotos thyroiditis"
        // typed as one): when the word is no term, its splits into two
        // terms, each an alternative (the search keeps the one whose halves
        // a code has together).
        let unknown =
            alts.len() == 1 && text::with_term(&word, |t| terms.find(t.as_bytes()).is_none());
        if (group.alternatives.is_empty() || unknown) && typed {
            for (left, right) in split_in_two(&terms, &word) {
                if parsed.slots.len() + 2 > MAX_SLOTS {
                    break;
                }
                let first = parsed.slots.len();
                for t in [left, right] {
                    parsed.slots.push(Slot {
                        terms: vec![(t as u32, 0.9)],
                        generic: text::is_generic(&String::from_utf8_lossy(terms.term(t))),
                        unless: None,
                        corrected: None,
                        context: 0,
                        context_needs: 0,
                    });
                }
                group.alternatives.push(0b11 << first);
                group.labels.push(Some(format!(
                    "{word} → {} {}",
                    String::from_utf8_lossy(terms.term(left)),
                    String::from_utf8_lossy(terms.term(right))
                )));
            }
        }
        if parsed.groups.len() < 32 {
            group.text = word;
            joining_word(&terms, &mut parsed, &mut group);
            parsed.groups.push(group);
        }
    }
    if typing_last {
        drop_completions_said_before(&mut parsed);
    }
    for gi in 1..parsed.groups.len().min(32) {
        let (before, letter) = (&parsed.groups[gi - 1].text, &parsed.groups[gi].text);
        if letter.len() == 1
            && letter.bytes().all(|b| b.is_ascii_lowercase())
            && type_letter_after(data, cache, &terms, before, letter)
        {
            parsed.type_letters |= 1 << gi;
        }
    }
    if typing_last {
        complete_to_defaults(data, cache, &terms, &mut parsed);
    }
    parsed.asks_other = asks_other(&parsed);
    parsed.negated = negated_groups(&lower, &parsed);
    match_defaults(data, cache, &mut parsed);
    context_alternatives(data, &mut parsed);
    parsed
}

/// Whether each word of `text` is said to be absent: clause by clause
/// (commas, semicolons, brackets end one), "without", "no" and "not" (and
/// "w/o") open an absent stretch; "with" (and "w/") closes it, and so does
/// a preposition (`ENDS_ABSENT`) unless it follows "mention", "specified"
/// or "stated". Titles and queries are read by this one rule
/// (`search::polarity_conflict`): "Migraine without aura, not intractable,
/// with status migrainosus" says aura and intractable are absent;
/// "Laceration without foreign body of left hand" only foreign body;
/// "without mention of obstruction" and "not specified as recurrent" say
/// obstruction and recurrent are absent; "not carried out because of
/// patient refusal" does not say refusal is.
pub fn for_each_polar_word<'t>(text: &'t str, mut f: impl FnMut(&'t str, bool)) {
    for clause in text.split([',', '(', ')', '[', ']', ';']) {
        let (mut absent, mut prev) = (false, "");
        let mut word = |w: &'t str| {
            if w.is_empty() {
                return;
            }
            if ["without", "no", "not"]
                .iter()
                .any(|n| w.eq_ignore_ascii_case(n))
            {
                absent = true;
            } else if w.eq_ignore_ascii_case("with") {
                absent = false;
            } else if absent
                && ENDS_ABSENT.iter().any(|p| w.eq_ignore_ascii_case(p))
                && !KEEPS_ABSENT.iter().any(|k| prev.eq_ignore_ascii_case(k))
            {
                absent = false;
                f(w, false);
            } else {
                f(w, absent);
            }
            prev = w;
        };
        // "w/o" is without and "w/" with; any other slash separates words.
        // Read in place: this runs on each result a negating query keeps.
        for token in clause.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '/')) {
            if token.eq_ignore_ascii_case("w/o") {
                word("without");
                continue;
            }
            let mut parts = token.split('/');
            if token.len() > 2 && token.as_bytes()[..2].eq_ignore_ascii_case(b"w/") {
                word("with");
                parts.next();
            }
            for part in parts {
                word(part);
            }
        }
    }
}

/// Prepositions that end what "without"/"not" say is absent: the words
/// after them place or explain it ("without foreign body *of* left hand",
/// "not carried out *because* of patient refusal").
const ENDS_ABSENT: &[&str] = &[
    "of",
    "at",
    "in",
    "on",
    "to",
    "due",
    "because",
    "following",
    "for",
    "from",
    "during",
    "after",
    "by",
];

/// Words after which a preposition keeps the stretch absent ("without
/// mention of obstruction", "not specified as", "not stated as").
const KEEPS_ABSENT: &[&str] = &["mention", "specified", "stated"];

/// See `ParsedQuery::negated`: content groups whose every word the query
/// typed only in an absent stretch (`for_each_polar_word`).
fn negated_groups(lower: &str, parsed: &ParsedQuery) -> u32 {
    let (mut absent, mut present): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for_each_polar_word(lower, |w, neg| {
        let w = w.replace('\'', "");
        if neg {
            absent.push(w);
        } else {
            present.push(w);
        }
    });
    if absent.is_empty() {
        return 0;
    }
    let mut out = 0u32;
    for (gi, g) in parsed.groups.iter().enumerate().take(32) {
        if parsed.joining & (1 << gi) != 0 {
            continue;
        }
        let words = text::words(&g.text);
        if !words.is_empty()
            && words
                .iter()
                .all(|w| absent.contains(w) && !present.contains(w))
        {
            out |= 1 << gi;
        }
    }
    out
}

/// See `ParsedQuery::asks_other`: "other" (or "oth") is one of the words
/// typed, or an expansion's, and no "unspecified", "unsp" or "NOS" is.
fn asks_other(parsed: &ParsedQuery) -> bool {
    let names = |terms: &[&str]| {
        parsed.groups.iter().any(|g| {
            g.stems
                .iter()
                .any(|s| s.iter().any(|t| terms.contains(&t.as_str())))
        })
    };
    names(&["other"]) && !names(&["unspecifi", "unspecified", "nos"])
}

/// Per group (at most 32): the implied contexts it names, alone or as a
/// two-word phrase with its neighbour, and those beside which it names no
/// condition ("visit"). `None` when the query names no implied context.
struct ContextGroups {
    implied: u8,
    named: [u8; 32],
    not_content: [u8; 32],
}

fn context_groups(data: &IndexData, parsed: &ParsedQuery) -> Option<ContextGroups> {
    let list = &data.search.context_words;
    let find = |k: &str| {
        list.binary_search_by(|(w, _)| w.as_str().cmp(k))
            .map(|i| list[i].1)
            .unwrap_or(0)
    };
    let implied = parsed.context & find(IMPLIED_CONTEXTS_KEY);
    if implied == 0 {
        return None;
    }
    let n = parsed.groups.len().min(32);
    let mut out = ContextGroups {
        implied,
        named: [0; 32],
        not_content: [0; 32],
    };
    let mut key = String::new();
    for gi in 0..n {
        let t = parsed.groups[gi].text.as_str();
        out.named[gi] |= find(t);
        if gi + 1 == parsed.groups.len() && parsed.last_partial {
            out.named[gi] |= context_completed(list, t);
        }
        key.clear();
        key.push(NOT_CONTENT_PREFIX);
        key.push_str(t);
        out.not_content[gi] = find(&key) & implied;
        if let Some(next) = parsed.groups.get(gi + 1).filter(|_| gi + 1 < n) {
            key.clear();
            key.push_str(t);
            key.push('_');
            key.push_str(&next.text);
            let b = find(&key);
            out.named[gi] |= b;
            out.named[gi + 1] |= b;
        }
    }
    out.named.iter_mut().for_each(|b| *b &= implied);
    Some(out)
}

/// Word-list key of the contexts whose codes answer their query words by
/// themselves (`implied` in the context file): a 7th character "D" says
/// "follow up" without the words. Written by `everyday::read_contexts`.
pub const IMPLIED_CONTEXTS_KEY: &str = "#implied";

/// Word-list key prefix of a word that names no condition beside an implied
/// context's words ("#visit": "follow up visit" is Z09, not a D code).
pub const NOT_CONTENT_PREFIX: char = '#';

/// A word that names a guideline context ("follow up", "recheck", "late
/// effect", "mom") is also satisfied by every code in that context: in
/// "whiplash follow up" S13.4XXD says "follow up" with its 7th character,
/// not in words, and must not lose to Z09 for lacking them. The context's
/// slot reaches no unit on its own (`search_words` never opens it), so a
/// code still needs the query's other words: a query of context words and
/// words that name no condition ("follow up visit") gets no such slot.
/// Only contexts the context file marks `implied` (7th-character phases).
fn context_alternatives(data: &IndexData, parsed: &mut ParsedQuery) {
    let Some(ContextGroups {
        implied,
        named,
        not_content,
    }) = context_groups(data, parsed)
    else {
        return;
    };
    let n = parsed.groups.len().min(32);
    for bit in (0..8).map(|i| 1u8 << i).filter(|&b| implied & b != 0) {
        let content = (0..n)
            .filter(|&g| {
                named[g] & bit == 0 && not_content[g] & bit == 0 && parsed.joining & (1 << g) == 0
            })
            .fold(0u32, |m, g| m | (1 << g));
        if content == 0 || !named[..n].iter().any(|&x| x & bit != 0) {
            continue;
        }
        if parsed.slots.len() >= MAX_SLOTS {
            break;
        }
        let slot = parsed.slots.len();
        parsed.slots.push(Slot {
            context: bit,
            context_needs: content,
            ..Default::default()
        });
        for (g, group) in parsed.groups.iter_mut().enumerate().take(n) {
            if named[g] & bit != 0 {
                group.alternatives.push(1 << slot);
                group.labels.push(None);
            }
        }
    }
}

/// Shortest half-typed last word that may reach a default's term.
const MIN_DEFAULT_PREFIX: usize = 4;

/// A half-typed last word ("hyperten") reaches the defaults whose term
/// continues it: each such key term becomes a choice of the last group for
/// `match_defaults` (the word's completions still rank the titles).
fn complete_to_defaults(
    data: &IndexData,
    cache: &ParseCache,
    terms: &Terms,
    parsed: &mut ParsedQuery,
) {
    let Some(last) = parsed.groups.last_mut() else {
        return;
    };
    // The word as typed: the group's first choice, unless it is a key of
    // its own ("cad"). Choices it gained do not stop it: a typo's correction
    // ("s/p appendect" missed Z90.49), or the phrase keys it starts
    // ("osteoporo" → "osteoporotic fracture" kept M81.0 out, for M80.80XA).
    // A short title's abbreviation that only completes the word ("migr":
    // migrainosus) does not make it one: "migr" still reaches migraine.
    let own_key = abbreviation(data, cache, &last.text)
        .is_some_and(|exp| exp.iter().any(|e| !e.starts_with(last.text.as_str())));
    if own_key {
        return;
    }
    let Some(typed) = last.stems.first() else {
        return;
    };
    let [typed] = typed.as_slice() else {
        return;
    };
    if text::is_joining(typed) {
        return;
    }
    // A word that is a term of its own completes only to commoner terms:
    // "pneumon" (pneumonitis) to pneumonia, not "heart" to heartburn.
    let own_df = terms.find(typed.as_bytes()).map(|t| terms.df(t));
    let (typed, word) = (typed.clone(), last.text.clone());
    let default_terms = &cache.default_terms;
    let mut keys: Vec<&String> = Vec::new();
    // Keys the stem starts, and those the word as typed starts when the
    // stemmer cut typed letters ("seps" stems to "sep", "obes" to "obe").
    let prefixes = [typed.as_str(), word.as_str()];
    for p in prefixes.iter().take(if word == typed { 1 } else { 2 }) {
        if p.len() < MIN_DEFAULT_PREFIX {
            continue;
        }
        let from = default_terms.partition_point(|k| k.as_str() < *p);
        keys.extend(
            default_terms[from..]
                .iter()
                .take_while(|k| k.starts_with(p)),
        );
    }
    // A word typed past its key's stem ("degenerat", "remissi", "screeni":
    // the stems are degener, remiss, screen). When it is a term itself
    // ("infecti", infectious), the commoner key only (infect, below).
    {
        let cuts = word
            .len()
            .saturating_sub(MAX_PAST_STEM)
            .max(MIN_DEFAULT_PREFIX)..word.len();
        if let Some(k) = cuts
            .rev()
            .filter(|&c| word.is_char_boundary(c))
            .find_map(|c| {
                default_terms
                    .binary_search_by(|k| k.as_str().cmp(&word[..c]))
                    .ok()
                    .map(|i| &default_terms[i])
            })
        {
            keys.push(k);
        }
    }
    for k in keys {
        if let Some(own) =
            own_df.filter(|_| !text::is_inflammation_of(k.as_bytes(), typed.as_bytes()))
        {
            let df = terms.find(k.as_bytes()).map_or(0, |t| terms.df(t));
            if df <= own {
                continue;
            }
        }
        let choice = vec![k.clone()];
        if !last.stems.contains(&choice) {
            last.stems.push(choice);
        }
    }
}

/// The index terms of the sides an abbreviation may name ("lle", "bue").
const SIDE_TERMS: [&str; 3] = ["left", "right", "bilater"];

/// Most letters a half-typed word may run past its key's stem.
const MAX_PAST_STEM: usize = 3;

/// Marks a group that only joins concepts (every alternative is "with" or
/// "due"). A "with" joins two concepts, so a title naming only one of them
/// is no worse for lacking the word; a title saying "without" is: the
/// group gains an alternative any unit without "without" in its own text
/// satisfies. "due" (to) separates no siblings: every unit satisfies it
/// (a title saying "due to" still scores for it).
fn joining_word(terms: &Terms, parsed: &mut ParsedQuery, group: &mut Group) {
    let gi = parsed.groups.len();
    if group.stems.is_empty()
        || !group
            .stems
            .iter()
            .all(|s| s.len() == 1 && text::is_joining(&s[0]))
    {
        return;
    }
    parsed.joining |= 1 << gi;
    let with = group.stems.iter().any(|s| s[0] == "with");
    let unless = match (with, terms.find(b"without")) {
        (true, Some(without)) => without as u32,
        (true, None) => return,
        (false, _) => Slot::EVERY_UNIT,
    };
    if parsed.slots.len() < MAX_SLOTS {
        group.alternatives.push(1 << parsed.slots.len());
        group.labels.push(None);
        parsed.slots.push(Slot {
            unless: Some(unless),
            ..Default::default()
        });
    }
}

/// The last two chunks are a two-word phrase of the context words.
fn ends_context_phrase(data: &IndexData, chunks: &[&str]) -> bool {
    let [.., a, b] = chunks else {
        return false;
    };
    let key = format!("{a}_{b}");
    let list = &data.search.context_words;
    list.binary_search_by(|(w, _)| w.as_str().cmp(key.as_str()))
        .is_ok()
}

/// Shortest half-typed last word that names the context words it starts.
const MIN_CONTEXT_PREFIX: usize = 5;

/// Context bits of the shortest context word a half-typed `word` starts
/// ("subseq" → subsequent, "sequel" → sequela; "follo" → follow, not
/// following, a sequela word): letters only, at least
/// `MIN_CONTEXT_PREFIX`, single words (not phrases or `#` keys).
fn context_completed(list: &[(String, u8)], word: &str) -> u8 {
    if word.len() < MIN_CONTEXT_PREFIX || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return 0;
    }
    let from = list.partition_point(|(w, _)| w.as_str() < word);
    let completed = list[from..]
        .iter()
        .take_while(|(w, _)| w.starts_with(word))
        .filter(|(w, _)| !w.contains('_'));
    let Some(shortest) = completed.clone().map(|(w, _)| w.len()).min() else {
        return 0;
    };
    completed
        .filter(|(w, _)| w.len() == shortest)
        .fold(0, |bits, (_, b)| bits | b)
}

/// Context bits named by the query's words or two-word phrases ("history
/// of"); with `typing_last`, also those the half-typed last word starts.
fn context_named(data: &IndexData, chunks: &[&str], typing_last: bool) -> u8 {
    let list = &data.search.context_words;
    let find = |k: &str| {
        list.binary_search_by(|(w, _)| w.as_str().cmp(k))
            .map(|i| list[i].1)
            .unwrap_or(0)
    };
    let mut bits = 0;
    if let (true, Some(last)) = (typing_last, chunks.last()) {
        bits |= context_completed(list, last);
    }
    let mut pair = String::new();
    for (i, c) in chunks.iter().take(MAX_WORDS * 2).enumerate() {
        bits |= find(c);
        // A chunk of letters and digits is its own only word.
        if !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
            for w in text::words(c) {
                bits |= find(&w);
            }
        }
        if let Some(next) = chunks.get(i + 1) {
            pair.clear();
            pair.push_str(c);
            pair.push('_');
            pair.push_str(next);
            bits |= find(&pair);
        }
    }
    bits
}

/// Finds the defaults whose terms the query's words (or their expansions)
/// cover, in any order, keeps the widest (a default covering a subset of
/// another's words gives way), and lets units under each code satisfy the
/// words it covers through one synthetic slot.
fn match_defaults(data: &IndexData, cache: &ParseCache, parsed: &mut ParsedQuery) {
    // (groups covered, default, whether some group took it through an expansion)
    let mut found: Vec<(u32, usize, bool)> = Vec::new();
    // Every term of a default's key must be among the query's: most
    // defaults are out at once, without trying the groups' choices.
    let mut stems: Vec<&str> = parsed
        .groups
        .iter()
        .flat_map(|g| g.stems.iter().flatten().map(String::as_str))
        .collect();
    stems.sort_unstable();
    stems.dedup();
    // A 128-bit filter of the query's terms rules out most candidates
    // without comparing strings.
    let filter = stems.iter().fold(0u128, |f, s| f | term_bit(s));
    let phase_groups = context_groups(data, parsed).map_or(0u32, |c| {
        (0..parsed.groups.len().min(32))
            .filter(|&g| c.named[g] != 0)
            .fold(0, |m, g| m | (1 << g))
    });
    // Only the defaults filed under one of the query's terms can have every
    // term of their key among them (`ParseCache::defaults_by_anchor`),
    // tried in the order of the list, as a pass over all of it would.
    let mut candidates: Vec<u32> = cache.defaults_unanchored.clone();
    for s in &stems {
        if let Some(list) = cache.defaults_by_anchor.get(*s) {
            candidates.extend_from_slice(list);
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    for di in candidates.into_iter().map(|di| di as usize) {
        let Some(d) = data.search.defaults.get(di) else {
            continue;
        };
        if parsed.asks_other && !d.key.iter().any(|k| k == "other") {
            continue;
        }
        let bits = cache.default_bits.get(di).copied().unwrap_or(0);
        // A joining word of a key ("nausea with vomiting") is no concept:
        // "nausea and vomiting" reaches it too.
        if filter & bits != bits
            || !d
                .key
                .iter()
                .filter(|k| !text::is_joining(k))
                .all(|k| stems.binary_search(&k.as_str()).is_ok())
        {
            continue;
        }
        let key: Vec<&str> = d
            .key
            .iter()
            .map(String::as_str)
            .filter(|k| !text::is_joining(k))
            .collect();
        let mut rest = key.clone();
        let mut used = 0u32;
        let mut via_expansion = false;
        for (gi, g) in parsed.groups.iter().enumerate() {
            if rest.is_empty() {
                break;
            }
            let mut choices: Vec<(usize, &Vec<String>)> = g.stems.iter().enumerate().collect();
            choices.sort_by_key(|(_, c)| std::cmp::Reverse(c.len()));
            for (ci, c) in choices {
                let mut left = rest.clone();
                let mut c = c.iter().filter(|t| !text::is_joining(t)).peekable();
                if c.peek().is_none() {
                    continue;
                }
                // A term an earlier word took may serve again ("heart" in
                // "htn heart … chf": chf's "congestive heart failure").
                let all = c.all(|t| match left.iter().position(|x| x == t) {
                    Some(p) => {
                        left.swap_remove(p);
                        true
                    }
                    // A side in an abbreviation's expansion qualifies
                    // the words ("lle" edema: left lower limb → R60.0).
                    None => key.contains(&t.as_str()) || SIDE_TERMS.contains(&t.as_str()),
                });
                if all && left.len() < rest.len() {
                    rest = left;
                    used |= 1 << gi;
                    via_expansion |= ci >= 32 || g.typed_stems & (1 << ci) == 0;
                    break;
                }
            }
        }
        // A default speaks for the query only if its term is at least half
        // of what was typed (not two words of a pasted long title).
        // A type letter qualifies its word: no word of its own here.
        // Nor does a phase word for a deliberate prefix, whose subtree the
        // encounter words pick within ("follow up" in "dog bite follow up":
        // W54.0XXD); a code's default still weighs them ("follow up visit
        // for pneumonia" is no J18.9 default).
        let phase = if d.prefix {
            phase_groups & !used & !parsed.joining & !parsed.type_letters
        } else {
            0
        };
        let content = parsed.groups.len() as u32
            - parsed.joining.count_ones()
            - (parsed.type_letters & !used).count_ones()
            - phase.count_ones();
        // A default for a word but not the type letter after it is the
        // word's unspecified code, not the type asked for: "hepatitis"
        // (K75.9) gives way for "hepatitis a".
        let untyped = (used << 1) & parsed.type_letters & !used;
        if rest.is_empty() && used != 0 && used.count_ones() * 2 >= content && untyped == 0 {
            found.push((used, di, via_expansion));
        }
    }
    // A default for the words as typed outranks one an expansion of the same
    // words reaches: "stomach flu" is A08.4 (Index: Flu, intestinal), not
    // K52.9, the default of "gastroenteritis" it also reads as.
    let mut widest: Vec<(u32, usize)> = found
        .iter()
        .filter(|&&(m, _, x)| {
            !found
                .iter()
                .any(|&(o, _, ox)| (o != m && o & m == m) || (o == m && x && !ox))
        })
        .map(|&(m, di, _)| (m, di))
        .collect();
    // Terms that reach the same code through the same words are one
    // default ("flu shot", "influenza vaccine" → Z23 for "flu shot" whose
    // "shot" reads as vaccination): else the code earns its words once per
    // term and the copies crowd the other defaults out of `MAX_DEFAULTS`.
    let defaults = &data.search.defaults;
    let mut kept = 0;
    for i in 0..widest.len() {
        let (m, di) = widest[i];
        if !widest[..kept]
            .iter()
            .any(|&(o, dj)| o == m && defaults[dj].code == defaults[di].code)
        {
            widest[kept] = widest[i];
            kept += 1;
        }
    }
    widest.truncate(kept);
    for (groups, di) in widest.into_iter().take(MAX_DEFAULTS) {
        if parsed.slots.len() >= MAX_SLOTS {
            break;
        }
        let slot = parsed.slots.len();
        parsed.slots.push(Slot::default());
        for (gi, g) in parsed.groups.iter_mut().enumerate() {
            if groups & (1 << gi) != 0 {
                g.alternatives.push(1 << slot);
                g.labels.push(None);
            }
        }
        let d = &data.search.defaults[di];
        parsed.defaults.push(DefaultMatch {
            slot,
            code: d.code.clone(),
            prefix: d.prefix,
            groups,
        });
    }
}

/// A half-typed last word does not complete to a word another word of the
/// query already says: in "bka status l" the "l" is not "leg" again (bka is
/// "leg below knee"), else the code naming no side outranks the left one.
/// Only the last word's completions and corrections (quality below 1) go;
/// its exact term, its expansions and a slot left empty stay.
fn drop_completions_said_before(parsed: &mut ParsedQuery) {
    let Some(last) = parsed.groups.len().checked_sub(1) else {
        return;
    };
    if last == 0 || last >= 32 {
        return;
    }
    let own = parsed.group_slot_mask(last);
    let mut said: Vec<u32> = Vec::new();
    for (si, slot) in parsed.slots.iter().enumerate().take(32) {
        if own & (1 << si) == 0 {
            said.extend(
                slot.terms
                    .iter()
                    .filter(|&&(_, q)| q >= 1.0)
                    .map(|&(t, _)| t),
            );
        }
    }
    if said.is_empty() {
        return;
    }
    for (si, slot) in parsed.slots.iter_mut().enumerate().take(32) {
        if own & (1 << si) == 0 {
            continue;
        }
        let keep = |&(t, q): &(u32, f32)| q >= 1.0 || !said.contains(&t);
        if slot.terms.iter().any(|x| !keep(x)) && slot.terms.iter().any(keep) {
            slot.terms.retain(keep);
        }
    }
}

/// One of 128 bits for a term, from its length and first and last bytes.
fn term_bit(t: &str) -> u128 {
    let b = t.as_bytes();
    let (first, last) = (
        b.first().copied().unwrap_or(0) as u32,
        b.last().copied().unwrap_or(0) as u32,
    );
    let h = (first.wrapping_mul(31) ^ last.wrapping_mul(7) ^ (b.len() as u32).wrapping_mul(131))
        .wrapping_mul(0x9e37_79b9);
    1u128 << (h >> 25)
}

fn slot_for(
    terms: &Terms,
    word: &str,
    prefix: Option<(f32, usize)>,
    typed: bool,
    masks: &mut [u32],
) -> Slot {
    let stem = text::term(word);
    let mut slot = Slot {
        terms: Vec::new(),
        generic: text::is_generic(&stem),
        unless: None,
        corrected: None,
        context: 0,
        context_needs: 0,
    };
    let exact = terms.find(stem.as_bytes());
    let units = terms.data.search.unit_node.len();
    // Whether some term continues the word as typed (not only its stem).
    let mut word_completes = false;
    // What the word tells as typed: its own term's idf, or, cut short, its
    // completions' together (for `contracted_terms`).
    let mut reached_idf = exact.map(|t| terms.idf(t, units));
    let mut exact_is_word = exact.is_some();
    if let Some((quality, max_completions)) = prefix {
        let of_word: Vec<usize> = terms.prefix_range(word.as_bytes()).collect();
        word_completes = !of_word.is_empty();
        // The stem dropped letters that were typed ("conges" → "cong") and
        // the word as typed continues: what it continues to was meant, not
        // the stem's other completions (congenital, congo).
        let of_word_df: u64 = of_word.iter().map(|&t| terms.df(t) as u64).sum();
        let stem_cut = word_completes
            && !stem.starts_with(word)
            && exact.map_or(true, |t| of_word_df > terms.df(t) as u64);
        // Sorted and deduplicated, not `contains` per term: a one-letter
        // prefix ("c") has a thousand completions.
        let mut completions = of_word;
        if !stem_cut {
            completions.extend(terms.prefix_range(stem.as_bytes()));
        }
        completions.retain(|&t| Some(t) != exact);
        completions.sort_unstable();
        completions.dedup();
        let completed_df: u64 = completions.iter().map(|&t| terms.df(t) as u64).sum();
        // An exact term that is a fragment ("fract", 6 uses, beside
        // fracture's 20,688; "cong" for "conges") is one completion among
        // the others, not the word typed in full. A word whose stem lost an
        // ending ("ants" → "ant") was typed in full.
        if let Some(t) = exact.filter(|&t| {
            let df = terms.df(t) as u64;
            stem_cut || (stem == word && df < RARE_DF as u64 && completed_df >= FRAGMENT_RATIO * df)
        }) {
            exact_is_word = false;
            completions.push(t);
        }
        let all_df = completed_df
            + if exact_is_word {
                0
            } else {
                exact.map_or(0, |t| terms.df(t) as u64)
            };
        // A word that is no term of its own tells as much as all its
        // completions together: a rare one ("osteomyelofibrosis") must not
        // outscore the common one ("osteomyelitis") for its rarity alone.
        if !exact_is_word && all_df > 0 {
            reached_idf = Some(super::idf_of_df(all_df.min(units as u64), units));
        }
        // Of a word cut short, the completions most of its uses continue to
        // are likelier meant: "fract" is fracture far more than "fraction"
        // (an inclusion term of I50.2), which must not win on a short title.
        let share = |t: usize| match (exact_is_word, all_df) {
            (true, _) | (_, 0) => 1.0,
            (false, all) => (terms.df(t) as f32 / all as f32).powf(COMPLETION_SHARE_POWER),
        };
        completions.sort_by_key(|&t| std::cmp::Reverse(terms.df(t)));
        completions.truncate(max_completions);
        completions.sort_unstable();
        // A completion never outweighs the word typed in full: a rare cut-short
        // term ("nebuliz") must not beat the exact one ("nebulizer").
        let typed_root = [stem.as_bytes(), word.as_bytes()];
        slot.terms.extend(completions.into_iter().map(|t| {
            let q = match reached_idf {
                // The root's inflammation ("laryng" → "laryngiti", "tonsill"
                // → "tonsilliti") weighs as the root: the one term both
                // were before `text::inflammation_stem` split them.
                Some(e)
                    if typed_root
                        .iter()
                        .any(|r| text::is_inflammation_of(terms.term(t), r)) =>
                {
                    (e / terms.idf(t, units)).min(1.0)
                }
                Some(e) => quality * (e / terms.idf(t, units)).min(1.0) * share(t),
                None => quality,
            };
            (t as u32, q)
        }));
    }
    if let Some(t) = exact.filter(|_| exact_is_word) {
        slot.terms.insert(0, (t as u32, 1.0));
    }
    let rare = exact.map_or(true, |t| terms.df(t) < RARE_DF);
    if typed && rare {
        // A misspelt word is no prefix of any term, though its stem may be
        // ("meningiitis" → "meningi", a prefix of meningioma): completions
        // of the stem alone do not stand in for the correction. A long
        // word's exact term may be a misspelling too when it is this rare
        // ("hepatiitis" → "hepati").
        let doubtful = exact.is_some_and(|t| {
            terms.df(t) <= fuzzy::DOUBTFUL_DF && word.chars().count() >= fuzzy::DOUBTFUL_LEN
        });
        if slot.terms.is_empty() || (exact.is_none() && !word_completes) || doubtful {
            fuzzy_terms(terms, word, &stem, &mut slot, masks);
        }
        contracted_terms(terms, word, reached_idf, &mut slot, masks);
    }
    slot
}

/// An exact term this many times rarer than its completions together is a
/// fragment of them (see `slot_for`).
const FRAGMENT_RATIO: u64 = 20;

/// How much a completion's share of its cut-short word's uses weighs: its
/// weight is scaled by share^power (a completion with 1% of the uses
/// keeps about 40% of its weight).
const COMPLETION_SHARE_POWER: f32 = 0.2;

/// Most ways one run-together word is split (`split_in_two`).
const MAX_SPLITS: usize = 3;

/// The terms of the two halves of `word` when it may be two words run
/// together: each half at least three letters and an index term (as its
/// stem), the most even splits first, at most `MAX_SPLITS`. Letters only,
/// 6 to 30 of them.
fn split_in_two<'a, 'b: 'a>(
    terms: &'a Terms<'b>,
    word: &'a str,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let n = word.len();
    let ok = (6..=30).contains(&n) && word.bytes().all(|b| b.is_ascii_lowercase());
    split_cuts(if ok { n } else { 0 })
        .filter_map(move |c| {
            let left = text::with_term(&word[..c], |t| terms.find(t.as_bytes()))?;
            let right = text::with_term(&word[c..], |t| terms.find(t.as_bytes()))?;
            Some((left, right))
        })
        .take(MAX_SPLITS)
}

/// Where a word of `n` letters may be cut in two, halves of three letters
/// or more, the most even first (of equally even ones, the shorter left
/// half first); none for `n` below 6. Last, a left half of two letters: an
/// eponym's particle run into the name ("digeorge" → Di George's syndrome,
/// "dequervain"). Computed, not sorted: no allocation.
fn split_cuts(n: usize) -> impl Iterator<Item = usize> {
    let top = if n >= 6 { n / 2 } else { 0 };
    (3..=top)
        .rev()
        .flat_map(move |k| [k, n - k].into_iter().take(if 2 * k == n { 1 } else { 2 }))
        .chain((n >= 6).then_some(2))
}

/// True when the word's own term is missing or rare: then it may be cut short.
fn rare_or_absent(terms: &Terms, word: &str) -> bool {
    text::with_term(word, |t| terms.find(t.as_bytes())).map_or(true, |t| terms.df(t) < RARE_DF)
}

/// Weight of a term the typed word is a contraction of.
const CONTRACTION_QUALITY: f32 = 0.6;

/// A typed word whose exact term is rarer than this may also be a contraction.
const RARE_DF: u32 = 40;

/// Terms the word is a contraction of, the way CMS short titles drop
/// letters ("intartic" → intraarticular, "fngr" → finger, "slctv" →
/// selective): same first letter, every typed letter in order, and not
/// much longer than the word.
///
/// `reached_idf`: what the word tells as typed (its own term, or all its
/// completions), when it reaches any. A contraction then weighs no more
/// than that: "fract" completes to fracture, and its letters in
/// "franceschetti" must not outscore every fracture for that term's rarity.
fn contracted_terms(
    terms: &Terms,
    word: &str,
    reached_idf: Option<f32>,
    slot: &mut Slot,
    masks: &mut [u32],
) {
    let w = word.as_bytes();
    if w.len() < 3 || w.len() > 12 || !w.iter().all(u8::is_ascii_lowercase) {
        return;
    }
    // Every letter typed is in the term: most terms fail this at once.
    let letters = fuzzy::letter_mask(w);
    let units = terms.data.search.unit_node.len();
    for t in terms.prefix_range(&w[..1]) {
        if term_mask(terms, masks, t) & letters != letters {
            continue;
        }
        let cand = terms.term(t);
        if cand.len() <= w.len()
            || cand.len() > w.len() * 3
            || slot.terms.iter().any(|&(x, _)| x as usize == t)
        {
            continue;
        }
        if is_subsequence(w, cand) {
            let q = reached_idf.map_or(1.0, |r| (r / terms.idf(t, units)).min(1.0));
            slot.terms.push((t as u32, CONTRACTION_QUALITY * q));
        }
    }
}

fn is_subsequence(needle: &[u8], hay: &[u8]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|c| it.any(|h| h == c))
}

/// Terms within the word's edit budget. A typo rarely hits the first letter,
/// so candidates share it (or swap the first two letters): this keeps the
/// scan to a small slice of the dictionary.
fn fuzzy_terms(terms: &Terms, word: &str, stem: &str, slot: &mut Slot, masks: &mut [u32]) {
    let max = fuzzy::allowed_edits(word.chars().count());
    if max == 0 {
        return;
    }
    let (wb, sb) = (word.as_bytes(), stem.as_bytes());
    let (mut firsts, mut nfirsts) = ([wb[0]; 2], 1);
    if wb.len() > 1 && wb[1] != wb[0] {
        firsts[1] = wb[1];
        nfirsts = 2;
    }
    // Each edit brings in at most one letter the word lacks: a term with more
    // such letters than the budget is out without computing a distance.
    let (mw, ms) = (fuzzy::letter_mask(wb), fuzzy::letter_mask(sb));
    let letters = mw | ms;
    // Each word is compared with many terms: its letter positions once.
    let (pw, ps) = (fuzzy::Pattern::new(wb), fuzzy::Pattern::new(sb));
    let mut found: Vec<fuzzy::Correction> = Vec::new();
    for &first in &firsts[..nfirsts] {
        // With the first two letters swapped the term's second letter is
        // the word's first: only terms beginning with both are read.
        let range = if first == wb[0] {
            terms.prefix_range(&[first])
        } else {
            terms.prefix_range(&[first, wb[0]])
        };
        for t in range {
            let mc = term_mask(terms, masks, t);
            if (mc & !letters).count_ones() as usize > max {
                continue;
            }
            let cand = terms.term(t);
            // Longer than the word allows, or (being no stem of it) much shorter.
            if cand.len() > wb.len() + max
                || (cand.len() + max < sb.len().min(wb.len()) && cand.len() < 4)
            {
                continue;
            }
            if first != wb[0] && cand.get(1) != Some(&wb[0]) {
                continue;
            }
            // Each letter one side has and the other lacks costs an edit of
            // its own: most terms are out before any table is filled.
            let near = |x: &[u8], mx: u32| {
                x.len().abs_diff(cand.len()) <= max
                    && (mx & !mc).count_ones() as usize <= max
                    && (mc & !mx).count_ones() as usize <= max
            };
            let by_stem = near(sb, ms).then(|| ps.within(cand, max));
            let by_word = (wb != sb && near(wb, mw)).then(|| pw.within(cand, max));
            // A stem against the misspelt full word: one edit, a stem not
            // much shorter than the word.
            let by_prefix =
                (cand.len() >= 5 && cand.len() * 2 >= wb.len() && (mc & !mw).count_ones() <= 1)
                    .then(|| pw.prefix_within(cand, 1));
            // Edits counted on the stem or the word; the stem-against-the-
            // word test only when neither is near, and two edits more (the
            // word runs on past the term: "retin" begins "retinopaty",
            // "pancrea" begins "pancreattitis", neither is the word meant).
            let d = [by_stem, by_word]
                .into_iter()
                .flatten()
                .flatten()
                .min()
                .or(by_prefix.flatten().map(|d| d + 2));
            if let Some(d) = d {
                if !slot.terms.iter().any(|&(x, _)| x as usize == t) {
                    found.push(fuzzy::Correction {
                        term: t as u32,
                        edits: d,
                        df: terms.df(t),
                    });
                }
            }
        }
    }
    // Weighed together (`fuzzy::correction_qualities`): the likeliest
    // correction leads, and a doubtful exact term (first in the slot) may
    // give way to it.
    let exact = slot.terms.first().map(|&(t, _)| t);
    let exact_df = exact
        .filter(|&t| text::with_term(word, |w| terms.find(w.as_bytes())) == Some(t as usize))
        .map(|t| terms.df(t as usize));
    let units = terms.data.search.unit_node.len();
    let (qualities, typed_cap) = fuzzy::correction_qualities(&found, exact_df, units);
    match typed_cap {
        Some(cap) => {
            for (t, q) in slot.terms.iter_mut() {
                *q = q.min(cap / terms.idf(*t as usize, units));
            }
        }
        // A rare word with no far likelier neighbour is taken as typed
        // ("arthroscopy" in a small CPT file): no corrections beside it.
        None if exact_df.is_some_and(|df| df <= fuzzy::DOUBTFUL_DF) => return,
        None => {}
    }
    // A unit takes the first term of a slot it holds: the likeliest first.
    let mut weighed: Vec<(u32, f32, usize, u32)> = found
        .iter()
        .zip(qualities)
        .map(|(c, q)| (c.term, q, c.edits, c.df))
        .collect();
    weighed.sort_by_key(|&(_, _, edits, df)| (edits, std::cmp::Reverse(df)));
    if exact_df.is_none() || typed_cap.is_some() {
        slot.corrected = weighed.first().map(|w| w.0);
    }
    slot.terms
        .extend(weighed.into_iter().map(|(t, q, _, _)| (t, q)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn absent_words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_polar_word(text, |w, absent| {
            if absent {
                out.push(w.to_lowercase());
            }
        });
        out
    }

    /// What each kind of title or query says is absent (`for_each_polar_word`).
    #[test]
    fn absent_stretches_open_and_close_as_titles_use_them() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Migraine without aura, not intractable, with status migrainosus",
                &["aura", "intractable"],
            ),
            (
                "Laceration without foreign body of left hand with damage to nail",
                &["foreign", "body"],
            ),
            (
                "Inguinal hernia without mention of obstruction or gangrene",
                &["mention", "of", "obstruction", "or", "gangrene"],
            ),
            (
                "Unilateral femoral hernia, not specified as recurrent",
                &["specified", "as", "recurrent"],
            ),
            (
                "Immunization not carried out because of patient refusal",
                &["carried", "out"],
            ),
            ("chf w/o edema w/pain", &["edema"]),
            ("W/O Edema", &["edema"]),
            // Non-ASCII words and slashes are read in place, never cut inside a character.
            ("Déjérine w/é/ü without née/ç", &["née", "ç"]),
            ("w/", &[]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(absent_words(text), *want, "{text}");
        }
    }

    /// `split_cuts` gives the cuts in the order sorting them did: the most
    /// even first, ties in ascending order (a stable sort of 3..=n-3).
    #[test]
    fn split_cuts_keep_the_sorted_order() {
        for n in 0..=40 {
            let mut want: Vec<usize> = if n >= 6 {
                (3..=n - 3).collect()
            } else {
                Vec::new()
            };
            want.sort_by_key(|&c| std::cmp::Reverse(c.min(n - c)));
            if n >= 6 {
                want.push(2);
            }
            assert_eq!(split_cuts(n).collect::<Vec<_>>(), want, "{n}");
        }
    }
}
