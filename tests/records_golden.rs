//! Code → record as data: tests/golden/records/*.json hold the full record
//! `medcode lookup --json` gives for codes that exercise each part of the
//! model (7th characters, placeholder X, glaucoma stages, notes inheritance,
//! FY2027 validity, a code in two systems). Regenerate on purpose with
//! `UPDATE_GOLDEN=1 cargo test --test records_golden`, then read the diff.

mod common;

const CODES: &[&str] = &[
    "E11.9", "S52.501A", "T45.0X1A", "H40.40X2", "W19.XXXA", "G35", "I42.00", "J1100", "E11",
    // Regression: its "code also" note began with a stray ", if applicable, …".
    "QA0",
];

#[test]
fn records_match_their_golden_files() {
    let engine = common::engine();
    let dir = common::root().join("tests/golden/records");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for code in CODES {
        let records = engine.lookup_all(code).unwrap();
        let got = serde_json::to_string_pretty(&records).unwrap() + "\n";
        let path = dir.join(format!("{}.json", code.replace('.', "_")));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if got != want {
            failures.push(format!("{code}: record differs from {}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
