//! Shared test helpers: the built index and the frozen real-data slices.
#![allow(dead_code)]

pub mod gen;

use medcode::index::IndexData;
use medcode::Engine;
use std::path::PathBuf;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The full index built by ./build.sh (MEDCODE_INDEX or dist/medcode.idx).
pub fn engine() -> Engine {
    let path = std::env::var_os("MEDCODE_INDEX")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("dist/medcode.idx"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the index {} ({e}): run ./build.sh first",
            path.display()
        )
    });
    Engine::from_bytes(&bytes).expect("the built index loads")
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
