//! Golden claims: every `tests/golden/claims/*.json` is a claim, the date it
//! is judged on, and the exact issues expected (rule, field, severity, and
//! where given the suggestion or a piece of the message). Together they
//! must cover every rule id with a failing and a passing case.
//!
//! Case file:
//! ```json
//! {"description": "...", "today": "2026-05-01", "options": {"profile": "medicare"}, "ncci": true,
//!  "claim": {...},
//!  "expect": [{"rule": "dx.not_billable", "field": "diagnoses[0]", "severity": "error", "suggestion": "E11.9"}],
//!  "passes": ["rule ids this case exercises without firing"],
//!  "skipped": ["rule ids the report must list as not run"],
//!  "user_data": [{"kind": "mue", "file": "tests/fixtures/userdata/….csv"}]}
//! ```
//! `user_data` files (synthetic, tests/fixtures/userdata/) are parsed as a
//! user's added data and attached to the engine for that case.

mod common;

use medcode::userdata::{DataKind, DataSet};
use medcode::validate::{dates, rules, validate_claim_with, Claim, ValidationOptions};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    today: String,
    #[serde(default)]
    options: Option<serde_json::Value>,
    #[serde(default)]
    ncci: bool,
    claim: serde_json::Value,
    expect: Vec<Expect>,
    #[serde(default)]
    passes: Vec<String>,
    #[serde(default)]
    skipped: Option<Vec<String>>,
    #[serde(default)]
    user_data: Vec<UserFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFile {
    kind: String,
    file: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    rule: String,
    field: String,
    severity: String,
    /// Absent: not checked; `null`: must have no suggestion.
    #[serde(default, deserialize_with = "some")]
    suggestion: Option<Option<String>>,
    #[serde(default)]
    message_contains: Option<String>,
}

fn some<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[test]
fn golden_claims() {
    let engine = common::engine();
    let ncci = common::ncci();
    let dir = common::root().join("tests/golden/claims");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/golden/claims exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 60,
        "expected the golden claim set, found {} files",
        files.len()
    );
    let mut failing: BTreeSet<String> = BTreeSet::new();
    let mut passing: BTreeSet<String> = BTreeSet::new();
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let case: Case = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        // JSON text crosses into the library, not serde traits: `cargo test
        // --release` can link the library built for the CLI (panic = abort).
        let claim = Claim::from_json(&case.claim.to_string())
            .unwrap_or_else(|e| panic!("{name}: claim: {e}"));
        let today = dates::parse_iso(&case.today).unwrap_or_else(|_| panic!("{name}: bad today"));
        let opts = match &case.options {
            Some(o) => ValidationOptions::from_json(&o.to_string())
                .unwrap_or_else(|e| panic!("{name}: options: {e}")),
            None => ValidationOptions::default(),
        };
        let with_data;
        let engine = if case.user_data.is_empty() {
            &engine
        } else {
            let mut e = common::engine();
            let sets: Vec<DataSet> = case
                .user_data
                .iter()
                .map(|u| {
                    let kind = DataKind::parse(&u.kind)
                        .unwrap_or_else(|| panic!("{name}: kind {}", u.kind));
                    let bytes = std::fs::read(common::root().join(&u.file))
                        .unwrap_or_else(|e| panic!("{name}: {}: {e}", u.file));
                    DataSet::parse(kind, &u.file, &bytes, "2026-05-01")
                        .unwrap_or_else(|e| panic!("{name}: {e}"))
                })
                .collect();
            e.attach_user_data(&sets).unwrap();
            with_data = e;
            &with_data
        };
        let report = validate_claim_with(engine, &claim, today, &opts, case.ncci.then_some(ncci));

        let mut got: Vec<(String, String, String)> = report
            .issues
            .iter()
            .map(|i| {
                (
                    i.rule.to_string(),
                    i.field.clone(),
                    i.severity.as_str().to_string(),
                )
            })
            .collect();
        let mut want: Vec<(String, String, String)> = case
            .expect
            .iter()
            .map(|e| (e.rule.clone(), e.field.clone(), e.severity.clone()))
            .collect();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!(
                "{name} ({}):\n  expected {want:?}\n  got      {got:?}\n  messages {:?}",
                case.description,
                report
                    .issues
                    .iter()
                    .map(|i| format!("{}: {}", i.field, i.message))
                    .collect::<Vec<_>>()
            ));
            continue;
        }
        for e in &case.expect {
            let issue = report
                .issues
                .iter()
                .find(|i| {
                    i.rule == e.rule && i.field == e.field && i.severity.as_str() == e.severity
                })
                .unwrap();
            if let Some(s) = &e.suggestion {
                if &issue.suggestion != s {
                    failures.push(format!(
                        "{name}: {} suggestion {:?}, expected {s:?}",
                        e.field, issue.suggestion
                    ));
                }
            }
            if let Some(m) = &e.message_contains {
                if !issue.message.contains(m.as_str()) {
                    failures.push(format!(
                        "{name}: {} message {:?} lacks {m:?}",
                        e.field, issue.message
                    ));
                }
            }
            assert!(
                !issue.message.is_empty() && issue.message.len() < 300,
                "{name}: message length"
            );
        }
        if let Some(sk) = &case.skipped {
            let got: Vec<&str> = report.skipped.iter().map(|s| s.rule.as_ref()).collect();
            if got != sk.iter().map(String::as_str).collect::<Vec<_>>() {
                failures.push(format!("{name}: skipped {got:?}, expected {sk:?}"));
            }
        }
        let errors = report.issues.iter().any(|i| i.severity.as_str() == "error");
        assert_eq!(report.valid, !errors, "{name}: valid flag");
        failing.extend(case.expect.iter().map(|e| e.rule.clone()));
        for p in &case.passes {
            assert!(
                !report.issues.iter().any(|i| &i.rule == p),
                "{name}: lists {p} as passing but it fired"
            );
            passing.insert(p.clone());
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // ICD-10-PCS rules belong to inpatient abstract fields, not CMS-1500
    // claims: tests/golden/fields/pcs.tsv (run by tests/pcs.rs) covers them.
    for r in rules::ALL.iter().filter(|r| !r.id.starts_with("pcs.")) {
        assert!(
            failing.contains(r.id),
            "no golden claim makes {} fire",
            r.id
        );
        assert!(
            passing.contains(r.id),
            "no golden claim passes {} (list it in a case's \"passes\")",
            r.id
        );
    }
    let known: BTreeSet<&str> = rules::ALL.iter().map(|r| r.id).collect();
    for r in failing.iter().chain(&passing) {
        assert!(
            known.contains(r.as_str()),
            "golden claims name an unknown rule {r}"
        );
    }
}
