//! Code search: exact codes and code prefixes, then words — abbreviations
//! expanded, the last word as a prefix, typos within an edit budget — ranked
//! by how much of the query and of the code's title matched.

pub mod fuzzy;
pub mod query;
pub mod text;

use crate::index::format::{IndexData, FLAG_BILLABLE, FLAG_SEARCHABLE};
use crate::model::System;
use query::{ParsedQuery, Slot};
use std::cell::RefCell;

/// What to search and how many results to return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchOptions {
    /// `None`: every system.
    pub system: Option<System>,
    pub limit: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions { system: Some(System::Icd10cm), limit: 10 }
    }
}

/// One ranked result: a node id and why it ranked.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub node: u32,
    pub score: f32,
    /// Query words that matched (indices into `ParsedQuery::words`).
    pub matched_words: u32,
}

/// Per-query working memory, kept between queries so a keystroke allocates
/// nothing proportional to the index.
#[derive(Default)]
pub struct Scratch {
    score: Vec<f32>,
    slots: Vec<u32>,
    title_hits: Vec<u8>,
    touched: Vec<u32>,
}

/// Read-only view of the term dictionary.
pub struct Terms<'a> {
    data: &'a IndexData,
}

impl<'a> Terms<'a> {
    pub fn new(data: &'a IndexData) -> Self {
        Terms { data }
    }
    pub fn len(&self) -> usize {
        self.data.search.term_ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn term(&self, i: usize) -> &'a [u8] {
        let s = &self.data.search;
        let start = if i == 0 { 0 } else { s.term_ends[i - 1] as usize };
        s.term_text.get(start..s.term_ends[i] as usize).unwrap_or(&[])
    }
    /// Index of `t`, if it is a term.
    pub fn find(&self, t: &[u8]) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.term(mid).cmp(t) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
    /// Range of terms starting with `p`.
    pub fn prefix_range(&self, p: &[u8]) -> std::ops::Range<usize> {
        let lower = |strict: bool| {
            let (mut lo, mut hi) = (0, self.len());
            while lo < hi {
                let mid = (lo + hi) / 2;
                let t = self.term(mid);
                let before = if strict { t.starts_with(p) || t < p } else { t < p };
                if before {
                    lo = mid + 1
                } else {
                    hi = mid
                }
            }
            lo
        };
        lower(false)..lower(true)
    }
    /// Bytes of term i's posting list (a proxy for its document frequency).
    pub fn posting_bytes(&self, i: usize) -> usize {
        let s = &self.data.search;
        let start = if i == 0 { 0 } else { s.posting_ends[i - 1] as usize };
        s.posting_ends[i] as usize - start
    }
    /// Decodes term i's postings: (node id, field).
    pub fn for_each_posting(&self, i: usize, mut f: impl FnMut(u32, u8)) {
        let s = &self.data.search;
        let start = if i == 0 { 0 } else { s.posting_ends[i - 1] as usize };
        let bytes = s.postings.get(start..s.posting_ends[i] as usize).unwrap_or(&[]);
        let (mut doc, mut v, mut shift) = (0u32, 0u64, 0u32);
        for &b in bytes {
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                doc = doc.wrapping_add((v >> 2) as u32);
                f(doc, (v & 3) as u8);
                v = 0;
                shift = 0;
            } else {
                shift = (shift + 7).min(63);
            }
        }
    }
    /// Inverse document frequency from the posting size.
    pub fn idf(&self, i: usize, docs: usize) -> f32 {
        let df = (self.posting_bytes(i) as f32 / 1.6).max(1.0);
        ((docs as f32 + 1.0) / df).ln().max(0.1)
    }
}

/// Weight of a match by where the word was found.
fn field_weight(field: u8) -> f32 {
    match field {
        0 => 1.0,
        1 => 0.85,
        _ => 0.55,
    }
}

/// Runs a word query. Codes are handled by the engine before this.
pub fn search_words(
    data: &IndexData,
    scratch: &RefCell<Scratch>,
    parsed: &ParsedQuery,
    opts: &SearchOptions,
) -> Vec<Ranked> {
    if parsed.slots.is_empty() {
        return Vec::new();
    }
    let n = data.nodes.len();
    let terms = Terms::new(data);
    let mut sc = scratch.borrow_mut();
    let sc = &mut *sc;
    if sc.score.len() != n {
        sc.score = vec![0.0; n];
        sc.slots = vec![0; n];
        sc.title_hits = vec![0; n];
        sc.touched.clear();
    }
    for (si, slot) in parsed.slots.iter().enumerate() {
        let bit = 1u32 << si;
        accumulate(&terms, slot, bit, n, sc);
    }
    let mut ranked: Vec<Ranked> = Vec::with_capacity(sc.touched.len().min(4096));
    let mut best_words = 0u32;
    for &doc in &sc.touched {
        let node = &data.nodes[doc as usize];
        if node.flags & FLAG_SEARCHABLE == 0 {
            continue;
        }
        if let Some(sys) = opts.system {
            if node.system != sys.to_u8() {
                continue;
            }
        }
        let matched_words = parsed.matched_words(sc.slots[doc as usize]);
        let count = matched_words.count_ones();
        if count < best_words {
            continue;
        }
        best_words = best_words.max(count);
        let title_terms = data.search.title_terms.get(doc as usize).copied().unwrap_or(1).max(1) as f32;
        let coverage = (sc.title_hits[doc as usize] as f32 / title_terms).min(1.0);
        let mut score = sc.score[doc as usize] + 2.5 * coverage;
        if node.flags & FLAG_BILLABLE != 0 {
            score += 0.6;
        }
        ranked.push(Ranked { node: doc, score, matched_words });
    }
    for &doc in &sc.touched {
        sc.score[doc as usize] = 0.0;
        sc.slots[doc as usize] = 0;
        sc.title_hits[doc as usize] = 0;
    }
    sc.touched.clear();
    ranked.retain(|r| r.matched_words.count_ones() == best_words);
    let by_rank = |a: &Ranked, b: &Ranked| {
        b.score.partial_cmp(&a.score).unwrap_or(std::cmp::Ordering::Equal).then(a.node.cmp(&b.node))
    };
    let limit = opts.limit.max(1);
    if ranked.len() > limit {
        ranked.select_nth_unstable_by(limit - 1, by_rank);
        ranked.truncate(limit);
    }
    ranked.sort_by(by_rank);
    ranked
}

fn accumulate(terms: &Terms, slot: &Slot, bit: u32, n: usize, sc: &mut Scratch) {
    for &(term, quality) in &slot.terms {
        let idf = terms.idf(term as usize, n) * quality;
        terms.for_each_posting(term as usize, |doc, field| {
            let d = doc as usize;
            if d >= n {
                return;
            }
            if sc.slots[d] & bit != 0 {
                return;
            }
            if sc.slots[d] == 0 && sc.score[d] == 0.0 {
                sc.touched.push(doc);
            }
            sc.slots[d] |= bit;
            sc.score[d] += idf * field_weight(field);
            if field == 0 {
                sc.title_hits[d] = sc.title_hits[d].saturating_add(1);
            }
        });
    }
}
