//! Rule tables that validation reads from the index. They are built at
//! index build time (`index::rule_data`): Excludes1 notes are resolved there,
//! once, into ranges of undotted codes, so the browser never parses note text.

use crate::index::table::Table;

/// Tables built at build time for the validation rules (read in place from
/// the index file; see `index::format`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleData {
    /// Node ids that carry Excludes1 notes, ascending.
    pub excludes1_nodes: Table<u32>,
    /// `excludes1_ends[i]`: end (in ranges) of node i's ranges; starts at the previous end.
    pub excludes1_ends: Table<u32>,
    /// Code ranges, 16 bytes each: `lo` then `hi`, each an undotted code
    /// packed big-endian into 8 bytes (see [`pack`]); a code is in the range
    /// when `lo <= pack(code) <= hi`.
    pub excludes1_ranges: Table<u8>,
    /// First date of the HCPCS validity data (yyyymmdd): earlier dates of
    /// service are not judged, since the data cannot tell.
    pub hcpcs_from: u32,
}

/// Packs up to 8 code bytes big-endian, padding with `fill`: 0x00 for a
/// code or a range's low end, 0xFF for "this code and everything below it".
/// Digits sort before letters in ASCII as they do in ICD-10-CM (O99 < O9A).
pub fn pack(code: &[u8], fill: u8) -> u64 {
    let mut b = [fill; 8];
    for (d, s) in b.iter_mut().zip(code.iter()) {
        *d = *s;
    }
    u64::from_be_bytes(b)
}

/// [`pack`] with zero fill, for `chunks` and maps.
pub fn pack_fill0(code: &[u8]) -> u64 {
    pack(code, 0)
}

impl RuleData {
    /// The Excludes1 ranges a node carries itself (not its ancestors').
    pub fn excludes1_of(&self, node: u32) -> impl Iterator<Item = (u64, u64)> + '_ {
        let carrier = self.excludes1_nodes.binary_search(&node).ok();
        self.excludes1_at(carrier.unwrap_or(usize::MAX))
    }

    /// Position of a node among the Excludes1 carriers.
    pub fn excludes1_carrier(&self, node: u32) -> Option<usize> {
        self.excludes1_nodes.binary_search(&node).ok()
    }

    /// The ranges of the carrier at `i` (see [`RuleData::excludes1_carrier`]).
    pub fn excludes1_at(&self, i: usize) -> impl Iterator<Item = (u64, u64)> + '_ {
        let range = if i < self.excludes1_nodes.len() {
            let start = if i == 0 {
                0
            } else {
                self.excludes1_ends.get(i - 1).copied().unwrap_or(0)
            };
            let end = self.excludes1_ends.get(i).copied().unwrap_or(start);
            start as usize..end.max(start) as usize
        } else {
            0..0
        };
        range.filter_map(move |r| {
            let b = self.excludes1_ranges.get(r * 16..r * 16 + 16)?;
            let lo = u64::from_be_bytes(b[..8].try_into().ok()?);
            let hi = u64::from_be_bytes(b[8..].try_into().ok()?);
            Some((lo, hi))
        })
    }

    pub fn excludes1_range_count(&self) -> usize {
        self.excludes1_ranges.len() / 16
    }

    /// These tables as they sit in the index (the three arrays back to
    /// back, then `hcpcs_from`), for size reports.
    pub fn encoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(self.excludes1_nodes.as_bytes());
        out.extend_from_slice(self.excludes1_ends.as_bytes());
        out.extend_from_slice(self.excludes1_ranges.as_bytes());
        out.extend_from_slice(&self.hcpcs_from.to_le_bytes());
        out
    }
}
