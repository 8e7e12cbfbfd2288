//! Shared test helpers: the built index and the frozen real-data slices.
#![allow(dead_code)]

pub mod gen;

use medcode::index::IndexData;
use medcode::validate::NcciTable;
use medcode::Engine;
use std::path::PathBuf;
use std::sync::OnceLock;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Path of the full index built by ./build.sh (MEDCODE_INDEX or dist/medcode.idx).
pub fn index_path() -> PathBuf {
    std::env::var_os("MEDCODE_INDEX")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("dist/medcode.idx"))
}

/// The full index built by ./build.sh (MEDCODE_INDEX or dist/medcode.idx).
pub fn engine() -> Engine {
    Engine::from_bytes(&read_built(&index_path(), "the index")).expect("the built index loads")
}

/// A file ./build.sh makes; a clear panic when it is missing.
fn read_built(path: &std::path::Path, what: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "cannot read {what} {} ({e}): run ./build.sh first",
            path.display()
        )
    })
}

/// The full index, one per test thread (the engine keeps search scratch
/// space in a RefCell).
pub fn thread_engine() -> &'static Engine {
    thread_local! {
        static ENGINE: &'static Engine = Box::leak(Box::new(engine()));
    }
    ENGINE.with(|e| *e)
}

/// The NCCI file built beside the index (MEDCODE_NCCI, else next to
/// MEDCODE_INDEX, else dist/ncci.idx).
pub fn ncci_path() -> PathBuf {
    std::env::var_os("MEDCODE_NCCI")
        .map(PathBuf::from)
        .unwrap_or_else(|| index_path().with_file_name("ncci.idx"))
}

/// The built NCCI table, loaded once per test binary.
pub fn ncci() -> &'static NcciTable {
    static N: OnceLock<NcciTable> = OnceLock::new();
    N.get_or_init(|| {
        NcciTable::from_bytes(&read_built(&ncci_path(), "the NCCI file"))
            .expect("the built NCCI file loads")
    })
}

/// An index built from the real slices in tests/fixtures (no build needed).
pub fn slice_index() -> IndexData {
    let src = medcode::ingest::Sources {
        icd10cm_xml: root().join("tests/fixtures/tabular-slice.xml"),
        icd10cm_label: "ICD-10-CM April 1, 2026 (test slice)".into(),
        icd10cm_effective: 20260401,
        hcpcs_tsv: Some(root().join("tests/fixtures/hcpcs-slice.tsv")),
        hcpcs_label: "HCPCS Level II (test slice)".into(),
        abbreviations: vec![root().join("data/abbreviations/cms_short_title.tsv")],
        ..Default::default()
    };
    medcode::ingest::build(&src).expect("the slice builds")
}

/// Path of a file from the pinned data packages, fetched by ./build.sh.
pub fn data_file(rel: &str) -> PathBuf {
    let p = root().join("build/data").join(rel);
    assert!(
        p.exists(),
        "{} is missing: run ./build.sh first",
        p.display()
    );
    p
}

/// The search dev set (`../shared/eval/search-dev.jsonl`) as (query, set,
/// options with 10 results): what the speed examples time.
pub fn dev_queries() -> Vec<(String, String, medcode::SearchOptions)> {
    use medcode::System;
    let text = std::fs::read_to_string(root().join("../shared/eval/search-dev.jsonl"))
        .expect("../shared/eval/search-dev.jsonl");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .map(|v| {
            let system = match v["system"].as_str() {
                Some("hcpcs") => Some(System::Hcpcs),
                Some("all") => None,
                _ => Some(System::Icd10cm),
            };
            (
                v["query"].as_str().unwrap_or("").to_string(),
                v["set"].as_str().unwrap_or("").to_string(),
                medcode::SearchOptions { system, limit: 10 },
            )
        })
        .collect()
}

/// Runs a query-family golden file (tests/golden/search/*.tsv: family, system,
/// query, code, max rank; "all" searches every system) and returns how many
/// lines it held and one message per line whose code ranked too low.
pub fn search_family_failures(engine: &Engine, rel: &str) -> (usize, Vec<String>) {
    use medcode::{SearchOptions, System};
    golden_family_failures(rel, |sys, query| {
        let system = match sys {
            "icd10cm" => Some(System::Icd10cm),
            "hcpcs" => Some(System::Hcpcs),
            "all" => None,
            other => panic!("unknown system {other:?} for {query:?} ({rel})"),
        };
        let hits = engine.search(query, &SearchOptions { system, limit: 10 });
        hits.into_iter().map(|h| h.code).collect()
    })
}

/// The lines of a query-family golden file `rel` whose code `search`
/// (system, query → codes, best first) ranked too low: (lines, failures).
pub fn golden_family_failures(
    rel: &str,
    mut search: impl FnMut(&str, &str) -> Vec<String>,
) -> (usize, Vec<String>) {
    let golden = std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut failures = Vec::new();
    let mut cases = 0;
    for line in golden
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 5, "bad golden line {line:?} in {rel}");
        let (family, sys, query, want, rank) = (cols[0], cols[1], cols[2], cols[3], cols[4]);
        let max_rank: usize = rank.parse().unwrap();
        let codes = search(sys, query);
        let got = codes.iter().position(|c| c == want);
        cases += 1;
        if got.map_or(true, |r| r + 1 > max_rank) {
            let top: Vec<&String> = codes.iter().take(3).collect();
            failures.push(format!(
                "[{family}] {query:?}: want {want} within {max_rank}, got {got:?} (top {top:?})"
            ));
        }
    }
    (cases, failures)
}

/// Fails with every line of a query-family golden file whose code ranked too
/// low, after checking the file held at least `min_cases` lines.
pub fn assert_search_families(rel: &str, min_cases: usize) {
    let (cases, failures) = search_family_failures(&engine(), rel);
    assert!(
        cases >= min_cases,
        "{rel}: {cases} lines, want at least {min_cases}"
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
