//! Property-based fuzzing of `validate_claim` and `validate_field`: any
//! claim (real codes, near-misses, arbitrary Unicode, wrong types, odd
//! dates) validates without panicking, and every report is well formed.
//! Bounded: PROPTEST_CASES (default 3000 per property; 500 in debug builds)
//! runs in a few seconds under `cargo test --release`.

mod common;

use common::gen::{claim, options, text, today};
use medcode::validate::{
    rules, validate_claim_with, validate_field, Claim, FieldContext, FieldKind, NcciTable,
    ValidationOptions,
};
use medcode::Engine;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::path::PathBuf;
use std::sync::OnceLock;

// The engine keeps search scratch space in a RefCell, so one per test thread.
thread_local! {
    static ENGINE: &'static Engine = Box::leak(Box::new(common::engine()));
}

fn engine() -> &'static Engine {
    ENGINE.with(|e| *e)
}

fn ncci() -> &'static NcciTable {
    static N: OnceLock<NcciTable> = OnceLock::new();
    N.get_or_init(|| {
        let path = std::env::var_os("MEDCODE_INDEX")
            .map(|p| PathBuf::from(p).with_file_name("ncci.idx"))
            .unwrap_or_else(|| common::root().join("dist/ncci.idx"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read the NCCI file {} ({e}): run ./build.sh first",
                path.display()
            )
        });
        NcciTable::from_bytes(&bytes).expect("the built NCCI file loads")
    })
}

fn cases(default: u32) -> ProptestConfig {
    // Debug builds are ~20x slower: fewer cases there, all of them in --release.
    let default = if cfg!(debug_assertions) {
        default / 6
    } else {
        default
    };
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases: n,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A field path names a real place in the claim.
fn path_ok(f: &str) -> bool {
    let heads = [
        "billing_provider.",
        "rendering_provider.",
        "referring_provider.",
        "patient.",
        "diagnoses",
        "service_lines",
    ];
    heads.iter().any(|h| f.starts_with(h))
        && f.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._[]".contains(c))
}

/// Runs a property on a thread with a big stack: proptest's nested
/// strategies need more than a test thread's 2 MB in debug builds.
fn check<S>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError> + Send + 'static)
where
    S: Strategy + Send + 'static,
    S::Value: std::fmt::Debug,
{
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut runner = proptest::test_runner::TestRunner::new(cases(3000));
            if let Err(e) = runner.run(&strategy, test) {
                panic!("{e}");
            }
        })
        .unwrap()
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

#[test]
fn any_claim_validates() {
    check(
        (claim(), today(), options(), any::<bool>()),
        |(c, today, opts, with_ncci)| {
            let report = validate_claim_with(engine(), &c, today, &opts, with_ncci.then(ncci));
            let errors = report.issues.iter().any(|i| i.severity.as_str() == "error");
            prop_assert_eq!(report.valid, !errors);
            for i in &report.issues {
                prop_assert!(
                    rules::ALL.iter().any(|r| r.id == i.rule),
                    "unknown rule {}",
                    i.rule
                );
                prop_assert!(path_ok(&i.field), "bad field path {}", i.field);
                prop_assert!(
                    !i.message.is_empty() && i.message.chars().count() < 320,
                    "message {:?}",
                    i.message
                );
                prop_assert!(
                    !i.message.chars().any(|ch| ch.is_control()),
                    "control char in {:?}",
                    i.message
                );
            }
            Ok(())
        },
    );
}

#[test]
fn any_field_validates() {
    let ctx = (
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(0usize..20),
        prop::option::of(0usize..40),
        prop::option::of(text()),
    );
    check(
        (prop::sample::select(FieldKind::ALL.to_vec()), text(), ctx),
        |(kind, v, c)| {
            let (date_of_service, today, birth_date, sex, position, diagnosis_count, tax_id_type) =
                c;
            let ctx = FieldContext {
                field: None,
                date_of_service,
                today,
                birth_date,
                sex,
                position,
                diagnosis_count,
                tax_id_type,
            };
            for i in validate_field(engine(), kind, &v, &ctx) {
                prop_assert_eq!(i.field.as_str(), kind.as_str());
                prop_assert!(!i.message.is_empty() && i.message.chars().count() < 320);
                prop_assert!(
                    !i.message.chars().any(|ch| ch.is_control()),
                    "control char in {:?}",
                    i.message
                );
            }
            Ok(())
        },
    );
}

#[test]
fn any_json_parses_or_errs() {
    let json = prop_oneof![
        any::<String>(),
        "[{}\\[\\]\":,a-z0-9 ]{0,64}".prop_map(String::from)
    ];
    check(json, |s| {
        if let Ok(c) = Claim::from_json(&s) {
            let _ = validate_claim_with(
                engine(),
                &c,
                20260501,
                &ValidationOptions::default(),
                Some(ncci()),
            );
        }
        Ok(())
    });
}
