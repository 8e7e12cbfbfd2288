//! NCCI procedure-to-procedure (PTP) edits, kept in their own file so the
//! main index the browser loads stays small. `medcode build-index
//! --ncci-out dist/ncci.idx` writes it; callers attach it when they want
//! `ncci.ptp` (without it the rule does not run and the report says so).
//!
//! ```text
//! ncci.idx, version 1
//! offset  size  field
//! 0       8     magic  b"MCNCCI\x1a\0"
//! 8       4     format version, u32 little-endian (NCCI_FORMAT_VERSION)
//! 12      4     CRC-32 (IEEE) of the payload, u32 little-endian
//! 16      8     payload length in bytes, u64 little-endian
//! 24      n     payload: `Payload`, postcard-encoded
//! ```
//!
//! The payload lists every code once (`codes`, 5 ASCII bytes each, sorted),
//! the distinct (start, end, modifier indicator) "classes", and `blocks`: for
//! each code in order, the pairs where it is column 1, as LEB128 varints:
//! `groups`, then per group `class`, `count` and `count` column-2 code
//! indexes (the first absolute, then ascending deltas). 1.4 M pairs take
//! about 1.3 bytes each.

use super::model::Value;
use super::rules::{NCCI_PTP, NCCI_PTP_MODIFIER};
use super::{Code, Issues, Path};
use crate::model::{format_ymd, YmdDate};
use crate::Engine;
use serde::{Deserialize, Serialize};

pub const NCCI_MAGIC: [u8; 8] = *b"MCNCCI\x1a\0";
pub const NCCI_FORMAT_VERSION: u32 = 1;

/// The most rows one PTP file may hold (every row counted, indicator 9 and
/// deleted ones too). Without it only the byte cap (160 MiB) and the
/// 65,536-code limit bounded a file, and a file of millions of rows over a
/// few codes was read and sorted whole. Sized from the real CMS table (see
/// `PTP_ROWS_MEASURED`) with generous headroom.
pub const MAX_PTP_ROWS: usize = 4_000_000;
/// What the cap was sized from, as the refusal says it.
/// (Measured on the pyoce 0.1.0 `map_ncci` table, the CMS outpatient-hospital
/// NCCI edits of every I/OCE quarter Jul 2019 – Apr 2026: 1,594,456
/// (column 1, column 2, span) rows, 1,410,055 pairs in force in its largest
/// quarter, 10,812 codes. CMS splits the practitioner table into four files.)
pub const PTP_ROWS_MEASURED: &str = "the whole CMS NCCI table of every quarter since 2019 has about 1.6 million rows, and CMS splits the practitioner table into four files";
/// The most rows the added practitioner files may hold together (five
/// times the whole measured table): past it the merge is refused.
pub const MAX_PTP_ROWS_TOTAL: usize = 8_000_000;

/// Which CMS table the edits come from: it matters for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NcciSource {
    /// Outpatient hospital (I/OCE) table, as bundled by pyoce.
    OutpatientHospital,
    /// CMS practitioner PTP files supplied by the user.
    Practitioner,
}

impl NcciSource {
    fn from_u8(v: u8) -> NcciSource {
        if v == 1 {
            NcciSource::Practitioner
        } else {
            NcciSource::OutpatientHospital
        }
    }
    fn to_u8(self) -> u8 {
        match self {
            NcciSource::OutpatientHospital => 0,
            NcciSource::Practitioner => 1,
        }
    }
    /// How messages name the table.
    pub fn phrase(self) -> &'static str {
        match self {
            NcciSource::OutpatientHospital => "outpatient-hospital I/OCE table",
            NcciSource::Practitioner => "CMS practitioner table",
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Payload {
    source: u8,
    label: String,
    /// Rows valid on or after this date are complete (yyyymmdd).
    from: u32,
    #[serde(with = "serde_bytes")]
    codes: Vec<u8>,
    /// (start, end, modifier indicator); end `u32::MAX` = open.
    classes: Vec<(u32, u32, u8)>,
    #[serde(with = "serde_bytes")]
    blocks: Vec<u8>,
    pairs: u32,
}

/// Why an NCCI file could not be loaded. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NcciError {
    TooShort(usize),
    BadMagic,
    UnsupportedVersion { found: u32, expected: u32 },
    LengthMismatch { declared: u64, actual: usize },
    Checksum { stored: u32, computed: u32 },
    Decode(String),
    Encode(String),
}

impl std::fmt::Display for NcciError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NcciError::TooShort(n) => write!(f, "the NCCI file is {n} bytes, too short; rebuild it with ./build.sh"),
            NcciError::BadMagic => write!(f, "this is not a medcode NCCI file (wrong magic bytes); point at ncci.idx built by ./build.sh"),
            NcciError::UnsupportedVersion { found, expected } => write!(
                f,
                "the NCCI file has format version {found} but this medcode reads version {expected}; rebuild it with ./build.sh"
            ),
            NcciError::LengthMismatch { declared, actual } => write!(
                f,
                "the NCCI file is truncated or padded: header says {declared} payload bytes, file has {actual}; copy it again or rebuild it"
            ),
            NcciError::Checksum { stored, computed } => write!(
                f,
                "the NCCI file is corrupt (checksum {computed:08x}, expected {stored:08x}); copy it again or rebuild it"
            ),
            NcciError::Decode(e) => write!(f, "the NCCI file does not decode ({e}); rebuild it with ./build.sh"),
            NcciError::Encode(e) => write!(f, "could not encode the NCCI file: {e}"),
        }
    }
}

impl std::error::Error for NcciError {}

impl From<crate::index::frame::FrameError> for NcciError {
    fn from(e: crate::index::frame::FrameError) -> Self {
        use crate::index::frame::FrameError as F;
        match e {
            F::TooShort(n) => NcciError::TooShort(n),
            F::BadMagic => NcciError::BadMagic,
            F::UnsupportedVersion { found, expected } => {
                NcciError::UnsupportedVersion { found, expected }
            }
            F::LengthMismatch { declared, actual } => {
                NcciError::LengthMismatch { declared, actual }
            }
            F::Checksum { stored, computed } => NcciError::Checksum { stored, computed },
        }
    }
}

/// PTP edits in memory: per column-1 code, its column-2 codes sorted.
#[derive(Clone, Debug)]
pub struct NcciTable {
    pub source: NcciSource,
    pub label: String,
    pub from: YmdDate,
    /// Codes packed big-endian into integers (compare like the bytes).
    codes: Vec<u64>,
    /// `starts[c]..starts[c + 1]` are code c's pairs.
    starts: Vec<u32>,
    col2: Vec<u16>,
    class: Vec<u16>,
    classes: Vec<(u32, u32, u8)>,
}

fn read_varint(b: &[u8], at: &mut usize) -> Result<u64, NcciError> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b
            .get(*at)
            .ok_or_else(|| NcciError::Decode("pair stream ends early".into()))?;
        *at += 1;
        v |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(NcciError::Decode("varint too long".into()))
}

use crate::index::frame::write_varint;

impl NcciTable {
    /// Parses and checks an `ncci.idx` file.
    pub fn from_bytes(bytes: &[u8]) -> Result<NcciTable, NcciError> {
        let payload = crate::index::frame::unwrap(bytes, &NCCI_MAGIC, NCCI_FORMAT_VERSION)
            .map_err(NcciError::from)?;
        let p: Payload =
            postcard::from_bytes(payload).map_err(|e| NcciError::Decode(e.to_string()))?;
        Self::from_payload(p)
    }

    fn from_payload(p: Payload) -> Result<NcciTable, NcciError> {
        let bad = |m: &str| Err(NcciError::Decode(m.to_string()));
        if p.codes.len() % 5 != 0 {
            return bad("code list length is not a multiple of 5");
        }
        let codes: Vec<u64> = p
            .codes
            .chunks_exact(5)
            .map(super::data::pack_fill0)
            .collect();
        if codes.windows(2).any(|w| w[0] >= w[1]) {
            return bad("code list is not sorted");
        }
        let n = codes.len();
        if n > u16::MAX as usize + 1 || p.classes.len() > u16::MAX as usize + 1 {
            return bad("too many codes or classes");
        }
        let cap = (p.pairs as usize).min(p.blocks.len());
        let (mut col2, mut class) = (Vec::with_capacity(cap), Vec::with_capacity(cap));
        let mut starts = Vec::with_capacity(n + 1);
        let mut at = 0;
        let mut block: Vec<(u16, u16)> = Vec::new();
        for _ in 0..n {
            starts.push(col2.len() as u32);
            let groups = read_varint(&p.blocks, &mut at)?;
            block.clear();
            for _ in 0..groups {
                let cls = read_varint(&p.blocks, &mut at)?;
                let count = read_varint(&p.blocks, &mut at)?;
                if cls as usize >= p.classes.len() || count as usize > n {
                    return bad("pair group out of range");
                }
                let mut c2 = 0u64;
                for k in 0..count {
                    let v = read_varint(&p.blocks, &mut at)?;
                    // Checked: a crafted delta must not wrap back into range.
                    c2 = if k == 0 { v } else { c2.saturating_add(v) };
                    if c2 as usize >= n {
                        return bad("column-2 code out of range");
                    }
                    block.push((c2 as u16, cls as u16));
                }
            }
            block.sort_unstable();
            col2.extend(block.iter().map(|e| e.0));
            class.extend(block.iter().map(|e| e.1));
        }
        starts.push(col2.len() as u32);
        if at != p.blocks.len() || col2.len() != p.pairs as usize {
            return bad("pair count disagrees with the header");
        }
        Ok(NcciTable {
            source: NcciSource::from_u8(p.source),
            label: p.label,
            from: p.from,
            codes,
            starts,
            col2,
            class,
            classes: p.classes,
        })
    }

    pub fn pairs(&self) -> usize {
        self.col2.len()
    }
    pub fn codes(&self) -> usize {
        self.codes.len()
    }

    /// Index of a 5-character code in the table.
    pub fn code_index(&self, code: &str) -> Option<u16> {
        if code.len() != 5 {
            return None;
        }
        self.codes
            .binary_search(&super::data::pack_fill0(code.as_bytes()))
            .ok()
            .map(|i| i as u16)
    }

    /// The modifier indicator of the edit (column 1 `c1`, column 2 `c2`) in
    /// force on `date`: 0 = never bypassed, 1 = an NCCI-associated modifier
    /// may bypass it. Where spans overlap, 0 wins.
    pub fn edit_on(&self, c1: u16, c2: u16, date: YmdDate) -> Option<u8> {
        let s = *self.starts.get(c1 as usize)? as usize;
        let e = *self.starts.get(c1 as usize + 1)? as usize;
        let col2 = self.col2.get(s..e)?;
        let first = col2.partition_point(|&x| x < c2);
        let mut best: Option<u8> = None;
        for k in (s + first..e).take_while(|&k| self.col2[k] == c2) {
            let (start, end, mi) = *self.classes.get(self.class[k] as usize)?;
            if start <= date && date <= end && mi != 9 {
                best = Some(best.map_or(mi, |b| b.min(mi)));
            }
        }
        best
    }

    /// Every edit as a row (to merge several files into one table).
    pub fn rows(&self) -> Vec<NcciRow> {
        let mut out = Vec::with_capacity(self.col2.len());
        for c1 in 0..self.codes.len() {
            let (s, e) = (self.starts[c1] as usize, self.starts[c1 + 1] as usize);
            for k in s..e {
                let (start, end, modifier) = self.classes[self.class[k] as usize];
                out.push(NcciRow {
                    column1: unpack5(self.codes[c1]),
                    column2: unpack5(self.codes[self.col2[k] as usize]),
                    start,
                    end,
                    modifier,
                });
            }
        }
        out
    }

    /// Convenience for tests and tools: the edit between two codes.
    pub fn lookup(&self, column1: &str, column2: &str, date: YmdDate) -> Option<u8> {
        self.edit_on(self.code_index(column1)?, self.code_index(column2)?, date)
    }
}

/// Every ordered pair of lines on the same date of service. One issue per
/// column-2 line (the first column-1 line that bundles it).
pub(crate) fn check_claim(
    engine: &Engine,
    table: &NcciTable,
    lines: &[(Option<YmdDate>, Option<Code>, &[Value])],
    out: &mut Issues,
) {
    let idx: Vec<Option<u16>> = lines
        .iter()
        .map(|l| l.1.and_then(|c| table.code_index(c.as_str())))
        .collect();
    if idx.iter().flatten().count() < 2 {
        return;
    }
    let has_ncci_modifier = |l: usize| {
        lines[l].2.iter().any(|m| {
            m.text().and_then(Code::upper).is_some_and(|m| {
                m.bytes().len() == 2 && super::proc::modifier_ncci(engine, m.as_str())
            })
        })
    };
    for j in 0..lines.len() {
        let (Some(c2), (Some(date), Some(code2), _)) = (idx[j], lines[j]) else {
            continue;
        };
        for i in 0..lines.len() {
            let (Some(c1), (Some(d1), Some(code1), _)) = (idx[i], lines[i]) else {
                continue;
            };
            if i == j || d1 != date || c1 == c2 {
                continue;
            }
            let Some(mi) = table.edit_on(c1, c2, date) else {
                continue;
            };
            let (code1, code2) = (code1.as_str(), code2.as_str());
            let field = Path::Line(j, "code");
            let source = table.source.phrase();
            if mi == 0 {
                out.add(
                    NCCI_PTP,
                    field,
                    format!(
                        "{code2} is not payable with {code1} on the same day (NCCI PTP edit, {source}, {}); no modifier bypasses it — remove {code2}",
                        format_ymd(date)
                    ),
                );
                break;
            }
            if !has_ncci_modifier(i) && !has_ncci_modifier(j) {
                out.add(
                    NCCI_PTP_MODIFIER,
                    field,
                    format!(
                        "{code2} is bundled into {code1} on the same day (NCCI PTP edit, {source}); if it was a distinct service add an NCCI-associated modifier (59, XE, XP, XS, XU; 25 on the E/M) — otherwise remove it"
                    ),
                );
                break;
            }
        }
    }
}

// ---- building ------------------------------------------------------------------

/// The 5 bytes of a code packed by `pack_fill0`.
fn unpack5(v: u64) -> [u8; 5] {
    let b = v.to_be_bytes();
    [b[0], b[1], b[2], b[3], b[4]]
}

/// One PTP edit row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NcciRow {
    pub column1: [u8; 5],
    pub column2: [u8; 5],
    pub start: u32,
    /// Last day in force; `u32::MAX` = open.
    pub end: u32,
    pub modifier: u8,
}

#[cfg(feature = "ingest")]
fn code5(s: &str) -> Option<[u8; 5]> {
    let t = s.trim().trim_matches('"').to_ascii_uppercase();
    let b: [u8; 5] = t.as_bytes().try_into().ok()?;
    b.iter().all(u8::is_ascii_alphanumeric).then_some(b)
}

#[cfg(feature = "ingest")]
/// Reads `ncci_ptp.tsv` (from tools/extract_registry_data.py): `column1 TAB
/// column2 TAB modifier_indicator TAB start TAB end`, dates YYYY-MM-DD, end
/// empty when open; `#` lines are comments (the header says from which
/// date the rows are complete: "only rows valid on or after YYYY-MM-DD").
/// Returns the rows and that date (0 when not stated).
pub fn read_oce_tsv(tsv: &str) -> Result<(Vec<NcciRow>, u32), String> {
    let mut rows = Vec::new();
    let mut from = 0;
    for (n, line) in tsv.lines().enumerate() {
        if let Some(c) = line.strip_prefix('#') {
            if let Some(at) = c.find("on or after ") {
                from = c
                    .get(at + 12..at + 22)
                    .and_then(|d| super::dates::parse_iso(d).ok())
                    .unwrap_or(0);
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let err = |m: &str| format!("ncci_ptp.tsv line {}: {m}", n + 1);
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 5 {
            return Err(err("expected 5 tab-separated columns"));
        }
        let (Some(column1), Some(column2)) = (code5(f[0]), code5(f[1])) else {
            return Err(err("column 1 and 2 must be 5-character codes"));
        };
        let modifier = match f[2].trim() {
            "0" => 0,
            "1" => 1,
            "9" => continue,
            other => {
                return Err(err(&format!(
                    "modifier indicator {other:?} is not 0, 1 or 9"
                )))
            }
        };
        let start = super::dates::parse_iso(f[3]).map_err(|_| err("bad start date"))?;
        let end = if f[4].trim().is_empty() {
            u32::MAX
        } else {
            super::dates::parse_iso(f[4]).map_err(|_| err("bad end date"))?
        };
        rows.push(NcciRow {
            column1,
            column2,
            start,
            end,
            modifier,
        });
    }
    Ok((rows, from))
}

#[cfg(feature = "ingest")]
/// Reads one CMS practitioner PTP file (the quarterly "ccipra" text files,
/// or a CSV export of the spreadsheet). Data rows have, tab- or
/// comma-separated: column 1, column 2, `*` when in existence before 1996,
/// effective date YYYYMMDD, deletion date YYYYMMDD or `*`, modifier
/// indicator 0/1/9, and the rationale. Header and copyright lines are
/// skipped. Rows with indicator 9, and rows that ended before `from`, are
/// dropped; a deletion date is the first day the edit no longer applies.
pub fn read_practitioner(text: &str, name: &str, from: u32) -> Result<Vec<NcciRow>, String> {
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if rows.len() >= MAX_PTP_ROWS {
            return Err(crate::userdata::ncci::too_many_rows(name, n + 1).to_string());
        }
        let sep = if line.contains('\t') { '\t' } else { ',' };
        let f: Vec<&str> = line
            .split(sep)
            .map(|x| x.trim().trim_matches('"'))
            .collect();
        if f.len() < 6 {
            continue;
        }
        let (Some(column1), Some(column2)) = (code5(f[0]), code5(f[1])) else {
            continue;
        };
        let date8 = |s: &str| -> Option<u32> {
            let b = s.as_bytes();
            if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
                return None;
            }
            super::dates::ymd(
                s[..4].parse().ok()?,
                s[4..6].parse().ok()?,
                s[6..].parse().ok()?,
            )
            .ok()
        };
        let Some(start) = date8(f[3]) else { continue };
        let end = match f[4] {
            "*" | "" => u32::MAX,
            d => match date8(d) {
                Some(d) => super::dates::day_before(d),
                None => continue,
            },
        };
        let modifier = match f[5] {
            "0" => 0,
            "1" => 1,
            _ => continue,
        };
        if end < start || end < from {
            continue;
        }
        rows.push(NcciRow {
            column1,
            column2,
            start,
            end,
            modifier,
        });
    }
    if rows.is_empty() {
        return Err(format!(
            "{name}: no PTP rows found; expected the CMS practitioner PTP text file (tab-separated: column 1, column 2, *, effective YYYYMMDD, deletion YYYYMMDD or *, modifier 0/1/9, rationale)"
        ));
    }
    Ok(rows)
}

/// Encodes rows into an `ncci.idx` file (at build time, and at run time
/// for a user's practitioner files).
pub fn encode(
    mut rows: Vec<NcciRow>,
    source: NcciSource,
    label: &str,
    from: u32,
) -> Result<Vec<u8>, NcciError> {
    rows.sort_unstable();
    rows.dedup();
    let mut codes: Vec<[u8; 5]> = rows.iter().flat_map(|r| [r.column1, r.column2]).collect();
    codes.sort_unstable();
    codes.dedup();
    if codes.len() > u16::MAX as usize + 1 {
        return Err(NcciError::Encode(format!(
            "{} codes; the format holds 65,536",
            codes.len()
        )));
    }
    let index = |c: &[u8; 5]| codes.binary_search(c).unwrap_or(0) as u64;
    let mut classes: Vec<(u32, u32, u8)> =
        rows.iter().map(|r| (r.start, r.end, r.modifier)).collect();
    classes.sort_unstable();
    classes.dedup();
    if classes.len() > u16::MAX as usize + 1 {
        return Err(NcciError::Encode(format!(
            "{} date/indicator classes; the format holds 65,536",
            classes.len()
        )));
    }
    let class_of = |r: &NcciRow| {
        classes
            .binary_search(&(r.start, r.end, r.modifier))
            .unwrap_or(0) as u64
    };
    // (column 1, class, column 2), sorted: groups are runs.
    let mut keyed: Vec<(u64, u64, u64)> = rows
        .iter()
        .map(|r| (index(&r.column1), class_of(r), index(&r.column2)))
        .collect();
    keyed.sort_unstable();
    keyed.dedup();
    let mut blocks = Vec::with_capacity(keyed.len() * 2);
    let mut k = 0;
    for c1 in 0..codes.len() as u64 {
        let end = k + keyed[k..].partition_point(|e| e.0 == c1);
        let mut groups: Vec<(u64, Vec<u64>)> = Vec::new();
        for e in &keyed[k..end] {
            match groups.last_mut() {
                Some((cls, list)) if *cls == e.1 => list.push(e.2),
                _ => groups.push((e.1, vec![e.2])),
            }
        }
        write_varint(&mut blocks, groups.len() as u64);
        for (cls, list) in &groups {
            write_varint(&mut blocks, *cls);
            write_varint(&mut blocks, list.len() as u64);
            let mut prev = 0;
            for (n, &c2) in list.iter().enumerate() {
                write_varint(&mut blocks, if n == 0 { c2 } else { c2 - prev });
                prev = c2;
            }
        }
        k = end;
    }
    let payload = Payload {
        source: source.to_u8(),
        label: label.to_string(),
        from,
        codes: codes.iter().flatten().copied().collect(),
        classes,
        blocks,
        pairs: keyed.len() as u32,
    };
    let body = postcard::to_allocvec(&payload).map_err(|e| NcciError::Encode(e.to_string()))?;
    Ok(crate::index::frame::wrap(
        &NCCI_MAGIC,
        NCCI_FORMAT_VERSION,
        &body,
    ))
}

#[cfg(all(test, feature = "ingest"))]
mod tests {
    use super::*;

    fn row(c1: &str, c2: &str, start: u32, end: u32, m: u8) -> NcciRow {
        NcciRow {
            column1: code5(c1).unwrap(),
            column2: code5(c2).unwrap(),
            start,
            end,
            modifier: m,
        }
    }

    #[test]
    fn round_trip_and_lookup() {
        let rows = vec![
            row("11042", "97597", 20190701, u32::MAX, 1),
            row("11042", "11045", 20190701, u32::MAX, 0),
            row("11042", "97598", 20190701, 20251231, 1),
            row("29881", "29880", 20200101, u32::MAX, 0),
        ];
        let bytes = encode(rows, NcciSource::OutpatientHospital, "test", 20250101).unwrap();
        let t = NcciTable::from_bytes(&bytes).unwrap();
        assert_eq!(t.pairs(), 4);
        assert_eq!(t.lookup("11042", "97597", 20260310), Some(1));
        assert_eq!(t.lookup("11042", "11045", 20260310), Some(0));
        assert_eq!(t.lookup("11042", "97598", 20260310), None);
        assert_eq!(t.lookup("11042", "97598", 20250310), Some(1));
        assert_eq!(t.lookup("97597", "11042", 20260310), None);
        assert_eq!(t.lookup("29881", "29880", 20191231), None);

        let mut bad = bytes.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(matches!(
            NcciTable::from_bytes(&bad),
            Err(NcciError::Checksum { .. })
        ));
        assert!(matches!(
            NcciTable::from_bytes(&bytes[..20]),
            Err(NcciError::TooShort(20))
        ));
        assert!(matches!(
            NcciTable::from_bytes(b"MEDCODE\x1a................"),
            Err(NcciError::BadMagic)
        ));
    }

    #[test]
    fn practitioner_rows() {
        let text = "CPT only copyright 2025 AMA\nColumn1\tColumn2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n\
                    11042\t97597\t\t20190101\t*\t1\tMutually exclusive procedures\n\
                    11042\t97598\t\t20190101\t20250101\t1\tx\n\
                    11042\t11045\t\t20190101\t*\t9\tx\n";
        let rows = read_practitioner(text, "f1.txt", 20190101).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].end, 20241231);
        assert!(read_practitioner("nothing here", "x", 0).is_err());
    }
}
