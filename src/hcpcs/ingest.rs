//! Reads HCPCS Level II codes and modifiers from the TSVs that
//! `tools/extract_registry_data.py` writes from the I/OCE tables.
//!
//! `hcpcs.tsv` v1: `code<TAB>start<TAB>end<TAB>short_descriptor`, dates
//! `YYYY-MM-DD`, empty end = valid at the newest quarter; one row per span.
//! `modifiers.tsv` v1: `code<TAB>start<TAB>end<TAB>ncci…` (extra columns ignored).

use crate::index::build::{BuildError, BuildNode, IndexBuilder};
use crate::index::format::ModifierRec;
use crate::model::{NodeKind, System};
use std::collections::BTreeMap;

/// `2026-04-01` → `20260401`; empty → open-ended (`u32::MAX`).
pub fn parse_date(s: &str, open: u32) -> Result<u32, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(open);
    }
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("bad date {s:?} (want YYYY-MM-DD)"));
    }
    digits.parse().map_err(|_| format!("bad date {s:?}"))
}

fn rows(tsv: &str) -> impl Iterator<Item = (usize, Vec<String>)> + '_ {
    tsv.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.split('\t').map(|s| s.to_string()).collect()))
}

/// Adds Level II codes. Refuses a CPT-shaped code: CPT descriptors are never shipped.
pub fn read_hcpcs(tsv: &str, builder: &mut IndexBuilder) -> Result<u32, BuildError> {
    let mut by_code: BTreeMap<String, Vec<(u32, u32, String)>> = BTreeMap::new();
    for (line, cols) in rows(tsv) {
        let err = |m: String| BuildError::Data(format!("hcpcs.tsv line {line}: {m}"));
        if cols.len() < 4 {
            return Err(err("expected 4 tab-separated columns".into()));
        }
        let code = cols[0].trim().to_ascii_uppercase();
        if !super::is_level2(&code) {
            return Err(err(format!(
                "{code:?} is not a HCPCS Level II code (letter A–V + 4 digits); CPT codes must not be in this file"
            )));
        }
        let start = parse_date(&cols[1], 0).map_err(err)?;
        let end = parse_date(&cols[2], u32::MAX).map_err(err)?;
        by_code
            .entry(code)
            .or_default()
            .push((start, end, cols[3].trim().to_string()));
    }
    let mut newest = 0;
    for (code, mut spans) in by_code {
        spans.sort();
        let mut node = BuildNode::new(System::Hcpcs, NodeKind::Code, None);
        node.title = spans.last().map(|s| s.2.clone());
        node.billable = spans.iter().any(|s| s.1 == u32::MAX);
        node.spans = spans.iter().map(|s| (s.0, s.1, 0)).collect();
        newest = newest.max(spans.iter().map(|s| s.0).max().unwrap_or(0));
        node.code = code;
        builder.push(node);
    }
    Ok(newest)
}

/// Reads the modifier list.
pub fn read_modifiers(tsv: &str) -> Result<Vec<ModifierRec>, BuildError> {
    let mut out = Vec::new();
    let mut header: Vec<String> = Vec::new();
    for l in tsv.lines() {
        if let Some(h) = l.strip_prefix('#') {
            if let Some((_, cols)) = h.split_once(':') {
                header = cols
                    .trim()
                    .split('\t')
                    .map(|s| s.trim().to_string())
                    .collect();
            }
        }
    }
    let ncci_col = header.iter().position(|h| h == "ncci");
    for (line, cols) in rows(tsv) {
        let err = |m: String| BuildError::Data(format!("modifiers.tsv line {line}: {m}"));
        if cols.len() < 3 {
            return Err(err("expected code, start, end".into()));
        }
        out.push(ModifierRec {
            code: cols[0].trim().to_ascii_uppercase(),
            start: parse_date(&cols[1], 0).map_err(err)?,
            end: parse_date(&cols[2], u32::MAX).map_err(err)?,
            ncci: ncci_col
                .and_then(|c| cols.get(c))
                .map(|v| matches!(v.trim(), "1" | "true" | "True" | "Y"))
                .unwrap_or(false),
        });
    }
    Ok(out)
}
