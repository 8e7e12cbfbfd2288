//! Search ICD-10-PCS by procedure language. The ICD-10-CM scorer ranks
//! units by idf over tabular notes; PCS titles are built axis by axis, so
//! this scorer works on *concepts* instead: each thing typed (a word, an
//! acronym, a PCS Index term) is one group whose alternatives are sets of
//! title terms (its own stems, its expansions from `data/pcs/terms.tsv`, the
//! "see Resection, Uterus **0UT9**" references of the PCS Index). A code
//! scores the best fraction of an alternative its title covers, summed
//! over groups; ties go to the code whose title the words cover most fully
//! (the code the words fully specify), then to validity and code order.
//!
//! Words and stems come from `crate::search::text` so PCS and ICD-10-CM
//! agree on what a term is.

use super::PcsTable;
use crate::search::text;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One search result.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct PcsHit {
    #[cfg_attr(feature = "typescript", ts(type = "\"icd10pcs\""))]
    pub system: &'static str,
    pub code: String,
    /// `None`: valid code whose title is not in the bundled data.
    pub title: Option<String>,
    pub score: f32,
}

/// Title terms that say nothing about which code: every title has them.
const FILLERS: [&str; 8] = [
    "approach", "with", "without", "using", "into", "from", "via", "no",
];

fn is_filler(t: &str) -> bool {
    FILLERS.contains(&t)
}

fn join(ts: &[String]) -> String {
    ts.join(" ")
}

/// Terms of a phrase, stopwords dropped, order kept (duplicates kept).
fn phrase_terms(s: &str) -> Vec<String> {
    text::words(s)
        .iter()
        .filter(|w| !text::is_stopword(w))
        .map(|w| text::term(w))
        .collect()
}

/// The `**0DTJ**` references of a PCS Index entry.
fn references(content: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = content;
    while let Some(i) = rest.find("**") {
        let after = &rest[i + 2..];
        match after.find("**") {
            Some(j) => {
                let r = &after[..j];
                if !r.is_empty() && r.len() <= 7 && r.bytes().all(super::is_pcs_char) {
                    out.push(r.to_string());
                }
                rest = &after[j + 2..];
            }
            None => break,
        }
    }
    out
}

/// The phrases after "see"/"use" in an entry ("see Resection, Uterus").
fn see_phrases(content: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in content.lines() {
        let line = line.trim();
        for key in ["see ", "use "] {
            if let Some(i) = line.find(key) {
                let p = &line[i + 4..];
                let p = p.split("**").next().unwrap_or(p);
                let p = p.split(" in ").next().unwrap_or(p);
                if !p.trim().is_empty() {
                    out.push(p.trim().to_string());
                }
            }
        }
    }
    out
}

/// Action words whose root operation depends on what is acted on.
fn is_generic_action(w: &str) -> bool {
    matches!(
        w,
        "placement"
            | "place"
            | "placed"
            | "insertion"
            | "insert"
            | "inserted"
            | "removal"
            | "remove"
            | "removed"
    )
}

/// A side alone ("left", "rt", "b/l": each reading one side term) only picks
/// among codes the other words found: many body parts have no side in PCS
/// (chest subcutaneous tissue for a defibrillator, the median nerve), and a
/// side must not carry a code of the wrong body part past them.
fn is_side(g: &Group) -> bool {
    !g.alts.is_empty()
        && g.alts.iter().all(|a| {
            a.prefixes.is_empty()
                && a.terms.len() == 1
                && matches!(a.terms[0].as_str(), "left" | "right" | "bilater")
        })
}

/// What a side alone is worth (a concept group is worth up to 1): less than
/// the share of a title a partial reading leaves ("bilateral tka" is two
/// knee codes, not a bilateral breast replacement).
const SIDE_WORTH: f32 = 0.3;

/// The term index over titles, built when `pcs.idx` is built and stored in
/// it (`Payload::search`), so the first search does no stemming or parsing.
/// In memory: `terms` sorted (a term's id is its position);
/// `postings[post_at[t]..post_at[t+1]]` the codes whose title has term t
/// (ascending); `title_terms[title_at[i]..title_at[i+1]]` the term ids of
/// code i's title; `synonyms` and `index_terms` sorted by key (terms joined
/// by ' '). Stored (`StoredSearch`): the terms, each term's posting count,
/// and the postings as LEB128 deltas (small numbers, so the file gzips
/// well); the per-code lists are the postings inverted at load (`prepare`).
#[derive(Serialize, Deserialize, Default, Clone, Debug, PartialEq)]
#[serde(into = "StoredSearch", from = "StoredSearch")]
pub struct PcsSearchIndex {
    terms: Vec<String>,
    post_at: Vec<u32>,
    postings: Vec<u32>,
    title_at: Vec<u32>,
    title_terms: Vec<u32>,
    /// phrase → expansions (each a list of terms).
    synonyms: Vec<(String, Vec<Vec<String>>)>,
    longest_synonym: u32,
    /// PCS Index: term → (code prefixes, phrase alternatives).
    index_terms: Vec<IndexTerm>,
    longest_index_term: u32,
    /// Set by `prepare` (or `build`): the stored form is checked and expanded.
    ready: bool,
}

/// The stored form of `PcsSearchIndex` (postcard, inside `pcs.idx`).
#[derive(Serialize, Deserialize, Default, Clone)]
struct StoredSearch {
    terms: Vec<String>,
    /// Postings per term.
    counts: Vec<u32>,
    /// Per term: first code index, then the gaps to the next, LEB128.
    #[serde(with = "serde_bytes")]
    deltas: Vec<u8>,
    synonyms: Vec<(String, Vec<Vec<String>>)>,
    longest_synonym: u32,
    index_terms: Vec<IndexTerm>,
    longest_index_term: u32,
}

impl From<PcsSearchIndex> for StoredSearch {
    fn from(ix: PcsSearchIndex) -> StoredSearch {
        let mut deltas = Vec::with_capacity(ix.postings.len() * 2);
        let mut counts = Vec::with_capacity(ix.terms.len());
        for t in 0..ix.terms.len() {
            let list = &ix.postings[ix.post_at[t] as usize..ix.post_at[t + 1] as usize];
            counts.push(list.len() as u32);
            let mut prev = 0u32;
            for (k, &c) in list.iter().enumerate() {
                let mut v = if k == 0 { c } else { c - prev };
                prev = c;
                loop {
                    let b = (v & 0x7f) as u8;
                    v >>= 7;
                    if v == 0 {
                        deltas.push(b);
                        break;
                    }
                    deltas.push(b | 0x80);
                }
            }
        }
        StoredSearch {
            terms: ix.terms,
            counts,
            deltas,
            synonyms: ix.synonyms,
            longest_synonym: ix.longest_synonym,
            index_terms: ix.index_terms,
            longest_index_term: ix.longest_index_term,
        }
    }
}

impl From<StoredSearch> for PcsSearchIndex {
    /// Keeps the stored parts; `prepare` decodes and checks the postings.
    fn from(s: StoredSearch) -> PcsSearchIndex {
        PcsSearchIndex {
            terms: s.terms,
            // Stashed until prepare: counts in post_at, raw bytes in title_terms' place.
            post_at: s.counts,
            postings: s.deltas.into_iter().map(u32::from).collect(),
            title_at: Vec::new(),
            title_terms: Vec::new(),
            synonyms: s.synonyms,
            longest_synonym: s.longest_synonym,
            index_terms: s.index_terms,
            longest_index_term: s.longest_index_term,
            ready: false,
        }
    }
}

/// One PCS Index term: (key, code prefixes, phrase alternatives).
type IndexTerm = (String, Vec<String>, Vec<Vec<String>>);

impl PcsSearchIndex {
    /// Builds the index from the table's titles, synonyms and PCS Index
    /// (`medcode build-pcs`; readers load the stored copy).
    pub fn build(t: &PcsTable) -> PcsSearchIndex {
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        let mut stem_cache: HashMap<String, String> = HashMap::new();
        let mut per_code: Vec<Vec<String>> = Vec::with_capacity(t.len());
        for i in 0..t.len() {
            let mut mine: Vec<String> = Vec::new();
            if let Some(title) = t.title(i) {
                for w in text::words(title) {
                    if text::is_stopword(&w) {
                        continue;
                    }
                    let term = stem_cache
                        .entry(w.clone())
                        .or_insert_with(|| text::term(&w))
                        .clone();
                    if mine.contains(&term) {
                        continue;
                    }
                    postings.entry(term.clone()).or_default().push(i as u32);
                    mine.push(term);
                }
            }
            per_code.push(mine);
        }
        let mut terms: Vec<String> = postings.keys().cloned().collect();
        terms.sort();
        let id_of: HashMap<&str, u32> = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as u32))
            .collect();
        let mut post_at = vec![0u32];
        let mut flat_postings = Vec::new();
        for term in &terms {
            flat_postings.extend_from_slice(&postings[term]);
            post_at.push(flat_postings.len() as u32);
        }
        let mut title_at = vec![0u32];
        let mut title_terms = Vec::new();
        for mine in &per_code {
            // In term order, as the loaded index inverts them.
            let mut ids: Vec<u32> = mine.iter().map(|m| id_of[m.as_str()]).collect();
            ids.sort_unstable();
            title_terms.extend(ids);
            title_at.push(title_terms.len() as u32);
        }
        let mut synonyms: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        let mut longest_synonym = 1;
        for (phrase, expansions) in t.synonyms() {
            let key = phrase_terms(phrase);
            if key.is_empty() {
                continue;
            }
            longest_synonym = longest_synonym.max(key.len());
            let e = synonyms.entry(join(&key)).or_default();
            for x in expansions {
                e.push(phrase_terms(x));
            }
        }
        let mut index_terms: HashMap<String, (Vec<String>, Vec<Vec<String>>)> = HashMap::new();
        let mut longest_index_term = 1;
        for (term, content) in t.index_entries() {
            // "Arthroplasty, radial head" → the words of the whole term.
            let key = phrase_terms(term);
            if key.is_empty() || key.len() > 6 {
                continue;
            }
            longest_index_term = longest_index_term.max(key.len());
            let e = index_terms.entry(join(&key)).or_default();
            e.0.extend(references(content));
            for p in see_phrases(content) {
                let ts = phrase_terms(&p);
                if !ts.is_empty() && !e.1.contains(&ts) {
                    e.1.push(ts);
                }
            }
        }
        let mut synonyms: Vec<(String, Vec<Vec<String>>)> = synonyms.into_iter().collect();
        synonyms.sort_by(|a, b| a.0.cmp(&b.0));
        let mut index_terms: Vec<IndexTerm> = index_terms
            .into_iter()
            .map(|(k, (r, p))| (k, r, p))
            .collect();
        index_terms.sort_by(|a, b| a.0.cmp(&b.0));
        PcsSearchIndex {
            terms,
            post_at,
            postings: flat_postings,
            title_at,
            title_terms,
            synonyms,
            longest_synonym: longest_synonym as u32,
            index_terms,
            longest_index_term: longest_index_term as u32,
            ready: true,
        }
    }

    /// Decodes a loaded index's postings and checks them against a table of
    /// `codes` codes (every id in range, lists ascending, keys sorted), then
    /// inverts them into the per-code term lists. A damaged file is refused
    /// here, so the scorer's slices stay in bounds.
    pub(crate) fn prepare(&mut self, codes: usize) -> Result<(), String> {
        if self.ready {
            return Ok(());
        }
        if self.terms.windows(2).any(|w| w[0] >= w[1]) {
            return Err("search terms are not sorted".into());
        }
        let counts = std::mem::take(&mut self.post_at);
        let bytes = std::mem::take(&mut self.postings);
        if counts.len() != self.terms.len() {
            return Err("search posting counts do not match the terms".into());
        }
        let total: u64 = counts.iter().map(|&c| c as u64).sum();
        if total > bytes.len() as u64 {
            return Err("search postings are truncated".into());
        }
        let mut post_at = Vec::with_capacity(counts.len() + 1);
        let mut postings = Vec::with_capacity(total as usize);
        let mut at = 0usize;
        post_at.push(0u32);
        for &n in &counts {
            let mut prev: Option<u32> = None;
            for _ in 0..n {
                let mut v: u64 = 0;
                let mut shift = 0;
                loop {
                    let b = *bytes.get(at).ok_or("search postings are truncated")?;
                    at += 1;
                    v |= ((b & 0x7f) as u64) << shift;
                    if b & 0x80 == 0 {
                        break;
                    }
                    shift += 7;
                    if shift > 28 {
                        return Err("a search posting is malformed".into());
                    }
                }
                let c = match prev {
                    None => v,
                    Some(_) if v == 0 => return Err("search postings are not ascending".into()),
                    Some(p) => p as u64 + v,
                };
                if c >= codes as u64 {
                    return Err("a search posting points past the codes".into());
                }
                prev = Some(c as u32);
                postings.push(c as u32);
            }
            post_at.push(postings.len() as u32);
        }
        if at != bytes.len() {
            return Err("search postings have trailing bytes".into());
        }
        // Invert: per code, its title's terms (in term order).
        let mut per = vec![0u32; codes + 1];
        for &c in &postings {
            per[c as usize + 1] += 1;
        }
        for i in 0..codes {
            per[i + 1] += per[i];
        }
        let mut fill = per.clone();
        let mut title_terms = vec![0u32; postings.len()];
        for t in 0..self.terms.len() {
            for &c in &postings[post_at[t] as usize..post_at[t + 1] as usize] {
                title_terms[fill[c as usize] as usize] = t as u32;
                fill[c as usize] += 1;
            }
        }
        if self.synonyms.windows(2).any(|w| w[0].0 >= w[1].0)
            || self.index_terms.windows(2).any(|w| w[0].0 >= w[1].0)
        {
            return Err("search phrases are not sorted".into());
        }
        if self.longest_synonym > 64 || self.longest_index_term > 64 {
            return Err("a search phrase is too long".into());
        }
        self.post_at = post_at;
        self.postings = postings;
        self.title_at = per;
        self.title_terms = title_terms;
        self.ready = true;
        Ok(())
    }

    fn term_id(&self, term: &str) -> Option<u32> {
        self.terms
            .binary_search_by(|t| t.as_str().cmp(term))
            .ok()
            .map(|i| i as u32)
    }

    fn postings_of(&self, term: &str) -> &[u32] {
        match self.term_id(term) {
            Some(t) => {
                let t = t as usize;
                &self.postings[self.post_at[t] as usize..self.post_at[t + 1] as usize]
            }
            None => &[],
        }
    }

    fn title_terms_of(&self, i: usize) -> &[u32] {
        match (self.title_at.get(i), self.title_at.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.title_terms[a as usize..b as usize],
            _ => &[],
        }
    }

    fn synonym(&self, key: &str) -> Option<&Vec<Vec<String>>> {
        self.synonyms
            .binary_search_by(|s| s.0.as_str().cmp(key))
            .ok()
            .map(|i| &self.synonyms[i].1)
    }

    fn index_term(&self, key: &str) -> Option<(&Vec<String>, &Vec<Vec<String>>)> {
        self.index_terms
            .binary_search_by(|s| s.0.as_str().cmp(key))
            .ok()
            .map(|i| (&self.index_terms[i].1, &self.index_terms[i].2))
    }

    fn df(&self, term: &str) -> usize {
        self.postings_of(term).len()
    }
}

/// One alternative of a group: terms a title should have, and/or code
/// prefixes (PCS Index references) a code should start with.
#[derive(Debug, Clone, Default)]
struct Alt {
    terms: Vec<String>,
    prefixes: Vec<String>,
    /// How much a full match is worth (1.0, less for weaker readings).
    worth: f32,
    /// Counts only when a title holds every term: the typed words of a
    /// phrase that has readings ("carpal tunnel release" → release median
    /// nerve) say nothing when a title shares only some of them ("Release
    /// Right Carpal").
    whole: bool,
}

#[derive(Debug, Clone, Default)]
struct Group {
    alts: Vec<Alt>,
}

const MAX_QUERY_WORDS: usize = 24;
const MAX_QUERY_BYTES: usize = 400;

/// "5 days" / "72 hours" → the PCS duration wording (ventilation, ECMO, …).
fn duration_terms(n: f32, unit: &str) -> Option<Vec<String>> {
    let hours = match unit {
        "day" | "days" | "d" => n * 24.0,
        "hour" | "hours" | "hr" | "hrs" | "h" => n,
        _ => return None,
    };
    let phrase = if hours > 96.0 {
        "greater than 96 consecutive hours"
    } else if hours >= 24.0 {
        "24-96 consecutive hours"
    } else {
        "less than 24 consecutive hours"
    };
    Some(phrase_terms(phrase))
}

/// The title term closest to a misspelt `w` within the usual edit
/// distance (the commoner of equally close ones), if any.
fn closest_term<'a>(ix: &'a PcsSearchIndex, w: &str) -> Option<&'a String> {
    let w = w.as_bytes();
    let max = crate::search::fuzzy::allowed_edits(w.len());
    if max == 0 {
        return None;
    }
    let mut best: Option<(usize, usize, &String)> = None;
    let pattern = crate::search::fuzzy::Pattern::new(w);
    for t in &ix.terms {
        if let Some(d) = pattern.within(t.as_bytes(), max) {
            let df = ix.df(t);
            if best.map_or(true, |b| (d, usize::MAX - df) < (b.0, usize::MAX - b.1)) {
                best = Some((d, df, t));
            }
        }
    }
    best.map(|b| b.2)
}

/// Turns typed text into groups.
fn parse(ix: &PcsSearchIndex, query: &str) -> Vec<Group> {
    let q: String = query.chars().take(MAX_QUERY_BYTES).collect();
    // Keep "x3", "c-section" etc. as words; a slash joins ("w/").
    let mut words: Vec<String> = text::words(&q)
        .into_iter()
        .filter(|w| !text::is_stopword(w) && !is_filler(w))
        .collect();
    words.truncate(MAX_QUERY_WORDS);
    let partial = words.iter().any(|w| w == "partial");
    let terms: Vec<String> = words.iter().map(|w| text::term(w)).collect();
    let mut groups: Vec<Group> = Vec::new();
    // Misspelt words already corrected (`closest_term`), by term.
    let mut corrected: Vec<(&str, Option<&String>)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // Durations: "5 days".
        if let (Ok(n), Some(unit)) = (words[i].parse::<f32>(), words.get(i + 1)) {
            if let Some(ts) = duration_terms(n, unit) {
                groups.push(Group {
                    alts: vec![Alt {
                        terms: ts,
                        worth: 1.0,
                        ..Default::default()
                    }],
                });
                i += 2;
                continue;
            }
        }
        // Longest phrase first: synonyms and PCS Index terms.
        let mut used = 0;
        let mut g = Group::default();
        let longest = ix.longest_synonym.max(ix.longest_index_term) as usize;
        for len in (1..=longest.min(words.len() - i)).rev() {
            let key = join(&terms[i..i + len]);
            let mut found = false;
            if let Some(exps) = ix.synonym(&key) {
                // terms.tsv lists the usual reading first: the others are
                // worth a little less, so a tie between readings goes to it.
                for (n, e) in exps.iter().enumerate() {
                    g.alts.push(Alt {
                        terms: e.clone(),
                        worth: if n == 0 { 1.0 } else { 0.9 },
                        ..Default::default()
                    });
                }
                found = true;
            }
            if let Some((refs, phrases)) = ix.index_term(&key) {
                // Resection (all of a body part) over Excision (a portion),
                // unless the words say partial (PCS guideline B3.8).
                let pick = |r: &String| {
                    let op = r.as_bytes().get(2).copied();
                    match (op, partial) {
                        (Some(b'T'), false) | (Some(b'B'), true) => 1.0,
                        _ => 0.9,
                    }
                };
                for r in refs {
                    g.alts.push(Alt {
                        prefixes: vec![r.clone()],
                        worth: pick(r),
                        ..Default::default()
                    });
                }
                // A word inside the Index term that names a device or approach
                // ("banding" esophageal varices: an extraluminal device) keeps
                // saying it: its usual reading joins each "see" phrase.
                let inner: Vec<&Vec<String>> = if len > 1 {
                    terms[i..i + len]
                        .iter()
                        .filter_map(|t| ix.synonym(t).and_then(|e| e.first()))
                        .collect()
                } else {
                    Vec::new()
                };
                for p in phrases {
                    g.alts.push(Alt {
                        terms: p.clone(),
                        worth: 0.9,
                        ..Default::default()
                    });
                    for extra in &inner {
                        let mut joined = p.clone();
                        for t in extra.iter() {
                            if !joined.contains(t) {
                                joined.push(t.clone());
                            }
                        }
                        if joined.len() > p.len() {
                            g.alts.push(Alt {
                                terms: joined,
                                worth: 0.9,
                                ..Default::default()
                            });
                        }
                    }
                }
                found = true;
            }
            if found {
                used = len;
                break;
            }
        }
        if used == 0 {
            if text::is_stopword(&words[i]) || is_filler(&terms[i]) {
                i += 1;
                continue;
            }
            used = 1;
        }
        // The words themselves always count too.
        let own: Vec<String> = terms[i..i + used]
            .iter()
            .filter(|t| !text::is_stopword(t))
            .cloned()
            .collect();
        if !own.is_empty() && own.iter().all(|t| ix.df(t) > 0) {
            let whole = own.len() > 1 && !g.alts.is_empty();
            g.alts.push(Alt {
                terms: own,
                worth: 1.0,
                whole,
                ..Default::default()
            });
        } else if g.alts.is_empty() && used == 1 {
            // A misspelt word: the closest title term within the usual edit
            // distance. Each distinct word scans the terms once: a word typed
            // 20 times ("fracture fracture …", pasted) scanned them 20 times.
            let w = terms[i].as_str();
            let best = match corrected.iter().find(|(k, _)| *k == w) {
                Some((_, b)) => *b,
                None => {
                    let b = closest_term(ix, w);
                    corrected.push((w, b));
                    b
                }
            };
            if let Some(t) = best {
                g.alts.push(Alt {
                    terms: vec![t.clone()],
                    worth: 0.8,
                    ..Default::default()
                });
            }
        }
        if used == 1 && is_generic_action(&words[i]) {
            // "placement", "insertion", "removal": coders say them of chest tubes
            // (Drainage), stents (Dilation), stones (Extirpation); the other
            // words decide the root operation, these only tip a tie.
            for a in &mut g.alts {
                a.worth *= 0.3;
            }
        }
        if used == 1 && is_side(&g) {
            for a in &mut g.alts {
                a.worth *= SIDE_WORTH;
            }
        }
        if !g.alts.is_empty() {
            groups.push(g);
        }
        i += used;
    }
    groups
}

impl PcsTable {
    /// Ranked codes valid on `date` for `query` (words or a code prefix).
    pub fn search(&self, ix: &PcsSearchIndex, query: &str, date: u32, limit: usize) -> Vec<PcsHit> {
        let limit = limit.clamp(1, 1000);
        let n = self.len();
        // A code or code prefix is one token with a digit ("0DT", "B211"):
        // "tka left" squeezed together is not a code.
        let one_token = !query.trim().contains(char::is_whitespace);
        if let Some(p) = super::normalize(query).filter(|_| one_token) {
            if p.bytes().any(|b| b.is_ascii_digit()) {
                // A code or code prefix: the codes under it, in order.
                return self
                    .prefix_range(&p)
                    .filter(|&i| self.valid_on(i, date))
                    .take(limit)
                    .map(|i| self.hit(i, 0.0))
                    .collect();
            }
        }
        let groups = parse(ix, query);
        if std::env::var_os("MEDCODE_PCS_DEBUG").is_some() {
            eprintln!("{groups:?}");
        }
        if groups.is_empty() {
            return Vec::new();
        }
        let mut score = vec![0f32; n];
        let mut best = vec![0f32; n];
        let mut count = vec![0u8; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut group_touched: Vec<u32> = Vec::new();
        for g in &groups {
            for alt in &g.alts {
                if !alt.prefixes.is_empty() {
                    for p in &alt.prefixes {
                        for i in self.prefix_range(p) {
                            if best[i] == 0.0 {
                                group_touched.push(i as u32);
                            }
                            best[i] = best[i].max(alt.worth);
                        }
                    }
                    continue;
                }
                let mut ts: Vec<&String> = alt.terms.iter().collect();
                ts.dedup();
                let len = ts.len().max(1) as f32;
                for t in &ts {
                    {
                        for &i in ix.postings_of(t) {
                            let i = i as usize;
                            if count[i] == 0 {
                                touched.push(i as u32);
                            }
                            count[i] = count[i].saturating_add(1);
                        }
                    }
                }
                for &i in &touched {
                    let i = i as usize;
                    let f = if alt.whole && (count[i] as f32) < len {
                        0.0
                    } else {
                        count[i] as f32 / len * alt.worth
                    };
                    if best[i] == 0.0 {
                        group_touched.push(i as u32);
                    }
                    best[i] = best[i].max(f);
                    count[i] = 0;
                }
                touched.clear();
            }
            for &i in &group_touched {
                score[i as usize] += best[i as usize];
                best[i as usize] = 0.0;
            }
            group_touched.clear();
        }
        let top = score.iter().cloned().fold(0f32, f32::max);
        if top <= 0.0 {
            return Vec::new();
        }
        // Each alternative's terms as ids, for coverage below.
        let alt_ids: Vec<Vec<(Vec<u32>, &Alt)>> = groups
            .iter()
            .map(|g| {
                g.alts
                    .iter()
                    .map(|a| (a.terms.iter().filter_map(|t| ix.term_id(t)).collect(), a))
                    .collect()
            })
            .collect();
        let mut valid: Vec<(f32, usize)> = score
            .iter()
            .enumerate()
            .filter(|&(i, &s)| s >= top - 1.0 && s > 0.0 && self.valid_on(i, date))
            .map(|(i, &s)| (s, i))
            .collect();
        // Coverage and the title bonus add at most 0.65: a code further than
        // that below the limit-th score cannot reach the list.
        if valid.len() > limit {
            let mut ss: Vec<f32> = valid.iter().map(|v| v.0).collect();
            let (_, kth, _) = ss.select_nth_unstable_by(limit - 1, |a, b| b.total_cmp(a));
            let floor = *kth - 0.66;
            valid.retain(|v| v.0 >= floor);
        }
        let fillers: Vec<u32> = FILLERS
            .iter()
            .filter_map(|w| ix.term_id(&text::term(w)))
            .collect();
        let mut cands: Vec<(f32, usize)> = Vec::with_capacity(valid.len());
        let mut covered: Vec<u32> = Vec::new();
        for (s, i) in valid {
            // The share of the code's own title terms the typed words name,
            // counting for each group only the reading that fits this code
            // best: "egd" (upper intestinal tract | esophagus | stomach) says
            // nothing against an esophagus code.
            let own = ix.title_terms_of(i);
            let code = self.code(i);
            covered.clear();
            for g in &alt_ids {
                let mut best: Option<(f32, &Vec<u32>)> = None;
                for (ids, a) in g {
                    let fit = if !a.prefixes.is_empty() {
                        if a.prefixes.iter().any(|p| code.starts_with(p.as_str())) {
                            a.worth
                        } else {
                            0.0
                        }
                    } else if ids.is_empty() {
                        0.0
                    } else {
                        let n = ids.iter().filter(|t| own.contains(t)).count();
                        if a.whole && n < ids.len() {
                            0.0
                        } else {
                            n as f32 / ids.len() as f32 * a.worth
                        }
                    };
                    // Equal fits: the reading that names more of the title.
                    if fit > 0.0
                        && best.map_or(true, |b| fit > b.0 || (fit == b.0 && ids.len() > b.1.len()))
                    {
                        best = Some((fit, ids));
                    }
                }
                if let Some((_, ids)) = best {
                    for t in ids {
                        if own.contains(t) && !covered.contains(t) {
                            covered.push(*t);
                        }
                    }
                }
            }
            // Filler words ("with", "approach", "via") are in every title: they
            // count neither way, so a device code ("… with Extraluminal
            // Device") is not marked down for its "with".
            let content = own.iter().filter(|&&t| !fillers.contains(&t)).count();
            let hit = covered.iter().filter(|t| !fillers.contains(t)).count();
            let coverage = hit as f32 / content.max(1) as f32;
            let titled = if self.title(i).is_some() { 0.05 } else { 0.0 };
            cands.push((s + 0.6 * coverage + titled, i));
        }
        cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        cands.truncate(limit);
        cands.into_iter().map(|(s, i)| self.hit(i, s)).collect()
    }

    fn hit(&self, i: usize, score: f32) -> PcsHit {
        PcsHit {
            system: "icd10pcs",
            code: self.code(i).to_string(),
            title: self.title(i).map(String::from),
            score,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_references_and_see_phrases() {
        let c = "see Excision, Appendix **0DBJ**\nsee Resection, Appendix **0DTJ**";
        assert_eq!(references(c), vec!["0DBJ", "0DTJ"]);
        assert_eq!(
            see_phrases(c),
            vec!["Excision, Appendix", "Resection, Appendix"]
        );
        assert_eq!(references("**0DT"), Vec::<String>::new());
    }

    fn stored(terms: &[&str], counts: &[u32], deltas: &[u8]) -> PcsSearchIndex {
        PcsSearchIndex::from(StoredSearch {
            terms: terms.iter().map(|t| t.to_string()).collect(),
            counts: counts.to_vec(),
            deltas: deltas.to_vec(),
            ..Default::default()
        })
    }

    #[test]
    fn stored_postings_round_trip_and_invert() {
        // "append": codes 1 and 300; "resect": code 300.
        let mut ix = stored(&["append", "resect"], &[2, 1], &[1, 0xab, 0x02, 0xac, 0x02]);
        ix.prepare(301).unwrap();
        assert_eq!(ix.postings_of("append"), &[1, 300]);
        assert_eq!(ix.postings_of("resect"), &[300]);
        assert_eq!(ix.title_terms_of(300), &[0, 1]);
        assert_eq!(ix.title_terms_of(1), &[0]);
        assert!(ix.title_terms_of(0).is_empty());
        // Stored again, it is the same bytes.
        let back = StoredSearch::from(ix);
        assert_eq!(back.deltas, vec![1, 0xab, 0x02, 0xac, 0x02]);
    }

    #[test]
    fn damaged_stored_postings_are_refused() {
        let bad = [
            stored(&["a", "b"], &[2, 1], &[1, 5]), // truncated
            stored(&["a"], &[1], &[9]),            // past the codes
            stored(&["a"], &[2], &[1, 0]),         // not ascending
            stored(&["a"], &[1], &[1, 1]),         // trailing bytes
            stored(&["b", "a"], &[1, 1], &[1, 1]), // terms not sorted
            stored(&["a"], &[1], &[0xff, 0xff, 0xff, 0xff, 0xff, 1]), // overlong number
            stored(&["a"], &[1, 1], &[1, 1]),      // counts without terms
        ];
        for mut ix in bad {
            assert!(ix.prepare(8).is_err(), "{ix:?}");
        }
    }

    #[test]
    fn durations_map_to_pcs_hours() {
        assert_eq!(
            duration_terms(5.0, "days"),
            Some(phrase_terms("greater than 96 consecutive hours"))
        );
        assert_eq!(
            duration_terms(2.0, "days"),
            Some(phrase_terms("24-96 consecutive hours"))
        );
        assert_eq!(
            duration_terms(12.0, "hrs"),
            Some(phrase_terms("less than 24 consecutive hours"))
        );
    }
}
