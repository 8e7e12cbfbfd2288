//! Code search: exact codes and code prefixes, then words — abbreviations
//! expanded, the last word as a prefix, typos within an edit budget — ranked
//! by how much of the query and of the code's title matched.

pub mod fuzzy;
pub mod query;
pub mod text;

use crate::index::format::{IndexData, FLAG_BILLABLE, FLAG_SEARCHABLE, UNIT_GENERIC};
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
        SearchOptions {
            system: Some(System::Icd10cm),
            limit: 10,
        }
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

/// Per-query working memory over search units, kept between queries so a
/// keystroke allocates nothing proportional to the index.
#[derive(Default)]
pub struct Scratch {
    score: Vec<f32>,
    /// Bit i: query slot i matched.
    slots: Vec<u32>,
    /// Query words found in the unit's own text (for coverage).
    title_hits: Vec<u8>,
    touched: Vec<u32>,
    /// Frequent terms decoded once into 2 bits per unit (0 absent, else
    /// field + 1), so checking a candidate costs one lookup, not a list scan.
    field_maps: std::collections::HashMap<u32, Box<[u64]>>,
}

/// Terms at least this frequent get a field map once first needed.
const FIELD_MAP_DF: u32 = 1024;

/// Decodes a term's postings into a field map.
fn build_field_map(terms: &Terms, term: u32, units: usize) -> Box<[u64]> {
    let mut map = vec![0u64; units.div_ceil(32)].into_boxed_slice();
    terms.for_each_posting(term as usize, |unit, field| {
        let u = unit as usize;
        if u < units {
            map[u / 32] |= ((field as u64 + 1) & 3) << ((u % 32) * 2);
        }
    });
    map
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
        let start = if i == 0 {
            0
        } else {
            s.term_ends[i - 1] as usize
        };
        s.term_text
            .get(start..s.term_ends[i] as usize)
            .unwrap_or(&[])
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
                let before = if strict {
                    t.starts_with(p) || t < p
                } else {
                    t < p
                };
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
        let start = if i == 0 {
            0
        } else {
            s.posting_ends[i - 1] as usize
        };
        s.posting_ends[i] as usize - start
    }
    /// Decodes term i's postings: (node id, field).
    pub fn for_each_posting(&self, i: usize, mut f: impl FnMut(u32, u8)) {
        let s = &self.data.search;
        let start = if i == 0 {
            0
        } else {
            s.posting_ends[i - 1] as usize
        };
        let bytes = s
            .postings
            .get(start..s.posting_ends[i] as usize)
            .unwrap_or(&[]);
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
    /// Number of units the term occurs in.
    pub fn df(&self, i: usize) -> u32 {
        self.data.search.term_df.get(i).copied().unwrap_or(0)
    }
    /// Inverse document frequency.
    pub fn idf(&self, i: usize, units: usize) -> f32 {
        let df = self.df(i).max(1) as f32;
        ((units as f32 + 1.0) / df).ln().max(0.1)
    }
}

/// Weight of a match by where the word was found.
fn field_weight(field: u8) -> f32 {
    match field {
        0 => 1.0,
        1 => 0.95,
        _ => 0.5,
    }
}

/// Ranking weights, in one place so their balance is visible.
mod weight {
    /// Share of the unit's own words the query covered, times this.
    pub const COVERAGE: f32 = 2.5;
    /// Billable codes over headers when both match.
    pub const BILLABLE: f32 = 2.5;
    /// The unspecified/NOS form, when nothing in the query says otherwise.
    pub const GENERIC: f32 = 0.7;
    /// Per character a code is shorter than seven: broader codes first on ties.
    pub const SHORT_CODE: f32 = 0.08;
    /// Price of each query word a unit lacks, when it may lack one.
    pub const MISSING_WORD: f32 = 2.0;
    /// Queries of at least this many words may rank units missing one.
    pub const SLACK_FROM_WORDS: u32 = 4;
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
    let s = &data.search;
    let units = s.unit_node.len();
    let terms = Terms::new(data);
    let mut guard = scratch.borrow_mut();
    let sc = &mut *guard;
    if sc.score.len() != units {
        sc.score = vec![0.0; units];
        sc.slots = vec![0; units];
        sc.title_hits = vec![0; units];
        sc.touched.clear();
    }
    // A unit none of the j cheapest query words touch can match at most
    // G - j of the G words. So open candidates from the cheapest word, let
    // the others only add to them, and open the next cheapest word only while
    // the best candidate could still be beaten by a unit not yet seen.
    let order = parsed.groups_by_cost(&terms);
    let optional = optional_groups(parsed, opts);
    let wanted = order.iter().filter(|&&g| optional & (1 << g) == 0).count() as u32;
    let mut open_mask = 0u32;
    let mut opened_required = 0u32;
    for &g in order.iter() {
        let mask = parsed.group_slot_mask(g) & !open_mask;
        for (si, slot) in parsed.slots.iter().enumerate() {
            if mask & (1 << si) != 0 {
                accumulate(&terms, slot, si, units, sc, true);
            }
        }
        open_mask |= mask;
        for (si, slot) in parsed.slots.iter().enumerate() {
            if open_mask & (1 << si) == 0 {
                accumulate(&terms, slot, si, units, sc, false);
            }
        }
        opened_required += u32::from(optional & (1 << g) == 0);
        let best = sc
            .touched
            .iter()
            .map(|&u| (parsed.matched_words(sc.slots[u as usize]) & !optional).count_ones())
            .max()
            .unwrap_or(0);
        if best + opened_required >= wanted {
            break;
        }
    }
    let mut ranked: Vec<Ranked> = Vec::with_capacity(sc.touched.len().min(4096));
    let mut best_words = 0u32;
    // Long queries (old ICD-9 wording) carry words no title has: let a unit
    // missing one of them compete, at a price.
    let slack = u32::from(wanted >= weight::SLACK_FROM_WORDS);
    for &unit in &sc.touched {
        let u = unit as usize;
        let node_id = s.unit_node[u];
        let Some(node) = data.nodes.get(node_id as usize) else {
            continue;
        };
        if node.flags & FLAG_SEARCHABLE == 0 {
            continue;
        }
        if let Some(sys) = opts.system {
            if node.system != sys.to_u8() {
                continue;
            }
        }
        let matched_words = parsed.matched_words(sc.slots[u]);
        let count = (matched_words & !optional).count_ones();
        if count + slack < best_words {
            continue;
        }
        best_words = best_words.max(count);
        let len = s.unit_len[u].max(1) as f32;
        let coverage = (sc.title_hits[u] as f32 / len).min(1.0);
        let mut score = sc.score[u] + weight::COVERAGE * coverage;
        if node.flags & FLAG_BILLABLE != 0 {
            score += weight::BILLABLE;
        }
        if s.unit_flags[u] & UNIT_GENERIC != 0 {
            score += weight::GENERIC;
        }
        let code_len = data
            .text(node.code)
            .bytes()
            .filter(|&b| b != b'.')
            .count()
            .min(7);
        score += weight::SHORT_CODE * (7 - code_len) as f32;
        ranked.push(Ranked {
            node: node_id,
            score,
            matched_words,
        });
    }
    for &unit in &sc.touched {
        let u = unit as usize;
        sc.score[u] = 0.0;
        sc.slots[u] = 0;
        sc.title_hits[u] = 0;
    }
    sc.touched.clear();
    // A unit matching every word outranks all that miss one.
    let slack = if best_words >= wanted { 0 } else { slack };
    ranked.retain_mut(|r| {
        let missing = best_words - (r.matched_words & !optional).count_ones().min(best_words);
        r.score -= weight::MISSING_WORD * missing as f32;
        missing <= slack
    });
    let by_rank = |a: &Ranked, b: &Ranked| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.node.cmp(&b.node))
    };
    // A code may rank through several units; keep each code once, at its best.
    let limit = opts.limit.max(1);
    let want = limit * 4;
    if ranked.len() > want {
        ranked.select_nth_unstable_by(want - 1, by_rank);
        ranked.truncate(want);
    }
    ranked.sort_by(by_rank);
    let mut seen: Vec<u32> = Vec::with_capacity(limit);
    ranked.retain(|r| {
        if seen.contains(&r.node) || seen.len() >= limit {
            return false;
        }
        seen.push(r.node);
        true
    });
    ranked
}

/// Query groups that may go unmatched without dropping a result: in HCPCS,
/// numbers ("60", "125mg"), because a short descriptor often names no dose
/// or bills per unit ("toradol 60" is J1885, billed per 15 mg). Matching
/// one still adds to the score, so the code whose dose matches comes first.
fn optional_groups(parsed: &ParsedQuery, opts: &SearchOptions) -> u32 {
    if opts.system != Some(System::Hcpcs) {
        return 0;
    }
    let mut mask = 0u32;
    for (gi, g) in parsed.groups.iter().enumerate().take(32) {
        let t = g.text.as_str();
        let digits = t
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if digits > 0
            && t[digits..].bytes().all(|b| b.is_ascii_alphabetic())
            && t.len() - digits <= 3
        {
            mask |= 1 << gi;
        }
    }
    // A query of numbers only still needs them.
    if mask.count_ones() as usize >= parsed.groups.len() {
        0
    } else {
        mask
    }
}

/// Adds one query word's matches. With `open`, a unit not yet seen becomes a
/// candidate; without, only candidates gain.
fn accumulate(terms: &Terms, slot: &Slot, si: usize, units: usize, sc: &mut Scratch, open: bool) {
    let bit = 1u32 << si;
    for &(term, quality) in &slot.terms {
        let idf = terms.idf(term as usize, units) * quality;
        let df = terms.df(term as usize);
        if !open && df >= FIELD_MAP_DF && sc.touched.len() * 4 < df as usize {
            // Few candidates, long list: look each candidate up instead.
            let map = sc
                .field_maps
                .remove(&term)
                .unwrap_or_else(|| build_field_map(terms, term, units));
            for i in 0..sc.touched.len() {
                let u = sc.touched[i] as usize;
                let f = (map[u / 32] >> ((u % 32) * 2)) & 3;
                if f == 0 || sc.slots[u] & bit != 0 {
                    continue;
                }
                let field = (f - 1) as u8;
                sc.slots[u] |= bit;
                sc.score[u] += idf * field_weight(field);
                if field <= 1 && !slot.generic {
                    sc.title_hits[u] = sc.title_hits[u].saturating_add(1);
                }
            }
            sc.field_maps.insert(term, map);
            continue;
        }
        terms.for_each_posting(term as usize, |unit, field| {
            let u = unit as usize;
            if u >= units || sc.slots[u] & bit != 0 {
                return;
            }
            if sc.slots[u] == 0 {
                if !open {
                    return;
                }
                sc.touched.push(unit);
            }
            sc.slots[u] |= bit;
            sc.score[u] += idf * field_weight(field);
            if field <= 1 && !slot.generic {
                sc.title_hits[u] = sc.title_hits[u].saturating_add(1);
            }
        });
    }
}
