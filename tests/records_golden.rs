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

/// One ICD-10-PCS code per section (0–9, B–D, F–H, X), plus a code valid
/// only from 2026-10-01 with no title in the bundled data (028F3Z0) and one
/// whose MCE sex flag ended (0UT90ZZ): the record `medcode lookup --json`
/// prints (axes with labels and their source, definitions, validity spans
/// with MCE flags, OR/non-OR by MS-DRG version). Files `pcs_<code>.json`.
const PCS_CODES: &[&str] = &[
    "0DTJ4ZZ", "10D00Z1", "2W3CX1Z", "30233N1", "4A023N7", "5A1955Z", "6A550Z3", "7W00X0Z",
    "8E0W4CZ", "9WB0XBZ", "B030ZZZ", "C2161ZZ", "D7000ZZ", "F003GKZ", "GZB0ZZZ", "HZ2ZZZZ",
    "X2CP3T7", "028F3Z0", "0UT90ZZ",
];

#[test]
fn pcs_records_match_their_golden_files() {
    let path = std::env::var_os("MEDCODE_INDEX")
        .map(|p| std::path::PathBuf::from(p).with_file_name("pcs.idx"))
        .unwrap_or_else(|| common::root().join("dist/pcs.idx"));
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("cannot read {} ({e}): run ./build.sh", path.display()));
    let table = medcode::icd10pcs::PcsTable::from_bytes(&bytes).expect("pcs.idx loads");
    let dir = common::root().join("tests/golden/records");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    let mut sections = std::collections::BTreeSet::new();
    for code in PCS_CODES {
        let record = table
            .record(code, None)
            .unwrap_or_else(|| panic!("{code} is not in pcs.idx"));
        sections.insert(code.as_bytes()[0]);
        let got = serde_json::to_string_pretty(&record).unwrap() + "\n";
        let path = dir.join(format!("pcs_{code}.json"));
        if update {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if got != want {
            failures.push(format!("{code}: record differs from {}", path.display()));
        }
    }
    assert_eq!(
        sections.into_iter().collect::<Vec<u8>>(),
        b"0123456789BCDFGHX".to_vec(),
        "a code for every PCS section"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
