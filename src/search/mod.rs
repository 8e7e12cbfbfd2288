//! Code search: exact codes and code prefixes, then words — abbreviations
//! expanded, the last word as a prefix, typos within an edit budget — ranked
//! by how much of the query and of the code's title matched.

#[cfg(feature = "ingest")]
pub mod everyday;
pub mod fuzzy;
pub mod packed;
pub mod query;
pub mod text;

use crate::index::format::{IndexData, TextRef, FLAG_BILLABLE, FLAG_SEARCHABLE, UNIT_GENERIC};
use crate::model::System;
use query::ParsedQuery;
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
    /// Query slots that matched (to say which expansion or default did).
    pub slots: u32,
    /// Promoted as the billable default of the header `node` ranked for.
    pub default_of: Option<u32>,
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
    /// Units the query's defaults reached (reset after the query).
    touched: Vec<u32>,
    /// Units ranked: those matching enough of the query's words.
    cands: Vec<u32>,
    /// Units the last query scored one by one, reading their node (the
    /// work that grows with the matches, for tests).
    pub last_candidates: usize,
    /// Frequent terms decoded once (`DECODE_DF`), so a frequent word costs
    /// a pass over a bit set, not a walk of its postings.
    decoded: std::collections::HashMap<u32, DecodedTerm, text::FastHash>,
    /// Searchable units per system filter, one bit per unit.
    allowed: Vec<(Option<u8>, Box<[u64]>)>,
    /// Per-query bit sets: one per slot, the word-count planes, masks.
    bits: Vec<u64>,
    /// Per candidate: (score bound, unit) when pruning.
    bounds: Vec<(f32, u32)>,
    /// 64-unit blocks the opened query words reach.
    active: Vec<u32>,
    /// Blocks of `bits` each sparse slot set wrote (`SlotSet::Sparse`).
    slot_words: Vec<u32>,
    /// What parsing looks up, kept between queries (`query::parse_with`).
    parse: query::ParseCache,
    /// Per term, the units whose own text lacks it (`Slot::unless`), built
    /// once from its decoded postings.
    lacking: Vec<(u32, Box<[u64]>)>,
    /// Per unit, the query slots matched in its own text (title or
    /// inclusion term), not only through context.
    own_slots: Vec<u32>,
    /// Per unit, its index in `cands` (valid for candidates only).
    cand_at: Vec<u32>,
    /// Per candidate and slot of a group with several alternatives: what
    /// the slot scored (`AltSlots`), summed per alternative afterwards.
    alt_part: Vec<f32>,
    /// Per candidate: bit j, slot j of `AltSlots` matched in own text.
    alt_own: Vec<u32>,
    /// Per candidate and slot of `AltSlots`: the term it matched.
    alt_term: Vec<u32>,
}

/// Parses a query, keeping what its typo scans learn about the terms.
pub fn parse_query(data: &IndexData, scratch: &RefCell<Scratch>, q: &str) -> ParsedQuery {
    query::parse_with(data, q, &mut scratch.borrow_mut().parse)
}

/// Where a query slot's bit set over units is.
#[derive(Clone, Copy)]
enum SlotSet {
    /// One frequent term: its decoded set, read in place.
    Decoded(u32),
    /// Built in `Scratch::bits`, touching every block.
    Dense,
    /// Built in `Scratch::bits` from postings: the blocks it wrote are
    /// `Scratch::slot_words[from..to]`.
    Sparse(usize, usize),
    /// A `Slot::unless` set: `Scratch::lacking[i]`, read in place.
    Lacking(usize),
}

/// A frequent term's postings decoded into bit sets over units.
struct DecodedTerm {
    /// 1 bit per unit: the term occurs.
    present: Box<[u64]>,
    /// 2 bits per unit: 0 absent, else field + 1 (fields 2 and 3 weigh the same).
    field: Box<[u64]>,
}

/// Most frequent terms kept decoded (each about 47 KB over 126,000 units;
/// the cache starts over when full, so it stays under 12 MB). Room for every
/// term at `DECODE_DF` or above (212 today): at 96 the cache started over
/// again and again across varied queries, and decoding was a quarter of
/// the wasm search time over the dev set (p99 490 → 140 µs in V8).
const MAX_DECODED_TERMS: usize = 256;

/// Terms at least this frequent are decoded once into bit sets.
const DECODE_DF: u32 = 1024;

/// Most per-candidate slot scores a query keeps for scoring a word by its
/// best alternative (`AltSlots`): 64 KB.
const MAX_ALT_PARTS: usize = 1 << 14;

/// Most units one query ranks one by one. Past it, a cheap exact part of
/// each unit's score and a bound on the rest pick the units that can still
/// reach the results (`prune`), so a lone frequent word ("fracture", 20,000
/// units) costs about what a rare one does and no result is lost.
pub const MAX_RANKED: usize = 4_096;

fn decode_term(terms: &Terms, term: u32, units: usize) -> DecodedTerm {
    let mut present = vec![0u64; units.div_ceil(64)].into_boxed_slice();
    let mut field = vec![0u64; units.div_ceil(32)].into_boxed_slice();
    terms.for_each_posting(term as usize, |unit, f| {
        let u = unit as usize;
        if u < units {
            present[u / 64] |= 1 << (u % 64);
            field[u / 32] |= (f.min(2) as u64 + 1) << ((u % 32) * 2);
        }
    });
    DecodedTerm { present, field }
}

/// Index into `list` of the units that lack `term`, in their own text and
/// in their context (an inclusion term under a "without" title is
/// "without" too), built on first use.
fn lacking_set(list: &mut Vec<(u32, Box<[u64]>)>, terms: &Terms, term: u32, units: usize) -> usize {
    if let Some(i) = list.iter().position(|(t, _)| *t == term) {
        return i;
    }
    let mut set = vec![!0u64; units.div_ceil(64)].into_boxed_slice();
    if units % 64 != 0 {
        if let Some(last) = set.last_mut() {
            *last = (1u64 << (units % 64)) - 1;
        }
    }
    if term as usize >= terms.len() {
        // `Slot::EVERY_UNIT`: no term to lack.
        list.push((term, set));
        return list.len() - 1;
    }
    terms.for_each_posting(term as usize, |unit, _| {
        let u = unit as usize;
        if u < units {
            set[u / 64] &= !(1 << (u % 64));
        }
    });
    list.push((term, set));
    list.len() - 1
}

/// Key of a context's set in `Scratch::lacking` (term ids stay below it).
const CONTEXT_SET_KEY: u32 = 1 << 31;

/// Index into `list` of the units of codes in context `bit` (a `Slot::context`
/// set), built once per context and kept with the `unless` sets.
fn context_set(
    list: &mut Vec<(u32, Box<[u64]>)>,
    s: &crate::index::format::SearchData,
    bit: u8,
    units: usize,
) -> usize {
    let key = CONTEXT_SET_KEY | u32::from(bit);
    if let Some(i) = list.iter().position(|(t, _)| *t == key) {
        return i;
    }
    let mut set = vec![0u64; units.div_ceil(64)].into_boxed_slice();
    for (u, &node) in s.unit_node.iter().enumerate().take(units) {
        if s.node_context
            .get(node as usize)
            .is_some_and(|&c| c & bit != 0)
        {
            set[u / 64] |= 1 << (u % 64);
        }
    }
    list.push((key, set));
    list.len() - 1
}

/// Per context slot of the query: its set narrowed to the units that
/// satisfy one of `Slot::context_needs` (through alternatives of no context).
/// An alternative with a sparse slot is read only in the blocks that slot
/// wrote (`slot_words`): elsewhere it matches no unit.
fn context_sets_of_query(
    parsed: &ParsedQuery,
    slot_sets: &[&[u64]],
    slot_kind: &[SlotSet],
    slot_words: &[u32],
    words: usize,
) -> Vec<(usize, Vec<u64>)> {
    let mut out = Vec::new();
    let is_context = |si: usize| parsed.slots.get(si).is_some_and(|s| s.context != 0);
    for (si, slot) in parsed.slots.iter().enumerate().take(32) {
        if slot.context == 0 {
            continue;
        }
        let ctx = slot_sets.get(si).copied().unwrap_or(&[]);
        let mut matched = vec![0u64; words];
        let mut alt_sets: Vec<&[u64]> = Vec::new();
        for (_, g) in parsed
            .groups
            .iter()
            .enumerate()
            .filter(|(gi, _)| *gi < 32 && slot.context_needs & (1 << gi) != 0)
        {
            for &alt in &g.alternatives {
                if (0..32).any(|sj| alt & (1 << sj) != 0 && is_context(sj)) {
                    continue;
                }
                alt_sets.clear();
                alt_sets.extend(
                    (0..32)
                        .filter(|sj| alt & (1 << sj) != 0)
                        .map(|sj| slot_sets.get(sj).copied().unwrap_or(&[])),
                );
                let sparse =
                    (0..32).filter(|sj| alt & (1 << sj) != 0).find_map(|sj| {
                        match slot_kind.get(sj) {
                            Some(&SlotSet::Sparse(from, to)) => slot_words.get(from..to),
                            _ => None,
                        }
                    });
                let add = |w: usize, m: &mut u64| {
                    let c = ctx.get(w).copied().unwrap_or(0);
                    if c != 0 {
                        *m |= alt_sets
                            .iter()
                            .fold(c, |aw, set| aw & set.get(w).copied().unwrap_or(0));
                    }
                };
                if let Some(blocks) = sparse {
                    for &w in blocks {
                        if let Some(m) = matched.get_mut(w as usize) {
                            add(w as usize, m);
                        }
                    }
                    continue;
                }
                // One slot (most words): a plain OR the compiler vectorizes.
                if let [one] = alt_sets[..] {
                    for (m, (&a, &c)) in matched.iter_mut().zip(one.iter().zip(ctx)) {
                        *m |= a & c;
                    }
                    continue;
                }
                for (w, m) in matched.iter_mut().enumerate() {
                    add(w, m);
                }
            }
        }
        out.push((si, matched));
    }
    out
}

/// The decoded form of a frequent term, decoding it on first use.
fn decoded<'c>(
    cache: &'c mut std::collections::HashMap<u32, DecodedTerm, text::FastHash>,
    terms: &Terms,
    term: u32,
    units: usize,
) -> &'c DecodedTerm {
    if !cache.contains_key(&term) && cache.len() >= MAX_DECODED_TERMS {
        cache.clear();
    }
    cache
        .entry(term)
        .or_insert_with(|| decode_term(terms, term, units))
}

/// Classes of a byte for `term_head`, in byte order: none (a one-byte
/// term), below '0', each digit, between digits and letters, each letter,
/// above 'z'.
const HEAD_CLASSES: usize = 40;

fn head_class(b: Option<u8>) -> usize {
    match b {
        None => 0,
        Some(b @ b'0'..=b'9') => 2 + usize::from(b - b'0'),
        Some(b @ b'a'..=b'z') => 13 + usize::from(b - b'a'),
        Some(b) if b < b'0' => 1,
        Some(b) if b < b'a' => 12,
        Some(_) => 39,
    }
}

/// A byte with a `head_class` of its own: a digit or a lower-case letter.
fn own_head_class(b: u8) -> bool {
    b.is_ascii_digit() || b.is_ascii_lowercase()
}

/// A term's bucket by its first two bytes. Never smaller for a later term
/// in byte order: a lower-case letter or digit first is its own class, and its second
/// byte's class orders the terms within it; any other first byte shares
/// its class with others, so its second byte is not read.
fn term_head(t: &[u8]) -> usize {
    let first = head_class(t.first().copied());
    match t.first() {
        Some(&b) if own_head_class(b) => first * HEAD_CLASSES + head_class(t.get(1).copied()),
        _ => first * HEAD_CLASSES,
    }
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
        let (mut lo, mut hi) = self.head_range(t);
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
    /// The terms that can begin with `p`, narrowed by its first two bytes
    /// (`term_heads`): a lookup then compares a few dozen terms' bytes, not
    /// 15 of 18,000 (a query makes dozens; in wasm each compare is a call).
    fn head_range(&self, p: &[u8]) -> (usize, usize) {
        let heads = self.term_heads();
        let at = |h: usize| heads.get(h).map_or(self.len(), |&s| s as usize);
        let h = term_head(p);
        match p {
            [] => (0, self.len()),
            // A letter or digit alone: every second byte's bucket after it.
            [b] if own_head_class(*b) => (at(h), at(h + HEAD_CLASSES)),
            // Else one bucket (any other first byte has one for all).
            _ => (at(h), at(h + 1)),
        }
    }
    /// `term_heads[h]`: the first term whose `term_head` is `h` or more
    /// (terms are sorted and the head keeps their order), built on first use.
    fn term_heads(&self) -> &'a [u32] {
        self.data.search.term_heads.get_or_init(|| {
            let mut starts = vec![0u32; HEAD_CLASSES * HEAD_CLASSES + 1];
            for i in 0..self.len() {
                if let Some(n) = starts.get_mut(term_head(self.term(i)) + 1) {
                    *n += 1;
                }
            }
            for h in 1..starts.len() {
                starts[h] += starts[h - 1];
            }
            starts.into_boxed_slice()
        })
    }
    /// Range of terms starting with `p`.
    pub fn prefix_range(&self, p: &[u8]) -> std::ops::Range<usize> {
        let (from, to) = self.head_range(p);
        let lower = |strict: bool| {
            let (mut lo, mut hi) = (from, to);
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
        idf_of_df(self.df(i) as u64, units)
    }
}

/// Inverse document frequency of `df` units out of `units`: one formula
/// for a term, a typo's candidates and a cut-short word's completions
/// together.
pub fn idf_of_df(df: u64, units: usize) -> f32 {
    ((units as f32 + 1.0) / df.max(1) as f32).ln().max(0.1)
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
    /// Below every unit matching all the query's words: a unit missing one,
    /// listed when fewer than the limit match them all (`search_words`).
    pub const FILL: f32 = 1000.0;
    /// Per query word a default's term covers, for units under its code.
    pub const DEFAULT_WORD: f32 = 2.0;
    /// The code a default names, among codes matching every query word.
    pub const DEFAULT_EXACT: f32 = 6.0;
    /// Codes under a default's deliberate prefix.
    pub const DEFAULT_PREFIX: f32 = 3.0;
    /// A code for a context (pregnancy, newborn, history, sequela,
    /// subsequent encounter…) the query does not name.
    pub const CONTEXT: f32 = 4.0;
    /// A code of the context the query names ("f/u" → a 7th-character D
    /// code over its initial-encounter sibling; "mom" → Z80-Z84).
    pub const CONTEXT_NAMED: f32 = 1.0;
    /// A unit whose own text says "without" something the query names.
    pub const NEGATED: f32 = 12.0;
}

/// Units of node `node` (units are laid out in node order).
fn units_of(s: &crate::index::format::SearchData, node: u32) -> std::ops::Range<usize> {
    let start = s.unit_node.partition_point(|&n| n < node);
    let end = s.unit_node.partition_point(|&n| n <= node);
    start..end
}

/// Node ids of ICD-10-CM codes whose undotted code starts with `prefix`.
fn codes_with_prefix<'a>(data: &'a IndexData, prefix: &str) -> &'a [u32] {
    let key = prefix.as_bytes();
    let undotted = |id: u32| {
        data.nodes
            .get(id as usize)
            .map(|n| data.text(n.code()))
            .unwrap_or("")
            .bytes()
            .filter(|&b| b != b'.')
    };
    let order = &data.code_order;
    let start = order.partition_point(|&id| undotted(id).lt(key.iter().copied()));
    let len = order[start..].partition_point(|&id| {
        let mut it = undotted(id);
        key.iter().all(|&k| it.next() == Some(k))
    });
    &order[start..start + len]
}

/// A query of at most this many words opens a word whose units could only
/// tie the best match count (see `search_words`).
const TIE_OPENS_WORDS: u32 = 2;

/// A query of at most this many words is vague enough for a header's
/// unspecified child to stand in for the header.
const VAGUE_WORDS: usize = 3;

/// Most codes a default's prefix opens (a bounded cost per query).
const MAX_DEFAULT_CODES: usize = 600;

/// What the words a default covers earn a unit under its code:
/// `DEFAULT_WORD` each; when its term is everything typed, what they would
/// earn if its title said them (the Index names the code for the whole
/// query; per word, the idf of each of its slots, as a title matching
/// every alternative earns). Else a rare word's idf in
/// a title that merely shares the words ("covid" in "Partially vaccinated
/// for COVID-19") outweighs the code the Index gives the whole term (Z23
/// for "covid vaccine"). A default for part of the query stays a nudge.
fn default_words(data: &IndexData, parsed: &ParsedQuery, d: &query::DefaultMatch) -> f32 {
    let all = (1u32 << parsed.groups.len().min(31)) - 1;
    if all & !parsed.joining & !d.groups != 0 {
        return weight::DEFAULT_WORD * d.groups.count_ones() as f32;
    }
    let terms = Terms::new(data);
    let units = data.search.unit_node.len();
    let mut total = 0.0;
    for gi in 0..parsed.groups.len().min(31) {
        if d.groups & (1 << gi) == 0 {
            continue;
        }
        // Every slot of the word, as a title holding all of them earns.
        let mask = parsed.group_slot_mask(gi);
        let earned: f32 = (0..parsed.slots.len())
            .filter(|&si| mask & (1 << si) != 0)
            .map(|si| {
                parsed.slots[si]
                    .terms
                    .iter()
                    .map(|&(t, q)| terms.idf(t as usize, units) * q)
                    .fold(0.0f32, f32::max)
            })
            .sum();
        total += earned.max(weight::DEFAULT_WORD);
    }
    total
}

/// Lets units under each default's code satisfy the words its term covers.
fn seed_defaults(data: &IndexData, parsed: &ParsedQuery, sc: &mut Scratch) {
    let s = &data.search;
    for d in &parsed.defaults {
        let bit = 1u32 << d.slot;
        let words = default_words(data, parsed, d);
        let ids = codes_with_prefix(data, &d.code);
        for &id in ids.iter().take(MAX_DEFAULT_CODES) {
            let Some(node) = data.nodes.get(id as usize) else {
                continue;
            };
            if node.system != System::Icd10cm.to_u8() {
                continue;
            }
            let exact = data
                .text(node.code())
                .bytes()
                .filter(|&b| b != b'.')
                .count()
                == d.code.len();
            if !d.prefix && !exact {
                continue;
            }
            for u in units_of(s, id) {
                if sc.slots[u] == 0 {
                    sc.touched.push(u as u32);
                }
                if sc.slots[u] & bit != 0 {
                    continue;
                }
                sc.slots[u] |= bit;
                sc.score[u] += words;
                if !d.prefix {
                    // The Index names this code for these words: they cover it.
                    sc.title_hits[u] = s.unit_len[u];
                }
            }
        }
    }
}

/// The billable code a header stands for when a query is vague: its
/// unspecified child, or its first 7th-character code (initial encounter).
fn default_child(data: &IndexData, header: u32) -> Option<u32> {
    let node = data.nodes.get(header as usize)?;
    if node.flags & FLAG_BILLABLE != 0 || node.system != System::Icd10cm.to_u8() {
        return None;
    }
    let (start, count) = (node.child_start as usize, node.child_count as usize);
    let kids = data.child_ids.get(start..start + count)?;
    let s = &data.search;
    let billable = |&&c: &&u32| {
        data.nodes
            .get(c as usize)
            .is_some_and(|n| n.flags & FLAG_BILLABLE != 0 && n.flags & FLAG_SEARCHABLE != 0)
    };
    if let Some(&first) = kids.first() {
        if data
            .nodes
            .get(first as usize)
            .is_some_and(|n| n.seventh != 0)
        {
            return kids.iter().find(billable).copied();
        }
    }
    // The most unspecified of the generic children: under H00.01 Hordeolum
    // externum, H00.019 "unspecified eye, unspecified eyelid", not H00.013
    // "right eye, unspecified eyelid" (the first generic one, which a vague
    // "stye" gave).
    let mut title = String::new();
    let mut unspecified = |c: u32| {
        title.clear();
        if let Some(n) = data.nodes.get(c as usize) {
            data.phrase_into(n.title(), &mut title);
        }
        // "nspecified": "Unspecified …" and "… unspecified" alike
        title.matches("nspecified").count()
    };
    let mut best: Option<(u32, usize)> = None;
    for &c in kids.iter().filter(billable) {
        let generic = units_of(s, c)
            .next()
            .is_some_and(|u| s.unit_flags[u] & UNIT_GENERIC != 0);
        if !generic {
            continue;
        }
        let n = unspecified(c);
        if best.map_or(true, |(_, m)| n > m) {
            best = Some((c, n));
        }
    }
    best.map(|(c, _)| c)
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
    // The query-time expansions are ICD-10-CM's (HCPCS's own names are
    // search units of their codes): in HCPCS they only mislead.
    let own_words;
    let parsed =
        if opts.system == Some(System::Hcpcs) && parsed.groups.iter().any(|g| g.expanded != 0) {
            own_words = without_expansions(parsed);
            &own_words
        } else {
            parsed
        };
    let s = &data.search;
    let units = s.unit_node.len();
    let terms = Terms::new(data);
    let mut guard = scratch.borrow_mut();
    let sc = &mut *guard;
    if sc.score.len() != units {
        sc.score = vec![0.0; units];
        sc.slots = vec![0; units];
        sc.own_slots = vec![0; units];
        sc.title_hits = vec![0; units];
        sc.touched.clear();
    }
    // A query of joining words alone ("with") has nothing to join.
    let content_query = parsed.joining.count_ones() < parsed.groups.len() as u32;
    // Bounded work whatever was typed: each query word becomes one bit set
    // over the units (a frequent term's is decoded once and kept), the
    // number of words each unit matches is added up 64 units at a time in
    // bit-sliced counters, and only the units that match enough words to
    // appear at all are scored and ranked one by one. A frequent word costs
    // a pass over a 16 KB bit set, the same as a rare one, and no unit that
    // could rank is left out (the old per-term cap of 8,000 could).
    seed_defaults(data, parsed, sc);
    // The type letter A ("hepatitis a"; once dropped as the article) scores
    // where a title has it, but a code for the word whose title names no
    // type still matches ("exposure to hepatitis a": Z20.5 "… exposure to
    // viral hepatitis"). Other letters stay required, as they always were.
    let type_a = (0..parsed.groups.len().min(32))
        .filter(|&g| parsed.type_letters & (1 << g) != 0 && parsed.groups[g].text == "a")
        .fold(0u32, |m, g| m | (1 << g));
    let optional = optional_groups(parsed, opts) | type_a;
    let required: Vec<usize> = (0..parsed.groups.len())
        .filter(|&g| optional & (1 << g) == 0 && !parsed.groups[g].alternatives.is_empty())
        .collect();
    let wanted = required.len() as u32;
    let words = units.div_ceil(64);
    let nslots = parsed.slots.len();
    let nplanes = (32 - wanted.leading_zeros()).max(1) as usize;
    let allowed_at = allowed_units(data, &mut sc.allowed, opts.system.map(System::to_u8));
    let allowed = &sc.allowed[allowed_at].1;
    // `bits` is all zeros between queries: what a query sets, it clears
    // (`clear_bits` below), so a query with rare words touches a few blocks
    // of it, not 16 KB per slot.
    let need = words * (nslots + nplanes + 4);
    if sc.bits.len() < need {
        sc.bits.clear();
        sc.bits.resize(need, 0);
    }
    // Frequent terms decoded first, so a slot of one such term reads the
    // decoded set in place (no copy).
    for slot in &parsed.slots {
        for &(term, _) in &slot.terms {
            if terms.df(term as usize) >= DECODE_DF {
                decoded(&mut sc.decoded, &terms, term, units);
            }
        }
    }
    let (slot_region, rest) = sc.bits.split_at_mut(words * nslots);
    let (planes, rest) = rest.split_at_mut(words * nplanes);
    let (any, rest) = rest.split_at_mut(words);
    let (mask, rest) = rest.split_at_mut(words);
    let opened = &mut rest[..words];
    // Per slot: where its set is, and which blocks of `slot_region` it wrote.
    let mut slot_kind: Vec<SlotSet> = Vec::with_capacity(nslots);
    sc.slot_words.clear();
    for (si, slot) in parsed.slots.iter().enumerate() {
        if slot.context != 0 {
            slot_kind.push(SlotSet::Lacking(context_set(
                &mut sc.lacking,
                &data.search,
                slot.context,
                units,
            )));
            continue;
        }
        if let Some(t) = slot.unless {
            if content_query {
                slot_kind.push(SlotSet::Lacking(lacking_set(
                    &mut sc.lacking,
                    &terms,
                    t,
                    units,
                )));
                continue;
            }
        }
        if let [(term, _)] = slot.terms[..] {
            if terms.df(term as usize) >= DECODE_DF && sc.decoded.contains_key(&term) {
                slot_kind.push(SlotSet::Decoded(term));
                continue;
            }
        }
        let set = &mut slot_region[si * words..(si + 1) * words];
        let first = sc.slot_words.len();
        let mut dense = false;
        if slot.terms.is_empty() && slot.unless.is_none() {
            // A default's slot: the units `seed_defaults` reached.
            for &unit in &sc.touched {
                let u = unit as usize;
                if sc.slots[u] & (1 << si) != 0 {
                    if set[u / 64] == 0 {
                        sc.slot_words.push((u / 64) as u32);
                    }
                    set[u / 64] |= 1 << (u % 64);
                }
            }
        }
        for &(term, _) in &slot.terms {
            match sc.decoded.get(&term) {
                Some(d) if terms.df(term as usize) >= DECODE_DF => {
                    dense = true;
                    for (a, b) in set.iter_mut().zip(d.present.iter()) {
                        *a |= b;
                    }
                }
                _ => {
                    let words_of = &mut sc.slot_words;
                    terms.for_each_posting(term as usize, |unit, _| {
                        let u = unit as usize;
                        if u < units {
                            if set[u / 64] == 0 {
                                words_of.push((u / 64) as u32);
                            }
                            set[u / 64] |= 1 << (u % 64);
                        }
                    });
                }
            }
        }
        slot_kind.push(if dense {
            SlotSet::Dense
        } else {
            SlotSet::Sparse(first, sc.slot_words.len())
        });
    }
    let slot_region: &[u64] = slot_region;
    let mut slot_sets: Vec<&[u64]> = slot_kind
        .iter()
        .enumerate()
        .map(|(si, k)| match k {
            SlotSet::Decoded(t) => match sc.decoded.get(t) {
                Some(d) => &d.present[..],
                None => &[],
            },
            SlotSet::Lacking(i) => &sc.lacking[*i].1[..],
            _ => &slot_region[si * words..(si + 1) * words],
        })
        .collect();
    // A context's slot counts only for units that match one of the query's
    // condition words: "follow up visit for pneumonia" is not W94.11XD
    // (visit at high altitude, subsequent encounter) for lacking "pneumonia".
    let context_sets = context_sets_of_query(parsed, &slot_sets, &slot_kind, &sc.slot_words, words);
    for (si, set) in &context_sets {
        slot_sets[*si] = &set[..];
    }
    let slot_words = &sc.slot_words;
    // Words matched per unit, as binary digits in `planes` (plane p, bit u),
    // counted only where a unit could become a candidate: in the 64-unit
    // blocks the opened words reach (below). A query with a rare word
    // counts a few blocks, not all 2,000.
    let count_block = |w: usize, planes: &mut [u64], any: &mut [u64]| {
        let al = allowed.get(w).copied().unwrap_or(0);
        let mut anyw = 0u64;
        for set in &slot_sets {
            anyw |= set.get(w).copied().unwrap_or(0);
        }
        any[w] = anyw & al;
        if any[w] == 0 {
            return;
        }
        for &g in &required {
            let mut gw = 0u64;
            for &alt in &parsed.groups[g].alternatives {
                let mut aw = !0u64;
                let mut m = alt;
                while m != 0 {
                    let si = m.trailing_zeros() as usize;
                    m &= m - 1;
                    aw &= slot_sets
                        .get(si)
                        .and_then(|set| set.get(w))
                        .copied()
                        .unwrap_or(0);
                }
                gw |= aw;
            }
            let mut carry = gw & al;
            for p in 0..nplanes {
                if carry == 0 {
                    break;
                }
                let t = planes[p * words + w] & carry;
                planes[p * words + w] ^= carry;
                carry = t;
            }
        }
    };
    // Opens slot `si`: its units join `opened`; blocks reached for the
    // first time are counted and listed in `active`.
    let active = &mut sc.active;
    active.clear();
    let open_slot = |si: usize,
                     active: &mut Vec<u32>,
                     opened: &mut [u64],
                     planes: &mut [u64],
                     any: &mut [u64]| {
        let set = slot_sets[si];
        let mut open = |w: usize, x: u64| {
            if x != 0 {
                if opened[w] == 0 {
                    active.push(w as u32);
                    count_block(w, planes, any);
                }
                opened[w] |= x;
            }
        };
        match slot_kind[si] {
            SlotSet::Sparse(from, to) => {
                for &w in &slot_words[from..to] {
                    open(w as usize, set[w as usize]);
                }
            }
            _ => {
                for (w, &x) in set.iter().enumerate() {
                    open(w, x);
                }
            }
        }
    };
    // Candidates come from the rarest words first: a unit none of the j
    // rarest words reach matches at most wanted - j words, so once some
    // reached unit matches that many, the rest cannot beat it (a unit that
    // only ties it through frequent words stays out, as a query's rare word
    // is what it is about). `opened`: units the opened words reach (and the
    // defaults' units); `best`: the most words a unit among them matched.
    for (si, slot) in parsed.slots.iter().enumerate() {
        if slot.terms.is_empty() && slot.unless.is_none() && slot.context == 0 {
            open_slot(si, active, opened, planes, any);
        }
    }
    let mut best = 0u32;
    let mut opened_groups = 0u32;
    let context_slots = (0..nslots.min(32))
        .filter(|&si| parsed.slots[si].context != 0)
        .fold(0u32, |a, si| a | (1 << si));
    for g in parsed.groups_by_cost(&terms) {
        let gmask = parsed.group_slot_mask(g);
        // A context's slot (every follow-up code) only marks units other words reach.
        for si in (0..nslots).filter(|&si| gmask & (1 << si) != 0 && parsed.slots[si].context == 0)
        {
            open_slot(si, active, opened, planes, any);
        }
        // A word a context may satisfy bounds nothing until every condition word the context
        // needs is open too: till then a unit it did not reach may still have it (through the
        // context); after, a unit no opened word reached has no context slot either.
        opened_groups |= 1 << g.min(31);
        let opened_required = (0..parsed.groups.len().min(32))
            .filter(|&h| opened_groups & (1 << h) != 0 && optional & (1 << h) == 0)
            .filter(|&h| {
                let hmask = parsed.group_slot_mask(h);
                (0..nslots.min(32))
                    .filter(|&si| hmask & context_slots & (1 << si) != 0)
                    .all(|si| parsed.slots[si].context_needs & !opened_groups == 0)
            })
            .count() as u32;
        // The most words any opened unit matched, top digit first.
        for &w in active.iter() {
            let w = w as usize;
            mask[w] = opened[w] & any[w];
        }
        best = 0;
        for p in (0..nplanes).rev() {
            let plane = &planes[p * words..(p + 1) * words];
            if active
                .iter()
                .any(|&w| mask[w as usize] & plane[w as usize] != 0)
            {
                for &w in active.iter() {
                    mask[w as usize] &= plane[w as usize];
                }
                best |= 1 << p;
            }
        }
        // Stop when no unit an unopened word reaches can match more words.
        // In a short query no unit matches whole, one it could tie still
        // opens: "frequent pvc" matches I49.3 by pvc alone, and its score,
        // not the order words open in, must decide against "frequent"
        // menstruation (N92.0). A long query stops at the tie (its work).
        let tie_opens = best < wanted && wanted <= TIE_OPENS_WORDS;
        if best + opened_required > wanted || (best + opened_required == wanted && !tie_opens) {
            break;
        }
    }
    // Long queries (old ICD-9 wording) carry words no title has: let a unit
    // missing one of them compete, at a price. A unit matching every word
    // outranks all that miss one.
    let slack = u32::from(wanted >= weight::SLACK_FROM_WORDS);
    let slack = if best >= wanted { 0 } else { slack };
    let mut threshold = best.saturating_sub(slack);
    // Opened units of block `w` matching at least `threshold` words.
    let at_least = |w: usize, threshold: u32| {
        let mut ge = any[w] & opened[w];
        if threshold > 0 {
            let (mut gt, mut eq) = (0u64, !0u64);
            for p in (0..nplanes).rev() {
                let x = planes[p * words + w];
                if (threshold >> p) & 1 == 1 {
                    eq &= x;
                } else {
                    gt |= eq & x;
                    eq &= !x;
                }
            }
            ge &= gt | eq;
        }
        ge
    };
    // Fill: when fewer units than the limit match every word of a long
    // query, units missing one word follow them (ranked below all of
    // them: `weight::FILL`). Only among the units the opened words reach
    // (the query's rarest words), so the fill costs no posting list more;
    // not while the last word is half-typed (its completions are guesses).
    let limit = opts.limit.max(1);
    let fill = best == wanted
        && wanted >= weight::SLACK_FROM_WORDS
        && !parsed.last_partial
        && active
            .iter()
            .map(|&w| at_least(w as usize, wanted).count_ones() as usize)
            .sum::<usize>()
            < limit;
    if fill {
        threshold = wanted - 1;
    }
    sc.cands.clear();
    // In unit order, as ranking ties are broken by it.
    active.sort_unstable();
    for &w in active.iter() {
        let w = w as usize;
        let ge = at_least(w, threshold);
        mask[w] = ge;
        let mut b = ge;
        while b != 0 {
            sc.cands.push((w * 64) as u32 + b.trailing_zeros());
            b &= b - 1;
        }
    }
    // Score the candidates: per query slot, the first of its terms (in
    // order) a unit holds, by where it was found. Through the decoded bit
    // set when that is less work than walking the postings.
    let ncand = sc.cands.len();
    // Own-text matches matter only for words some default leaves out.
    let all_groups = (1u32 << parsed.groups.len().min(31)) - 1;
    let own_needed = parsed
        .defaults
        .iter()
        .fold(0u32, |a, d| a | (all_groups & !d.groups & !parsed.joining));
    let own_slot_mask = (0..parsed.groups.len())
        .filter(|g| own_needed & (1 << g) != 0)
        .fold(0u32, |a, g| a | parsed.group_slot_mask(g));
    // A word with several alternatives scores by its best one: the typed
    // "e coli" and its expansion "escherichia coli" must not both score
    // "coli". Their slots score into `alt_part` per candidate, summed per
    // alternative below.
    // Bounded memory and work: past `MAX_ALT_PARTS` (a flood of
    // abbreviations over thousands of candidates) alternatives add up as
    // they did before.
    let alt_slots = AltSlots::of(parsed);
    let m = if ncand * alt_slots.len <= MAX_ALT_PARTS {
        alt_slots.len
    } else {
        0
    };
    if m > 0 {
        if sc.cand_at.len() != units {
            sc.cand_at = vec![0; units];
        }
        for (i, &unit) in sc.cands.iter().enumerate() {
            sc.cand_at[unit as usize] = i as u32;
        }
        sc.alt_part.clear();
        sc.alt_part.resize(ncand * m, 0.0);
        sc.alt_own.clear();
        sc.alt_own.resize(ncand, 0);
        sc.alt_term.clear();
        sc.alt_term.resize(ncand * m, 0);
    }
    for (si, slot) in parsed.slots.iter().enumerate() {
        let bit = 1u32 << si;
        let track_own = own_slot_mask & bit != 0;
        let alt_j = if m > 0 {
            alt_slots.of_slot[si]
        } else {
            AltSlots::NONE
        };
        if let SlotSet::Lacking(i) = slot_kind[si] {
            let set = context_sets
                .iter()
                .find(|(c, _)| *c == si)
                .map_or(&sc.lacking[i].1[..], |(_, set)| &set[..]);
            for &unit in &sc.cands {
                let u = unit as usize;
                if (set[u / 64] >> (u % 64)) & 1 != 0 {
                    sc.slots[u] |= bit;
                }
            }
            continue;
        }
        for &(term, quality) in &slot.terms {
            let idf = terms.idf(term as usize, units) * quality;
            let df = terms.df(term as usize);
            let (score, slots, title_hits, own_slots) = (
                &mut sc.score,
                &mut sc.slots,
                &mut sc.title_hits,
                &mut sc.own_slots,
            );
            let (cand_at, alt_part, alt_own, alt_term) = (
                &sc.cand_at,
                &mut sc.alt_part,
                &mut sc.alt_own,
                &mut sc.alt_term,
            );
            let mut hit = |u: usize, field: u8| {
                // Only defaults read it (`default_bonus`): no second array
                // to write per posting otherwise.
                if track_own && field <= 1 {
                    own_slots[u] |= bit;
                }
                if slots[u] & bit != 0 {
                    return;
                }
                slots[u] |= bit;
                let own_word = field <= 1 && !slot.generic;
                if alt_j != AltSlots::NONE {
                    let (c, j) = (cand_at[u] as usize, alt_j as usize);
                    alt_part[c * m + j] = idf * field_weight(field);
                    if own_word {
                        alt_own[c] |= 1 << j;
                        alt_term[c * m + j] = term;
                    }
                    return;
                }
                score[u] += idf * field_weight(field);
                if own_word {
                    title_hits[u] = title_hits[u].saturating_add(1);
                }
            };
            if df >= DECODE_DF && ncand < df as usize {
                let d = decoded(&mut sc.decoded, &terms, term, units);
                for &unit in &sc.cands {
                    let u = unit as usize;
                    let f = (d.field[u / 32] >> ((u % 32) * 2)) & 3;
                    if f != 0 {
                        hit(u, (f - 1) as u8);
                    }
                }
            } else {
                terms.for_each_posting(term as usize, |unit, field| {
                    let u = unit as usize;
                    if u < units && (mask[u / 64] >> (u % 64)) & 1 != 0 {
                        hit(u, field);
                    }
                });
            }
        }
    }
    if m > 0 {
        for (c, &unit) in sc.cands.iter().enumerate() {
            let u = unit as usize;
            let part = &sc.alt_part[c * m..(c + 1) * m];
            let term_of = &sc.alt_term[c * m..(c + 1) * m];
            for alts in &alt_slots.groups {
                let mut best = 0.0f32;
                let mut all = 0u32;
                for &alt in alts {
                    all |= alt;
                    let (mut sum, mut bits) = (0.0f32, alt);
                    while bits != 0 {
                        sum += part[bits.trailing_zeros() as usize];
                        bits &= bits - 1;
                    }
                    best = best.max(sum);
                }
                sc.score[u] += best;
                // Coverage: the unit's own words any alternative matched,
                // each once ("coli" of "e coli" and of "escherichia coli").
                let own = sc.alt_own[c] & all;
                let (mut distinct, mut rest) = (0u8, own);
                while rest != 0 {
                    let j = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    let (mut earlier, mut repeat) = (own & ((1u32 << j) - 1), false);
                    while earlier != 0 {
                        repeat |= term_of[earlier.trailing_zeros() as usize] == term_of[j];
                        earlier &= earlier - 1;
                    }
                    distinct += u8::from(!repeat);
                }
                sc.title_hits[u] = sc.title_hits[u].saturating_add(distinct);
            }
        }
    }
    let count_of = |u: usize| {
        (0..nplanes).fold(0u32, |c, p| {
            c | ((((planes[p * words + u / 64] >> (u % 64)) & 1) as u32) << p)
        })
    };
    // Each candidate's score into 8 bytes; only the best `want` become
    // `Ranked`. A score needs the unit's node (flags, code, context): a cache
    // miss each when thousands of units match. So past `MAX_RANKED`
    // candidates, first bound every score from the unit's own arrays, then
    // score exactly in falling order of bound, and stop once no bound left
    // can reach the `want`-th score found: the same results, bounded work.
    let want = limit * 4;
    let ctx = UnitScore {
        data,
        parsed,
        fill_price: if fill { weight::FILL } else { 0.0 },
        score: &sc.score,
        slots: &sc.slots,
        own_slots: &sc.own_slots,
        title_hits: &sc.title_hits,
    };
    let mut exact: Vec<(f32, u32)> = Vec::with_capacity(ncand.min(MAX_RANKED));
    if ncand <= MAX_RANKED {
        for &unit in &sc.cands {
            let missing = best - count_of(unit as usize).min(best);
            if let Some(x) = ctx.exact(unit as usize, missing) {
                exact.push((x, unit));
            }
        }
    } else {
        sc.bounds.clear();
        sc.bounds.extend(sc.cands.iter().map(|&unit| {
            let missing = best - count_of(unit as usize).min(best);
            (ctx.bound(unit as usize, missing), unit)
        }));
        let mut rest: &mut [(f32, u32)] = &mut sc.bounds;
        let mut chunk = (want * 8).max(256);
        let mut kth = f32::NEG_INFINITY;
        while !rest.is_empty() {
            let n = chunk.min(rest.len());
            if n < rest.len() {
                rest.select_nth_unstable_by(n - 1, |a, b| {
                    b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal)
                });
            }
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(n);
            for &(_, unit) in head.iter() {
                let missing = best - count_of(unit as usize).min(best);
                if let Some(x) = ctx.exact(unit as usize, missing) {
                    exact.push((x, unit));
                }
            }
            if exact.len() >= want {
                let mut top: Vec<f32> = exact.iter().map(|e| e.0).collect();
                top.select_nth_unstable_by(want - 1, |a, b| {
                    b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal)
                });
                kth = top[want - 1];
            }
            let next_bound = tail.iter().map(|b| b.0).fold(f32::NEG_INFINITY, f32::max);
            if next_bound < kth {
                break;
            }
            rest = tail;
            chunk *= 2;
        }
    }
    // A code may rank through several units; keep each code once, at its best.
    let by_score = |a: &(f32, u32), b: &(f32, u32)| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(s.unit_node[a.1 as usize].cmp(&s.unit_node[b.1 as usize]))
    };
    sc.last_candidates = exact.len();
    if exact.len() > want {
        exact.select_nth_unstable_by(want - 1, by_score);
        exact.truncate(want);
    }
    // The results' own words: one that says "without" what the query
    // names ("Chills (without fever)" for "fever and chills") names the
    // opposite, however many words it matched; so does one that says
    // present what the query says absent ("… without foreign body, with
    // damage to nail" is not "with foreign body … without damage"), or
    // "not specified as recurrent" for "…, recurrent".
    // Its default gives way too: "ketoacidosis without coma" is the
    // default for "dm with ketoacidosis", not for "… with coma".
    // Only the few results kept (`want`) are read, only when the query
    // names two things or more, and, when the query says nothing is
    // absent, only those whose words include "without", "not" or "no" (a
    // bit test): a conflict then needs one.
    let content_groups = parsed.groups.len() as u32 - parsed.joining.count_ones();
    if content_groups >= 2 {
        let mut gates: Vec<usize> = Vec::new();
        if parsed.negated == 0 {
            for word in [&b"without"[..], b"not", b"no"] {
                if let Some(t) = terms.find(word) {
                    gates.push(lacking_set(&mut sc.lacking, &terms, t as u32, units));
                }
            }
        }
        let may_conflict = |u: usize| {
            parsed.negated != 0
                || gates
                    .iter()
                    .any(|&i| (sc.lacking[i].1[u / 64] >> (u % 64)) & 1 == 0)
        };
        for e in exact.iter_mut() {
            let u = e.1 as usize;
            if may_conflict(u) && polarity_conflict(data, parsed, u) {
                e.0 -= weight::NEGATED + ctx.default_part(u);
            }
        }
    }
    sc.bounds = exact;
    let mut ranked: Vec<Ranked> = sc
        .bounds
        .iter()
        .map(|&(score, unit)| Ranked {
            node: s.unit_node[unit as usize],
            score,
            matched_words: 0,
            slots: sc.slots[unit as usize],
            default_of: None,
        })
        .collect();
    // Back to all zeros: what this query set in `bits`.
    for &w in sc.active.iter() {
        let w = w as usize;
        for p in 0..nplanes {
            planes[p * words + w] = 0;
        }
        any[w] = 0;
        mask[w] = 0;
        opened[w] = 0;
    }
    for (si, k) in slot_kind.iter().enumerate() {
        match *k {
            SlotSet::Decoded(_) | SlotSet::Lacking(_) => {}
            SlotSet::Dense => sc.bits[si * words..(si + 1) * words].fill(0),
            SlotSet::Sparse(from, to) => {
                for &w in &sc.slot_words[from..to] {
                    sc.bits[si * words + w as usize] = 0;
                }
            }
        }
    }
    for &unit in sc.touched.iter().chain(&sc.cands) {
        let u = unit as usize;
        sc.score[u] = 0.0;
        sc.slots[u] = 0;
        sc.own_slots[u] = 0;
        sc.title_hits[u] = 0;
    }
    sc.touched.clear();
    sc.cands.clear();
    let by_rank = |a: &Ranked, b: &Ranked| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.node.cmp(&b.node))
    };
    ranked.sort_by(by_rank);
    for r in &mut ranked {
        r.matched_words = parsed.matched_words(r.slots);
    }
    // A vague query stops at a header ("ptsd" → F43.1): put its billable
    // default just above it.
    // Only for a vague (short) query, and only a child that matched as much.
    let vague = parsed.groups.len() <= VAGUE_WORDS;
    let promoted: Vec<Ranked> = ranked
        .iter()
        .take(if vague { limit } else { 0 })
        .filter_map(|r| {
            let child = default_child(data, r.node)?;
            let own = ranked.iter().find(|o| o.node == child)?;
            if own.matched_words & r.matched_words != r.matched_words {
                return None;
            }
            Some(Ranked {
                node: child,
                score: r.score + 0.01,
                matched_words: r.matched_words,
                slots: r.slots,
                default_of: Some(r.node),
            })
        })
        .collect();
    if !promoted.is_empty() {
        ranked.extend(promoted);
        ranked.sort_by(by_rank);
    }
    // The fill lists at most half the limit: what it is for (the right
    // code missing a word the lone full match has) ranks near the top, and
    // each result costs its building on every keystroke.
    let required_mask = required.iter().fold(0u32, |a, &g| a | (1 << g));
    let fill_room = if fill { limit.div_ceil(2) } else { limit };
    let mut seen: Vec<u32> = Vec::with_capacity(limit);
    ranked.retain(|r| {
        if seen.contains(&r.node) || seen.len() >= limit {
            return false;
        }
        if seen.len() >= fill_room && r.matched_words & required_mask != required_mask {
            return false;
        }
        seen.push(r.node);
        true
    });
    ranked
}

/// `parsed` without its expansion alternatives; a slot only they used
/// matches nothing.
fn without_expansions(parsed: &ParsedQuery) -> ParsedQuery {
    let mut out = parsed.clone();
    let mut kept = 0u32;
    for g in &mut out.groups {
        let (alts, labels) = (
            std::mem::take(&mut g.alternatives),
            std::mem::take(&mut g.labels),
        );
        for (i, (alt, label)) in alts.into_iter().zip(labels).enumerate() {
            if g.expanded & (1u32 << i.min(31)) == 0 {
                kept |= alt;
                g.alternatives.push(alt);
                g.labels.push(label);
            }
        }
        g.expanded = 0;
    }
    for (si, slot) in out.slots.iter_mut().enumerate() {
        if kept & (1 << si) == 0 {
            slot.terms.clear();
            slot.unless = None;
        }
    }
    out
}

/// Bonus of a unit matching every word for the defaults it falls under.
/// A default for part of the query ("nausea" in "nausea and vomiting")
/// does not count for a unit that matched the rest only through its
/// parent's title ("Nausea" under "Nausea and vomiting"): a sibling names
/// the whole.
fn default_bonus(data: &IndexData, parsed: &ParsedQuery, r: &Ranked, own: u32) -> f32 {
    let mut bonus: f32 = 0.0;
    let by_defaults = parsed
        .defaults
        .iter()
        .filter(|d| r.slots & (1 << d.slot) != 0)
        .fold(0u32, |a, d| a | (1 << d.slot));
    let own_words = parsed.matched_words(own | by_defaults);
    for d in &parsed.defaults {
        if r.slots & (1 << d.slot) == 0 {
            continue;
        }
        let rest = ((1u32 << parsed.groups.len().min(31)) - 1) & !d.groups & !parsed.joining;
        if rest & parsed.matched_words(r.slots) & !own_words != 0 {
            continue;
        }
        let exact = data.nodes.get(r.node as usize).is_some_and(|n| {
            data.text(n.code()).bytes().filter(|&b| b != b'.').count() == d.code.len()
        });
        bonus = bonus.max(if exact && !d.prefix {
            weight::DEFAULT_EXACT
        } else {
            weight::DEFAULT_PREFIX
        });
    }
    bonus
}

/// The own text of unit `u`: its code's title, or the inclusion term it
/// was built from (`index::build` lays a node's units out as the title,
/// then its inclusion and "includes" notes in order, then everyday units).
/// Titles and notes are stored as word ids (index v6): this names the
/// phrase; `IndexData::phrase_into` reads it.
fn unit_text(data: &IndexData, u: usize) -> Option<TextRef> {
    let s = &data.search;
    let node = *s.unit_node.get(u)?;
    let first = units_of(s, node).start;
    let k = u.checked_sub(first)?;
    if k == 0 {
        return data.nodes.get(node as usize).map(|n| n.title());
    }
    data.notes_of(node)
        .iter()
        .filter(|n| {
            matches!(
                crate::model::NoteKind::from_u8(n.kind),
                crate::model::NoteKind::InclusionTerm | crate::model::NoteKind::Includes
            )
        })
        .nth(k - 1)
        .map(|n| n.text)
}

/// Unit `u`'s own text into `out`, then (for an inclusion term) "; " and
/// its code's title, the title in full (`IndexData::full_title_into`: a
/// 7th-character code's is its parent's and its character's meaning).
/// False when the unit has no text.
fn unit_text_with_title(data: &IndexData, u: usize, out: &mut String) -> bool {
    let Some(own_ref) = unit_text(data, u) else {
        return false;
    };
    let Some(&node) = data.search.unit_node.get(u) else {
        return false;
    };
    if data.nodes.get(node as usize).map(|n| n.title()) != Some(own_ref) {
        data.phrase_into(own_ref, out);
        out.push_str("; ");
    }
    data.full_title_into(node, out);
    true
}

/// Most characters of a unit's text read for "without".
const MAX_NEGATION_TEXT: usize = 400;

/// True when unit `u`'s own text (with its code's title, for an inclusion
/// term) says present what the query says absent, or absent what the query
/// says present (`ParsedQuery::negated`; both read by
/// `query::for_each_polar_word`). A word the text has both ways, or not at
/// all, is no conflict.
fn polarity_conflict(data: &IndexData, parsed: &ParsedQuery, u: usize) -> bool {
    let mut text = String::new();
    if !unit_text_with_title(data, u, &mut text) || text.len() > MAX_NEGATION_TEXT {
        return false;
    }
    // The text's words once, each with whether it is said absent; then per
    // stem: (found absent, found present), a stem matching a word's start.
    let mut words: Vec<(&str, bool)> = Vec::new();
    query::for_each_polar_word(&text, |w, absent| words.push((w, absent)));
    let found = |stem: &str| {
        let (mut absent, mut present) = (false, false);
        for &(w, neg) in &words {
            if w.len() >= stem.len()
                && w.as_bytes()[..stem.len()].eq_ignore_ascii_case(stem.as_bytes())
            {
                if neg {
                    absent = true;
                } else {
                    present = true;
                }
            }
        }
        (absent, present)
    };
    parsed.groups.iter().enumerate().take(32).any(|(gi, g)| {
        if parsed.joining & (1 << gi) != 0 {
            return false;
        }
        let query_absent = parsed.negated & (1 << gi) != 0;
        let mut conflict = false;
        for (ai, alt) in g.stems.iter().enumerate() {
            // What a word typed as absent stands for may say it the other
            // way round ("not available" read as "unavailability"): only
            // the words as typed count there.
            if query_absent && (ai >= 32 || g.typed_stems & (1 << ai) == 0) {
                continue;
            }
            // An expansion may say absence itself ("nec": not elsewhere
            // classified), which turns what it says around.
            let (mut all_agree, mut any_conflict, mut inner_absent, mut read) =
                (true, false, false, 0);
            for t in alt {
                match t.as_str() {
                    "not" | "no" | "without" => inner_absent = true,
                    "with" => inner_absent = false,
                    _ => {
                        read += 1;
                        let (absent, present) = found(t);
                        let (agree, against) = if query_absent != inner_absent {
                            (absent, present && !absent)
                        } else {
                            (present, absent && !present)
                        };
                        all_agree &= agree;
                        any_conflict |= against;
                    }
                }
            }
            if read > 0 && all_agree {
                return false;
            }
            conflict |= any_conflict;
        }
        conflict
    })
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

/// The term slots of query words with several alternatives of terms (the
/// typed word, its expansions, its splits), numbered 0.. per query, so a
/// unit's score for such a word is its best alternative's, not their sum.
struct AltSlots {
    /// Per query slot: its number here, or `NONE`.
    of_slot: [u8; query::MAX_SLOTS],
    /// Slots numbered.
    len: usize,
    /// Per such word, each alternative's slots as a mask over the numbers.
    groups: Vec<Vec<u32>>,
}

impl AltSlots {
    const NONE: u8 = u8::MAX;

    fn of(parsed: &ParsedQuery) -> AltSlots {
        let mut out = AltSlots {
            of_slot: [Self::NONE; query::MAX_SLOTS],
            len: 0,
            groups: Vec::new(),
        };
        let has_terms = |si: usize| parsed.slots.get(si).is_some_and(|s| !s.terms.is_empty());
        for g in &parsed.groups {
            let with_terms = |&&alt: &&u32| (0..32).any(|si| alt & (1 << si) != 0 && has_terms(si));
            if g.alternatives.iter().filter(with_terms).count() < 2 {
                continue;
            }
            let mut alts = Vec::new();
            for &alt in g.alternatives.iter().filter(with_terms) {
                let mut mask = 0u32;
                for si in
                    (0..parsed.slots.len().min(query::MAX_SLOTS)).filter(|&si| alt & (1 << si) != 0)
                {
                    if !has_terms(si) {
                        continue;
                    }
                    if out.of_slot[si] == Self::NONE {
                        out.of_slot[si] = out.len as u8;
                        out.len += 1;
                    }
                    mask |= 1 << out.of_slot[si];
                }
                alts.push(mask);
            }
            out.groups.push(alts);
        }
        out
    }
}

/// A candidate's score from its node and the per-unit sums.
struct UnitScore<'a> {
    data: &'a IndexData,
    parsed: &'a ParsedQuery,
    /// Price of a unit missing a word when others match them all (the fill).
    fill_price: f32,
    score: &'a [f32],
    slots: &'a [u32],
    own_slots: &'a [u32],
    title_hits: &'a [u8],
}

impl UnitScore<'_> {
    /// The part of the score the unit's own arrays give.
    fn own(&self, u: usize, missing: u32) -> f32 {
        let s = &self.data.search;
        let len = s.unit_len[u].max(1) as f32;
        let coverage = (self.title_hits[u] as f32 / len).min(1.0);
        let mut score = self.score[u] + weight::COVERAGE * coverage;
        if s.unit_flags[u] & UNIT_GENERIC != 0 && !self.parsed.asks_other {
            score += weight::GENERIC;
        }
        let fill = if missing > 0 { self.fill_price } else { 0.0 };
        score - weight::MISSING_WORD * missing as f32 - fill
    }

    /// At least the exact score, without reading the node record (a cache
    /// miss): billable and code length at their best; the context byte is
    /// one small array.
    fn bound(&self, u: usize, missing: u32) -> f32 {
        let s = &self.data.search;
        let mut b = self.own(u, missing) + weight::BILLABLE + weight::SHORT_CODE * 7.0;
        let node_id = s.unit_node[u] as usize;
        let context = s.node_context.get(node_id).copied().unwrap_or(0);
        if context & !self.parsed.context != 0 {
            b -= weight::CONTEXT;
        } else if context & self.parsed.context != 0 {
            b += weight::CONTEXT_NAMED;
        }
        if missing == 0 && !self.parsed.defaults.is_empty() {
            b += weight::DEFAULT_EXACT.max(weight::DEFAULT_PREFIX);
        }
        b
    }

    /// What the query's defaults added to the unit's score (at most).
    fn default_part(&self, u: usize) -> f32 {
        let (data, s) = (self.data, &self.data.search);
        let slots = self.slots[u];
        let words: f32 = self
            .parsed
            .defaults
            .iter()
            .filter(|d| slots & (1 << d.slot) != 0)
            .map(|d| default_words(data, self.parsed, d))
            .sum();
        let r = Ranked {
            node: s.unit_node[u],
            score: 0.0,
            matched_words: 0,
            slots,
            default_of: None,
        };
        words + default_bonus(data, self.parsed, &r, self.own_slots[u])
    }

    /// The score; `None` for a unit whose node is missing.
    fn exact(&self, u: usize, missing: u32) -> Option<f32> {
        let (data, s) = (self.data, &self.data.search);
        let node_id = s.unit_node[u];
        let node = data.nodes.get(node_id as usize)?;
        let mut score = self.own(u, missing);
        if node.flags & FLAG_BILLABLE != 0 {
            score += weight::BILLABLE;
        }
        let code_len = data
            .text(node.code())
            .bytes()
            .filter(|&b| b != b'.')
            .count()
            .min(7);
        score += weight::SHORT_CODE * (7 - code_len) as f32;
        // Guideline priors: a context code (maternal, newborn, history,
        // sequela, subsequent encounter…) only when the query names it.
        let context = s.node_context.get(node_id as usize).copied().unwrap_or(0);
        if context & !self.parsed.context != 0 {
            score -= weight::CONTEXT;
        } else if context & self.parsed.context != 0 {
            score += weight::CONTEXT_NAMED;
        }
        if missing == 0 && !self.parsed.defaults.is_empty() {
            let r = Ranked {
                node: node_id,
                score,
                matched_words: 0,
                slots: self.slots[u],
                default_of: None,
            };
            score += default_bonus(data, self.parsed, &r, self.own_slots[u]);
        }
        Some(score)
    }
}

/// Index into `list` of the bit set of units a search may return under
/// `system` (searchable, of that system), built once per filter.
fn allowed_units(
    data: &IndexData,
    list: &mut Vec<(Option<u8>, Box<[u64]>)>,
    system: Option<u8>,
) -> usize {
    if let Some(i) = list.iter().position(|(k, _)| *k == system) {
        return i;
    }
    let s = &data.search;
    let units = s.unit_node.len();
    let mut set = vec![0u64; units.div_ceil(64)].into_boxed_slice();
    for (u, &node_id) in s.unit_node.iter().enumerate() {
        let ok = data.nodes.get(node_id as usize).is_some_and(|n| {
            n.flags & FLAG_SEARCHABLE != 0 && system.map_or(true, |sys| n.system == sys)
        });
        if ok {
            set[u / 64] |= 1 << (u % 64);
        }
    }
    list.push((system, set));
    list.len() - 1
}

/// What matched beyond the literal words, in a few words a coder can check:
/// "shingles → zoster", "default for mdd", "first 20 words searched".
pub fn explain(data: &IndexData, parsed: &ParsedQuery, r: &Ranked) -> Option<String> {
    // Parts joined by "; " into one string as they come (every result of
    // every keystroke passes here): no list of copied labels.
    let mut out = String::new();
    let add = |out: &mut String, part: &str, once: bool| {
        if once && out.split("; ").any(|p| p == part) {
            return;
        }
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(part);
    };
    for d in &parsed.defaults {
        if r.slots & (1 << d.slot) == 0 {
            continue;
        }
        let words: Vec<&str> = parsed
            .groups
            .iter()
            .enumerate()
            .filter(|(gi, _)| d.groups & (1 << gi) != 0)
            .map(|(_, g)| g.text.as_str())
            .collect();
        let exact = data.nodes.get(r.node as usize).is_some_and(|n| {
            data.text(n.code()).bytes().filter(|&b| b != b'.').count() == d.code.len()
        });
        let part = if exact || !d.prefix {
            format!("default for {}", words.join(" "))
        } else {
            format!("{} → {}", words.join(" "), crate::icd10cm::dotted(&d.code))
        };
        add(&mut out, &part, true);
    }
    let covered: u32 = parsed
        .defaults
        .iter()
        .filter(|d| r.slots & (1 << d.slot) != 0)
        .fold(0, |a, d| a | d.groups);
    for (gi, g) in parsed.groups.iter().enumerate() {
        if covered & (1 << gi) != 0 {
            continue;
        }
        let matched = |alt: u32| alt != 0 && alt & r.slots == alt;
        // The typed word itself matched: nothing to explain.
        if g.alternatives
            .iter()
            .zip(&g.labels)
            .any(|(&a, l)| l.is_none() && matched(a))
        {
            continue;
        }
        if let Some(label) = g
            .alternatives
            .iter()
            .zip(&g.labels)
            .find(|(&a, _)| matched(a))
            .and_then(|(_, l)| l.as_deref())
        {
            add(&mut out, label, true);
        }
    }
    if r.default_of.is_some() {
        add(&mut out, "unspecified form", false);
    }
    if parsed.truncated {
        let part = format!(
            "first {} words searched (of at most {} characters)",
            query::MAX_WORDS,
            query::MAX_QUERY_CHARS
        );
        add(&mut out, &part, false);
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `term_head` never decreases along byte order, whatever the bytes (a
    /// one-byte term, punctuation, capitals, digits, UTF-8): the buckets of
    /// `Terms::head_range` hold each term where `find` looks for it.
    #[test]
    fn term_heads_keep_byte_order() {
        let mut all: Vec<Vec<u8>> = vec![Vec::new()];
        for a in 0..=255u8 {
            all.push(vec![a]);
            for b in 0..=255u8 {
                all.push(vec![a, b]);
                all.push(vec![a, b, b'a']);
            }
        }
        all.sort();
        for pair in all.windows(2) {
            assert!(
                term_head(&pair[0]) <= term_head(&pair[1]),
                "{:?} {:?}",
                pair[0],
                pair[1]
            );
        }
        assert!(all
            .iter()
            .all(|t| term_head(t) < HEAD_CLASSES * HEAD_CLASSES));
    }
}
