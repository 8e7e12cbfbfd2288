//! The user's own data: files an organisation or a user holds under licence
//! or downloads themselves (CPT descriptors, CMS practitioner NCCI PTP edits,
//! MUE tables), parsed and checked here, stored locally, and attached to an
//! [`Engine`](crate::Engine) as an overlay. Nothing here is shipped: the
//! repository and the default build hold no CPT descriptor.
//!
//! One added file is one [`DataSet`]. A set is stored as its own file (CLI:
//! the user's data directory; browser: one IndexedDB record), in this
//! framed, versioned byte format:
//!
//! ```text
//! user data set, version 3 (version 2: ICD-10-CM as content 3 only;
//! version 1: without the ICD-10-CM kind)
//! offset  size  field
//! 0       8     magic  b"MCUSER\x1a\0"
//! 8       4     format version, u32 little-endian (USERDATA_FORMAT_VERSION)
//! 12      4     CRC-32 (IEEE) of the payload, u32 little-endian
//! 16      8     payload length in bytes, u64 little-endian
//! 24      n     payload: `DataSet`, postcard-encoded:
//!               kind u8 (0 CPT, 1 NCCI practitioner, 2 MUE, 3 ICD-10-CM), source file
//!               name, added (YYYY-MM-DD), table label, rows u32, date range
//!               (yyyymmdd u32, 0 = not stated) ×2, then the content:
//!               CPT: (code, descriptor) pairs sorted by code;
//!               NCCI: the bytes of an ncci.idx file (`validate::ncci`);
//!               MUE: (code 5 bytes, value u32, indicator u8) sorted by code;
//!               ICD-10-CM (content 3, version 2 sets): (undotted code,
//!               title) pairs sorted by code;
//!               ICD-10-CM (content 4, since version 3): (undotted code,
//!               title, inclusion terms, includes notes) sorted by code
//!               (`icd10cm::TabularCode`).
//! ```
//!
//! Every parser caps the file size and line length, refuses UTF-16 and
//! Latin-1 files with a message saying how to save them, and reports a bad
//! row as `file:line:column: what is wrong`.

pub mod cpt;
pub mod icd10cm;
pub mod mue;
pub mod ncci;
pub mod text;

use serde::{Deserialize, Serialize};

pub const USERDATA_MAGIC: [u8; 8] = *b"MCUSER\x1a\0";
/// Version 2 added the ICD-10-CM kind (kind 3, content 3); version 3 its
/// inclusion terms (content 4). Version 1 and 2 sets read unchanged (a
/// version 2 ICD-10-CM set gives titles only: add the file again for its
/// inclusion terms).
pub const USERDATA_FORMAT_VERSION: u32 = 3;

/// What lists say of a version 2 ICD-10-CM set (web-shared/userdata-sets.ts says the same).
pub const STORED_TITLES_ONLY: &str = "stored by an older medcode: titles only, without the file's inclusion terms and includes notes; remove it and add the file again to search by them";

/// What went wrong with a user's file, and where (line/column 0 = the
/// whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl DataError {
    pub fn file(file: &str, message: String) -> DataError {
        DataError::at(file, 0, 0, message)
    }
    pub fn at(file: &str, line: usize, column: usize, message: String) -> DataError {
        DataError {
            file: clipped_to(file, MAX_SHOWN_NAME),
            line,
            column,
            message: clipped(&message, MAX_SHOWN_MESSAGE),
        }
    }
}

/// Longest name, and message, an error shows: both may quote the file (a
/// parser's error echoes a 3,000-letter tag name), and a message is read, not
/// scrolled. Regression: userdata_fuzz found a 3,111-byte XML error (stop 27).
const MAX_SHOWN_NAME: usize = 120;
const MAX_SHOWN_MESSAGE: usize = 600;
/// Runs of more letters than this without a space are quoted input, not
/// words (a row's quoted field, a tag name; a file's name is not in it).
const MAX_SHOWN_RUN: usize = 80;

/// `s` cut to `max` bytes at a character boundary, with "…" (a file's
/// name is one run: it is not shortened inside).
fn clipped_to(s: &str, max: usize) -> String {
    let kept = crate::model::truncate_at_char(s, max);
    if kept.len() == s.len() {
        s.to_string()
    } else {
        format!("{kept}…")
    }
}

/// `s` with every run of more than MAX_SHOWN_RUN non-space characters cut to
/// its first 40 and "…", then cut to `max` bytes at a character boundary: the
/// words around a quoted piece (what is wrong, what to do) stay readable.
fn clipped(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max + 4));
    // each piece is one run and the space that ends it
    for piece in s.split_inclusive(char::is_whitespace) {
        let run = piece.trim_end_matches(char::is_whitespace);
        if run.chars().count() > MAX_SHOWN_RUN {
            out.extend(run.chars().take(40));
            out.push('…');
            out.push_str(&piece[run.len()..]);
        } else {
            out.push_str(piece);
        }
        if out.len() > max {
            let kept = crate::model::truncate_at_char(&out, max).len();
            out.truncate(kept);
            out.push('…');
            return out;
        }
    }
    out
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (l, 0) => write!(f, "{}:{l}: {}", self.file, self.message),
            (l, c) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for DataError {}

/// The kinds of file a user can add.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    /// CPT descriptors (AMA data files, or `code<TAB>descriptor`).
    Cpt,
    /// CMS NCCI practitioner PTP edits (tab-delimited text).
    NcciPractitioner,
    /// CMS MUE table (practitioner, outpatient hospital or DME).
    Mue,
    /// CDC ICD-10-CM tabular XML (a newer fiscal year's titles).
    Icd10cm,
}

impl DataKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DataKind::Cpt => "cpt",
            DataKind::NcciPractitioner => "ncci-practitioner",
            DataKind::Mue => "mue",
            DataKind::Icd10cm => "icd10cm",
        }
    }
    /// What a user types: `cpt`, `ncci`, `ncci-practitioner`, `mue`, `icd10cm`.
    pub fn parse(s: &str) -> Option<DataKind> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "cpt" => Some(DataKind::Cpt),
            "ncci" | "ncci-practitioner" | "ptp" => Some(DataKind::NcciPractitioner),
            "mue" => Some(DataKind::Mue),
            "icd10cm" | "icd-10-cm" => Some(DataKind::Icd10cm),
            _ => None,
        }
    }
    /// The largest file of this kind medcode reads. CMS ships the practitioner
    /// PTP table in four parts of well under 100 MB each; 160 MiB keeps the
    /// CLI under 200 MB resident on an endless input (it was 256 MiB: 266 MB).
    pub fn cap(self) -> usize {
        match self {
            DataKind::Cpt => 32 << 20,
            DataKind::NcciPractitioner => 160 << 20,
            DataKind::Mue => 16 << 20,
            DataKind::Icd10cm => 64 << 20,
        }
    }
    pub const ALL: [DataKind; 4] = [
        DataKind::Cpt,
        DataKind::NcciPractitioner,
        DataKind::Mue,
        DataKind::Icd10cm,
    ];
}

/// What one added file holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Content {
    Cpt(Vec<(String, String)>),
    Ncci(#[serde(with = "serde_bytes")] Vec<u8>),
    Mue(Vec<mue::MueRow>),
    /// Version 2 sets: (undotted code, title).
    Icd10cm(Vec<(String, String)>),
    /// Since version 3: titles with inclusion terms and includes notes.
    Icd10cmTabular(Vec<icd10cm::TabularCode>),
}

/// One added file, parsed and checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSet {
    pub kind: DataKind,
    /// The file name it came from.
    pub source: String,
    /// When it was added (YYYY-MM-DD), given by the caller.
    pub added: String,
    /// What the data calls itself: MUE table kind, NCCI table, CPT year.
    pub label: String,
    pub rows: u32,
    /// Dates the data states (yyyymmdd; 0 = not stated).
    pub date_from: u32,
    pub date_to: u32,
    pub content: Content,
}

/// A set's description without its content (what lists show).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Summary {
    pub kind: DataKind,
    pub source: String,
    pub added: String,
    pub label: String,
    pub rows: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub date_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub date_to: Option<String>,
    /// What the set holds, as 16 hex digits (`DataSet::content_key`): two
    /// sets with the same key hold the same data, whatever their file names
    /// and dates added.
    pub content_key: String,
}

impl DataSet {
    /// Parses a user's file of `kind`. `added` is today's date as the caller
    /// knows it (YYYY-MM-DD).
    pub fn parse(
        kind: DataKind,
        file: &str,
        bytes: &[u8],
        added: &str,
    ) -> Result<DataSet, DataError> {
        let file = file.rsplit(['/', '\\']).next().unwrap_or(file);
        let mut set = match kind {
            DataKind::Cpt => cpt::parse(file, bytes)?,
            DataKind::NcciPractitioner => ncci::parse(file, bytes)?,
            DataKind::Mue => mue::parse(file, bytes)?,
            DataKind::Icd10cm => icd10cm::parse(file, bytes)?,
        };
        set.added = added.to_string();
        Ok(set)
    }

    pub fn summary(&self) -> Summary {
        let d = |v: u32| (v != 0 && v != u32::MAX).then(|| crate::model::format_ymd(v));
        Summary {
            kind: self.kind,
            source: self.source.clone(),
            added: self.added.clone(),
            label: self.label.clone(),
            rows: self.rows,
            date_from: d(self.date_from),
            date_to: d(self.date_to),
            content_key: format!("{:016x}", self.content_key()),
        }
    }

    /// A hash of what the set holds (its kind and rows; not its file name,
    /// the date it was added or the NCCI table's label, which is the file
    /// name): adding the same file again, or a copy under another name, gives
    /// the same key. Linear in the set's size.
    pub fn content_key(&self) -> u64 {
        let mut body = vec![self.kind as u8];
        match &self.content {
            // an NCCI table's bytes hold its label (the file name): key its rows
            Content::Ncci(b) => match crate::validate::NcciTable::from_bytes(b) {
                Ok(t) => {
                    for r in t.rows() {
                        body.extend_from_slice(&r.column1);
                        body.extend_from_slice(&r.column2);
                        body.extend_from_slice(&r.start.to_le_bytes());
                        body.extend_from_slice(&r.end.to_le_bytes());
                        body.push(r.modifier);
                    }
                }
                Err(_) => body.extend_from_slice(b),
            },
            other => body.extend(postcard::to_allocvec(other).unwrap_or_default()),
        }
        crate::index::frame::xxh64(&body)
    }

    /// The first of `stored` holding the same data as this set (same
    /// `content_key`), by index.
    pub fn duplicate_in<'a>(&self, stored: impl IntoIterator<Item = &'a DataSet>) -> Option<usize> {
        let key = self.content_key();
        stored
            .into_iter()
            .position(|s| s.kind == self.kind && s.content_key() == key)
    }

    /// What a list should tell about a set read from an older stored form:
    /// a version 2 ICD-10-CM set holds titles only (its inclusion terms and
    /// includes notes were never stored), which the user could not see.
    pub fn stored_note(&self) -> Option<&'static str> {
        matches!(self.content, Content::Icd10cm(_)).then_some(STORED_TITLES_ONLY)
    }

    /// The stored form (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let body = postcard::to_allocvec(self).unwrap_or_default();
        crate::index::frame::wrap(&USERDATA_MAGIC, USERDATA_FORMAT_VERSION, &body)
    }

    /// Reads a stored set back, checking it as strictly as a new file.
    pub fn from_bytes(bytes: &[u8]) -> Result<DataSet, String> {
        use crate::index::frame::FrameError as F;
        let payload = crate::index::frame::unwrap(bytes, &USERDATA_MAGIC, USERDATA_FORMAT_VERSION)
            .or_else(|e| match e {
                // version 1 is version 2 without the ICD-10-CM kind, and
                // version 2 is version 3 without content 4
                F::UnsupportedVersion {
                    found: found @ (1 | 2),
                    ..
                } => crate::index::frame::unwrap(bytes, &USERDATA_MAGIC, found),
                e => Err(e),
            })
            .map_err(|e| match e {
                F::TooShort(_) | F::BadMagic => "not a medcode user data file (damaged, or another kind of file); remove it and add the original file again".to_string(),
                F::UnsupportedVersion { found, expected } => format!(
                    "stored user data has format version {found}, this medcode reads {expected}; add the original file again"
                ),
                F::LengthMismatch { .. } | F::Checksum { .. } => {
                    "stored user data is damaged; remove it and add the original file again".to_string()
                }
            })?;
        let set: DataSet = postcard::from_bytes(payload).map_err(|e| {
            format!("stored user data does not decode ({e}); add the original file again")
        })?;
        if let Content::Ncci(b) = &set.content {
            crate::validate::NcciTable::from_bytes(b).map_err(|e| e.to_string())?;
        }
        if let Content::Icd10cmTabular(rows) = &set.content {
            icd10cm::check_stored(rows)?;
        }
        Ok(set)
    }
}

impl Attached {
    /// The CPT index in its stored form (`cpt::CPT_INDEX_MAGIC`), for the
    /// caller to keep beside the sets; `None` without CPT.
    pub fn stored_cpt_index(&self) -> Option<Result<Vec<u8>, String>> {
        let e = self.cpt.as_deref()?;
        Some(cpt::stored_index(self.cpt_key, e))
    }
}

/// The overlay attached to an engine: every set merged by kind.
pub struct Attached {
    pub sets: Vec<Summary>,
    /// CPT descriptors as a small engine of their own (search reuses the
    /// index layout and scoring).
    pub cpt: Option<Box<crate::Engine>>,
    pub cpt_codes: usize,
    /// What the CPT index was built from (`cpt::index_key`; 0 = no CPT).
    pub cpt_key: u64,
    /// Whether the CPT index came from its stored form or was built now.
    pub cpt_index: CptIndexState,
    pub ncci: Option<crate::validate::NcciTable>,
    /// MUE tables in the order they are consulted (practitioner first).
    pub mue: Vec<mue::MueTable>,
    /// ICD-10-CM titles and inclusion terms from the user's tabular XML
    /// (a newer release: its titles fill or replace the bundled ones).
    pub icd10cm: Option<icd10cm::TitleTable>,
    /// The codes of that XML the bundled index cannot find by the file's
    /// words (codes it lacks, has without a title or under another title,
    /// or without some inclusion terms), as a small index of their own;
    /// filled by `Engine::attach_user_data`, which knows the bundled codes.
    pub icd10cm_codes: Option<Box<crate::Engine>>,
}

/// Where the attached CPT index came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CptIndexState {
    /// No CPT set attached.
    None,
    /// Read from the stored form the caller passed (no layout work).
    Stored,
    /// Laid out now (no stored form, or one built from other data).
    Built,
}

impl CptIndexState {
    pub fn as_str(self) -> &'static str {
        match self {
            CptIndexState::None => "none",
            CptIndexState::Stored => "stored",
            CptIndexState::Built => "built",
        }
    }
}

impl Attached {
    pub fn build(sets: &[DataSet], base: &crate::index::IndexData) -> Result<Attached, String> {
        Attached::build_with(sets, base, None)
    }

    /// [`Attached::build`], reading the CPT index from `stored_cpt` (see
    /// `cpt::CPT_INDEX_MAGIC`) when it was built from the same data.
    pub fn build_with(
        sets: &[DataSet],
        base: &crate::index::IndexData,
        stored_cpt: Option<&[u8]>,
    ) -> Result<Attached, String> {
        let mut cpt: std::collections::BTreeMap<&str, &str> = Default::default();
        let mut ncci_sets: Vec<&[u8]> = Vec::new();
        let mut mue_tables = Vec::new();
        let mut titles: Vec<icd10cm::TitleSet<'_>> = Vec::new();
        for s in sets {
            match &s.content {
                Content::Cpt(rows) => {
                    cpt.extend(rows.iter().map(|(c, d)| (c.as_str(), d.as_str())))
                }
                Content::Ncci(b) => ncci_sets.push(b),
                Content::Mue(rows) => {
                    mue_tables.push(mue::MueTable::new(&s.label, &s.source, rows.clone()))
                }
                Content::Icd10cm(rows) => titles.push((
                    &s.label,
                    &s.source,
                    rows.iter()
                        .map(|(c, t)| icd10cm::TabularCode::titled(c, t))
                        .collect::<Vec<_>>()
                        .into(),
                )),
                Content::Icd10cmTabular(rows) => {
                    titles.push((&s.label, &s.source, rows.as_slice().into()))
                }
            }
        }
        mue_tables.sort_by_key(|t| t.priority());
        let cpt_codes = cpt.len();
        let (cpt, cpt_key, cpt_index) = if cpt.is_empty() {
            (None, 0, CptIndexState::None)
        } else {
            let key = cpt::index_key(&cpt, base);
            match stored_cpt.and_then(|b| cpt::from_stored(b, key)) {
                Some(e) => (Some(Box::new(e)), key, CptIndexState::Stored),
                None => (
                    Some(Box::new(cpt::engine(&cpt, base)?)),
                    key,
                    CptIndexState::Built,
                ),
            }
        };
        let ncci = ncci::merge(&ncci_sets).map_err(|e| e.to_string())?;
        Ok(Attached {
            sets: sets.iter().map(DataSet::summary).collect(),
            cpt,
            cpt_codes,
            cpt_key,
            cpt_index,
            ncci,
            mue: mue_tables,
            icd10cm: (!titles.is_empty()).then(|| icd10cm::TitleTable::new(&titles)),
            icd10cm_codes: None,
        })
    }
}
