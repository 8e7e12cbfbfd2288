//! Property-based fuzzing of `validate_claim` and `validate_field`: any
//! claim (real codes, near-misses, arbitrary Unicode, wrong types, odd
//! dates) validates without panicking, and every report is well formed.
//! Bounded: PROPTEST_CASES (default 3000 per property; 500 in debug builds)
//! runs in a few seconds under `cargo test --release`.

mod common;

use medcode::validate::{
    rules, validate_claim_with, validate_field, Claim, FieldContext, FieldKind, Patient, Provider,
    ServiceLine, ValidationOptions, Value,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use common::{ncci, thread_engine as engine};

const REAL: &[&str] = &[
    "E11.9",
    "E11",
    "E10.9",
    "I10",
    "I50",
    "T45.01A",
    "T45.0X1A",
    "S52.501",
    "S52.501A",
    "W19.XXXA",
    "G01",
    "D63.0",
    "C50.911",
    "O80",
    "Z34.00",
    "Z00.00",
    "Z00.110",
    "N40.0",
    "P07.01",
    "P05.01",
    "E11.A",
    "G35",
    "QA0.0101",
    "99213",
    "80053",
    "80048",
    "11042",
    "97597",
    "J1100",
    "A4397",
    "J0001",
    "3074F",
    "0042T",
    "25",
    "59",
    "LT",
    "XS",
    "ZZ",
    "11",
    "02",
    "30",
    "A",
    "B",
    "L",
    "M",
    "1",
    "2026-03-10",
    "2025-03-10",
    "1968-04-02",
    "03/10/2026",
    "2024-02-29",
    "2025-02-29",
    "1234567893",
    "1987654328",
    "1234567890",
    "12-3456789",
    "123-45-6789",
    "12345",
    "125.00",
    "0",
    "-1",
    "1e9",
    "",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(REAL).prop_map(str::to_string),
        2 => "[A-Z0-9. -]{0,9}",
        2 => any::<String>(),
        1 => "[\\x00-\\x1f\\u{80}-\\u{10ffff}]{0,12}",
        1 => prop::sample::select(REAL).prop_map(|s| format!("  {}\u{0}{s}", s.to_lowercase())),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => text().prop_map(Value::Text),
        2 => any::<f64>().prop_map(|f| Value::Number(f.to_string())),
        1 => any::<i64>().prop_map(|i| Value::Number(i.to_string())),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
        1 => Just(Value::Nested),
    ]
}

fn opt_value() -> impl Strategy<Value = Option<Value>> {
    prop::option::weighted(0.8, value())
}

fn provider() -> impl Strategy<Value = Option<Provider>> {
    prop::option::of(
        (opt_value(), opt_value(), opt_value(), opt_value()).prop_map(
            |(npi, tax_id, tax_id_type, zip)| Provider {
                npi,
                tax_id,
                tax_id_type,
                zip,
            },
        ),
    )
}

fn line() -> impl Strategy<Value = ServiceLine> {
    (
        (opt_value(), opt_value(), opt_value(), opt_value()),
        prop::collection::vec(value(), 0..6),
        prop::collection::vec(value(), 0..6),
        (opt_value(), opt_value()),
    )
        .prop_map(
            |(
                (from, to, place_of_service, code),
                modifiers,
                diagnosis_pointers,
                (units, charge),
            )| ServiceLine {
                from,
                to,
                place_of_service,
                code,
                modifiers,
                diagnosis_pointers,
                units,
                charge,
            },
        )
}

fn claim() -> impl Strategy<Value = Claim> {
    (
        prop::option::of((opt_value(), opt_value(), opt_value()).prop_map(
            |(sex, birth_date, zip)| Patient {
                sex,
                birth_date,
                zip,
            },
        )),
        (provider(), provider(), provider()),
        prop::collection::vec(value(), 0..16),
        prop::collection::vec(line(), 0..9),
    )
        .prop_map(
            |(
                patient,
                (billing_provider, rendering_provider, referring_provider),
                diagnoses,
                service_lines,
            )| Claim {
                patient,
                billing_provider,
                rendering_provider,
                referring_provider,
                diagnoses,
                service_lines,
            },
        )
}

fn today() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 20150101u32..20280101, 1 => any::<u32>()]
}

fn options() -> impl Strategy<Value = ValidationOptions> {
    (0usize..6, 0usize..14, 0usize..6, 0usize..10).prop_map(|(p, d, m, l)| ValidationOptions {
        max_pointers_per_line: p,
        max_diagnoses: d,
        max_modifiers: m,
        max_service_lines: l,
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
