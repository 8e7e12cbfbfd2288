//! HCPCS in people's words (issue 9): tests/golden/search/hcpcs_everyday.tsv
//! against the built index, the "why" of a hit, and the build-time checks that
//! refuse a bad entry in the reviewed data files.

mod common;

use medcode::{SearchOptions, System};

fn hcpcs(limit: usize) -> SearchOptions {
    SearchOptions {
        system: Some(System::Hcpcs),
        limit,
    }
}

#[test]
fn every_everyday_family_finds_its_code() {
    let engine = common::engine();
    let golden =
        std::fs::read_to_string(common::root().join("tests/golden/search/hcpcs_everyday.tsv"))
            .unwrap();
    let mut failures = Vec::new();
    let mut families = std::collections::BTreeSet::new();
    for line in golden
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 5, "bad golden line {line:?}");
        assert_eq!(cols[1], "hcpcs", "{line:?}");
        let (family, query, want) = (cols[0], cols[2], cols[3]);
        let max_rank: usize = cols[4].parse().unwrap();
        families.insert(family);
        let hits = engine.search(query, &hcpcs(10));
        let got = hits.iter().position(|h| h.code == want);
        if got.map_or(true, |r| r + 1 > max_rank) {
            let top: Vec<&str> = hits.iter().take(3).map(|h| h.code.as_str()).collect();
            failures.push(format!(
                "[{family}] {query:?}: want {want} within {max_rank}, got {got:?} (top {top:?})"
            ));
        }
    }
    for f in [
        "brand-name",
        "dose-word",
        "expanded-abbreviation",
        "service-name",
    ] {
        assert!(families.contains(f), "no golden line for family {f}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_hit_says_which_everyday_name_matched() {
    let engine = common::engine();
    let why = |query: &str| {
        let hit = engine.search(query, &hcpcs(1)).remove(0);
        let id = engine.find(System::Hcpcs, &hit.code).unwrap();
        (hit.code.clone(), engine.everyday_why(id, &hit.matched))
    };
    let (code, w) = why("toradol");
    assert_eq!(code, "J1885");
    assert_eq!(w.as_deref(), Some("brand name: toradol → ketorolac"));
    let (code, w) = why("awv subsequent");
    assert_eq!(code, "G0439");
    assert!(w.unwrap().starts_with("service name: "));
    let (code, w) = why("ketorolac tromethamine injection");
    assert_eq!(code, "J1885");
    assert_eq!(w.as_deref(), Some("expanded: inj → injection"));
    // Words of the descriptor itself need no explanation.
    let (_, w) = why("ketorolac tromethamine inj");
    assert_eq!(w, None);
}

/// A number the descriptor does not state never drops a code (regression:
/// "kenalog 40" lost J3301 to a code whose dose words held 40).
#[test]
fn a_dose_never_drops_a_code() {
    let engine = common::engine();
    for (q, want) in [("toradol 60", "J1885"), ("kenalog 40", "J3301")] {
        let hits = engine.search(q, &hcpcs(10));
        assert!(hits.iter().any(|h| h.code == want), "{q}: {hits:?}");
    }
}

/// Builds the test slice with the given everyday files; returns the error text.
fn build_slice_with(abbr: &str, names: &str, drugs: &str) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!(
        "medcode-hcpcs-everyday-{}-{}",
        std::process::id(),
        abbr.len() * 31 + names.len() * 7 + drugs.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    // The real slice plus a code retired before the newest quarter.
    let slice =
        std::fs::read_to_string(common::root().join("tests/fixtures/hcpcs-slice.tsv")).unwrap();
    let hcpcs = write(
        "hcpcs.tsv",
        &format!("{slice}J2920\t2019-07-01\t2024-03-31\tMethylprednisolone injection\n"),
    );
    let src = medcode::ingest::Sources {
        icd10cm_xml: common::root().join("tests/fixtures/tabular-slice.xml"),
        hcpcs_tsv: Some(hcpcs),
        hcpcs_abbreviations: Some(write("abbr.tsv", abbr)),
        hcpcs_names: vec![write("names.tsv", names)],
        hcpcs_drug_names: vec![write("drugs.tsv", drugs)],
        ..Default::default()
    };
    let out = medcode::ingest::build(&src)
        .map(|_| ())
        .map_err(|e| e.to_string());
    std::fs::remove_dir_all(&dir).ok();
    out
}

#[test]
fn good_everyday_files_build() {
    build_slice_with(
        "admin\tadministration\nvac\tvaccine\nphos\tphosphate\n",
        "G0008\tservice\tflu shot administration\nE0100\tsupply\tcane\n",
        "Decadron\tdexamethasone\tJ1100\n",
    )
    .unwrap();
}

#[test]
fn an_abbreviation_no_descriptor_uses_fails_the_build() {
    let err = build_slice_with("admin\tadministration\nzzq\tnothing\n", "", "").unwrap_err();
    assert!(err.contains("zzq"), "{err}");
}

#[test]
fn a_name_for_a_missing_or_retired_code_fails_the_build() {
    let err = build_slice_with("", "E0601\tsupply\tcpap\n", "").unwrap_err();
    assert!(
        err.contains("E0601") && err.contains("not in the HCPCS data"),
        "{err}"
    );
    let err = build_slice_with("", "J2920\tsupply\tsolu medrol\n", "").unwrap_err();
    assert!(err.contains("J2920") && err.contains("not active"), "{err}");
    let err = build_slice_with("", "G0008\tgadget\tflu shot\n", "").unwrap_err();
    assert!(err.contains("service or supply"), "{err}");
}

#[test]
fn a_drug_name_whose_generic_is_not_in_the_descriptor_fails_the_build() {
    let err = build_slice_with("", "", "Toradol\tketorolac\tJ1100\n").unwrap_err();
    assert!(err.contains("J1100") && err.contains("ketorolac"), "{err}");
}
