//! `validate_field` kind by kind, bad input of every sort (huge strings,
//! control characters, deep nesting, 10,000 lines), and an ignored
//! throughput measurement (`cargo test --release --test validate_field --
//! --ignored --nocapture`).

mod common;

use medcode::validate::{
    validate_claim, validate_claim_with, validate_field, Claim, FieldContext, FieldKind, Issue,
    ServiceLine, ValidationOptions, Value,
};
use std::time::{Duration, Instant};

use common::{ncci, thread_engine as engine};

const TODAY: u32 = 20260501;

fn ctx() -> FieldContext {
    FieldContext {
        today: Some("2026-05-01".into()),
        ..Default::default()
    }
}

fn field(kind: &str, value: &str, c: &FieldContext) -> Vec<Issue> {
    validate_field(engine(), kind.parse().unwrap(), value, c)
}

/// (rule, suggestion) of each issue.
fn rules(issues: &[Issue]) -> Vec<(String, Option<String>)> {
    issues
        .iter()
        .map(|i| (i.rule.to_string(), i.suggestion.clone()))
        .collect()
}

fn r(rule: &str) -> (String, Option<String>) {
    (rule.to_string(), None)
}
fn rs(rule: &str, s: &str) -> (String, Option<String>) {
    (rule.to_string(), Some(s.to_string()))
}

#[test]
fn kinds_parse_and_name_the_list_when_unknown() {
    assert_eq!("tax-id".parse::<FieldKind>(), Ok(FieldKind::TaxId));
    assert_eq!(" DX ".parse::<FieldKind>(), Ok(FieldKind::Dx));
    let err = "bogus".parse::<FieldKind>().unwrap_err();
    assert!(err.contains("npi") && err.contains("zip"), "{err}");
}

#[test]
fn provider_fields() {
    let c = ctx();
    assert!(field("npi", "1234567893", &c).is_empty());
    assert_eq!(
        rules(&field("npi", "1234567890", &c)),
        [r("npi.check_digit")]
    );
    assert_eq!(rules(&field("npi", "12345", &c)), [r("npi.format")]);
    assert!(field("tax_id", "12-3456789", &c).is_empty());
    let ein = FieldContext {
        tax_id_type: Some("ein".into()),
        ..ctx()
    };
    assert_eq!(
        rules(&field("tax_id", "123-45-6789", &ein)),
        [rs("tax_id.format", "123456789")]
    );
    let ssn = FieldContext {
        tax_id_type: Some("SSN".into()),
        ..ctx()
    };
    assert_eq!(
        rules(&field("tax_id", "000-12-3456", &ssn)),
        [r("tax_id.format")]
    );
    assert!(field("zip", "12345-6789", &c).is_empty());
    assert_eq!(rules(&field("zip", "1234", &c)), [r("zip.format")]);
    // The issue names the path the caller gives.
    let named = FieldContext {
        field: Some("billing_provider.npi".into()),
        ..ctx()
    };
    assert_eq!(field("npi", "1", &named)[0].field, "billing_provider.npi");
    assert_eq!(field("npi", "1", &c)[0].field, "npi");
}

#[test]
fn date_fields_take_what_people_type() {
    let c = ctx();
    for ok in [
        "2026-03-10",
        "03/10/2026",
        "03-10-2026",
        "03102026",
        "031026",
        "20260310",
        "040268",
    ] {
        assert!(field("date", ok, &c).is_empty(), "{ok}");
    }
    assert_eq!(rules(&field("date", "02/30/2026", &c)), [r("date.format")]);
    assert_eq!(rules(&field("date", "3/10/26", &c)), [r("date.format")]);
    assert_eq!(rules(&field("date", "12/31/2026", &c)), [r("date.future")]);
    // Without today, nothing is in the future.
    assert!(field("date", "12/31/2026", &FieldContext::default()).is_empty());
    assert!(field("date", "", &c).is_empty());
}

#[test]
fn dx_fields() {
    let c = ctx();
    assert!(field("dx", "E11.9", &c).is_empty());
    assert_eq!(
        rules(&field("dx", "e11", &c)),
        [rs("dx.not_billable", "E11.9")]
    );
    assert_eq!(
        rules(&field("dx", "T45.01A", &c)),
        [rs("dx.placeholder_missing", "T45.0X1A")]
    );
    assert_eq!(
        rules(&field("dx", "S52.501", &c)),
        [r("dx.seventh_char_missing")]
    );
    assert_eq!(rules(&field("dx", "E11.99", &c)), [r("dx.unknown")]);
    assert_eq!(rules(&field("dx", "E11;9", &c)), [r("dx.format")]);
    let dos = |d: &str| FieldContext {
        date_of_service: Some(d.into()),
        ..ctx()
    };
    assert_eq!(
        rules(&field("dx", "E11.A", &dos("03/10/2025"))),
        [r("dx.invalid_for_dos")]
    );
    assert!(field("dx", "E11.A", &dos("03/10/2026")).is_empty());
    let first = FieldContext {
        position: Some(0),
        ..dos("2026-03-10")
    };
    assert_eq!(
        rules(&field("dx", "W19.XXXA", &first)),
        [r("dx.external_cause_first")]
    );
    assert_eq!(
        rules(&field("dx", "G01", &first)),
        [r("dx.manifestation_first")]
    );
    let second = FieldContext {
        position: Some(1),
        ..dos("2026-03-10")
    };
    assert_eq!(
        rules(&field("dx", "Z00.00", &second)),
        [r("dx.first_listed_only")]
    );
    let patient = FieldContext {
        sex: Some("F".into()),
        birth_date: Some("04/02/1950".into()),
        ..dos("2026-03-10")
    };
    assert_eq!(
        rules(&field("dx", "N40.0", &patient)),
        [r("dx.sex_conflict")]
    );
    assert_eq!(rules(&field("dx", "O80", &patient)), [r("dx.age_conflict")]);
}

#[test]
fn line_fields() {
    let c = ctx();
    let dos = FieldContext {
        date_of_service: Some("2026-03-10".into()),
        ..ctx()
    };
    assert!(field("proc", "99213", &c).is_empty());
    assert!(field("proc", "j1100", &dos).is_empty());
    assert_eq!(rules(&field("proc", "9921", &c)), [r("proc.format")]);
    assert_eq!(rules(&field("proc", "J0001", &c)), [r("proc.unknown")]);
    assert_eq!(
        rules(&field("proc", "A4397", &dos)),
        [r("proc.invalid_for_dos")]
    );
    assert!(field("modifier", "lt", &c).is_empty());
    assert_eq!(rules(&field("modifier", "ZZ", &c)), [r("modifier.unknown")]);
    assert_eq!(rules(&field("modifier", "5", &c)), [r("modifier.format")]);
    assert!(field("pos", "11", &c).is_empty());
    assert_eq!(rules(&field("pos", "30", &c)), [r("pos.unknown")]);
    assert!(field("units", "1.5", &c).is_empty());
    assert_eq!(rules(&field("units", "0", &c)), [r("units.invalid")]);
    assert!(field("charge", "$1,250.00", &c).is_empty());
    assert_eq!(rules(&field("charge", "1.999", &c)), [r("charge.invalid")]);
    let two = FieldContext {
        diagnosis_count: Some(2),
        ..ctx()
    };
    assert!(field("pointer", "b", &two).is_empty());
    assert_eq!(rules(&field("pointer", "C", &two)), [r("pointer.invalid")]);
    assert_eq!(
        rules(&field("pointer", "2", &two)),
        [rs("pointer.invalid", "B")]
    );
    // A number past the diagnoses has no letter to suggest.
    assert_eq!(rules(&field("pointer", "3", &two)), [r("pointer.invalid")]);
}

fn line(code: &str) -> ServiceLine {
    ServiceLine {
        from: Some("2026-03-10".into()),
        code: Some(code.into()),
        diagnosis_pointers: vec!["A".into()],
        ..Default::default()
    }
}

#[test]
fn huge_strings_and_control_characters() {
    let huge = "9".repeat(10 << 20);
    let ctl = "E11\u{0}.9\u{7}\u{1b}[31m";
    for kind in FieldKind::ALL {
        for v in [huge.as_str(), ctl, "\u{feff}", "🙂🙂", "\n\t\r"] {
            for i in validate_field(engine(), kind, v, &ctx()) {
                assert!(
                    i.message.chars().count() < 300,
                    "{kind:?}: {}",
                    i.message.len()
                );
                assert!(
                    !i.message.contains('\u{0}') && !i.message.contains('\u{1b}'),
                    "{kind:?} echoes control chars"
                );
            }
        }
    }
    let claim = Claim {
        diagnoses: vec![Value::Text(huge.clone()), ctl.into()],
        service_lines: vec![ServiceLine {
            code: Some(Value::Text(huge.clone())),
            modifiers: vec![Value::Text(huge.clone())],
            from: Some(Value::Text(huge.clone())),
            ..line("99213")
        }],
        ..Default::default()
    };
    let start = Instant::now();
    let report = validate_claim(engine(), &claim, TODAY);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(!report.valid);
    assert!(report.issues.iter().all(|i| i.message.len() < 300));
}

#[test]
fn ten_thousand_lines_and_diagnoses() {
    let mut claim = Claim {
        diagnoses: (0..10_000)
            .map(|i| {
                if i % 2 == 0 {
                    "E11.9".into()
                } else {
                    "I10".into()
                }
            })
            .collect(),
        service_lines: (0..10_000)
            .map(|i| line(if i % 2 == 0 { "80053" } else { "80048" }))
            .collect(),
        ..Default::default()
    };
    let start = Instant::now();
    let report = validate_claim_with(
        engine(),
        &claim,
        TODAY,
        &ValidationOptions::default(),
        Some(ncci()),
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert!(report
        .issues
        .iter()
        .any(|i| i.rule == "service_lines.too_many"));
    assert!(report.issues.iter().any(|i| i.rule == "dx.too_many"));
    assert!(report.skipped.iter().any(|s| s.rule == "ncci.ptp"));
    claim.diagnoses.truncate(2);
    claim.service_lines.truncate(2);
    let report = validate_claim_with(
        engine(),
        &claim,
        TODAY,
        &ValidationOptions::default(),
        Some(ncci()),
    );
    assert_eq!(
        report
            .issues
            .iter()
            .filter(|i| i.rule == "ncci.ptp")
            .count(),
        1,
        "{:?}",
        report.issues
    );
}

#[test]
fn json_of_any_shape() {
    // Nesting where a scalar belongs is skipped: one bad entry.
    let nested = format!("{{\"diagnoses\": [{}{}]}}", "[".repeat(20), "]".repeat(20));
    let claim = Claim::from_json(&nested).expect("nested value read as one bad entry");
    let report = validate_claim(engine(), &claim, TODAY);
    assert_eq!(report.issues[0].rule, "dx.format");
    // Past `MAX_DEPTH` levels (issue 11) the claim is refused before it is
    // parsed, in one linear pass, with the limit and the place.
    let deep = format!(
        "{{\"diagnoses\": [{}{}]}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let err = Claim::from_json(&deep).unwrap_err();
    assert!(
        err.contains("more than 32 levels") && err.contains("line 1"),
        "{err}"
    );
    let deep_obj = format!(
        "{{\"patient\": {{\"sex\": {}1{}}}}}",
        "{\"a\":".repeat(50_000),
        "}".repeat(50_000)
    );
    assert!(Claim::from_json(&deep_obj).is_err());
    // A claim is an object: a list of fields in order is refused.
    let err =
        Claim::from_json(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))).unwrap_err();
    assert!(err.contains("line 1"), "{err}");
    // Malformed JSON names the line and column.
    let err = Claim::from_json("{\n  \"diagnoses\": [\"E11.9\",]\n}").unwrap_err();
    assert!(err.contains("line 2 column"), "{err}");
    // Unknown fields are ignored; wrong scalar types become issues.
    let claim = Claim::from_json(
        r#"{"foo": 1, "patient": {"bar": [1, {"x": 2}], "birth_date": true},
            "billing_provider": {"npi": 1234567893, "tax_id": {"a": 1}},
            "diagnoses": "E11.9",
            "service_lines": [{"code": 99213, "units": false, "modifiers": "25", "diagnosis_pointers": ["A"], "from": null}]}"#,
    )
    .unwrap();
    let report = validate_claim(engine(), &claim, TODAY);
    let got: Vec<(&str, &str)> = report
        .issues
        .iter()
        .map(|i| (i.rule.as_ref(), i.field.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("tax_id.format", "billing_provider.tax_id"),
            ("date.format", "patient.birth_date"),
            ("units.invalid", "service_lines[0].units"),
        ]
    );
    assert!(Claim::from_json("null").is_err());
    assert!(Claim::from_json("{}").is_ok());
}

#[test]
fn options_and_profiles() {
    let o = ValidationOptions::from_json(r#"{"profile": "medicare", "max_modifiers": 3}"#).unwrap();
    assert_eq!(
        (o.max_pointers_per_line, o.max_modifiers, o.max_diagnoses),
        (1, 3, 12)
    );
    assert!(ValidationOptions::from_json(r#"{"profile": "aetna"}"#)
        .unwrap_err()
        .contains("medicare"));
    assert_eq!(
        ValidationOptions::from_json("{}").unwrap(),
        ValidationOptions::default()
    );
}

fn six_line_claim(dx: &[&str], lines: &[(&str, &[&str], &[&str])]) -> Claim {
    Claim {
        patient: Some(medcode::validate::Patient {
            sex: Some("F".into()),
            birth_date: Some("1968-04-02".into()),
            zip: Some("12345".into()),
        }),
        billing_provider: Some(medcode::validate::Provider {
            npi: Some("1234567893".into()),
            tax_id: Some("123456789".into()),
            tax_id_type: Some("EIN".into()),
            zip: Some("12345-6789".into()),
        }),
        rendering_provider: Some(medcode::validate::Provider {
            npi: Some("1987654328".into()),
            ..Default::default()
        }),
        referring_provider: None,
        diagnoses: dx.iter().map(|&d| d.into()).collect(),
        service_lines: lines
            .iter()
            .map(|(code, mods, ptrs)| ServiceLine {
                from: Some("2026-03-10".into()),
                to: Some("2026-03-10".into()),
                place_of_service: Some("11".into()),
                code: Some((*code).into()),
                modifiers: mods.iter().map(|&m| m.into()).collect(),
                diagnosis_pointers: ptrs.iter().map(|&p| p.into()).collect(),
                units: Some(Value::Number("1".into())),
                charge: Some("125.00".into()),
            })
            .collect(),
    }
}

/// Six-line claims, the shape the issue benchmarks; prints claims/second
/// for clean claims (the common case) and for claims that trip rules.
#[test]
#[ignore = "measurement: run with --release -- --ignored --nocapture"]
fn throughput_six_line_claims() {
    let clean = vec![
        six_line_claim(
            &["E11.9", "I10", "E78.5", "Z79.84"],
            &[
                ("99214", &["25"], &["A", "B", "C"]),
                ("36415", &[], &["A"]),
                ("83036", &[], &["A"]),
                ("80061", &[], &["C"]),
                ("82043", &[], &["A"]),
                ("G0008", &[], &["D"]),
            ],
        ),
        six_line_claim(
            &["J45.909", "J02.9", "Z23"],
            &[
                ("99213", &["25"], &["A", "B"]),
                ("94010", &[], &["A"]),
                ("87880", &[], &["B"]),
                ("85025", &[], &["A"]),
                ("90686", &[], &["C"]),
                ("90471", &[], &["C"]),
            ],
        ),
        six_line_claim(
            &["S52.501A", "W19.XXXA", "M25.531"],
            &[
                ("99284", &["25"], &["A", "B"]),
                ("73110", &["RT"], &["A"]),
                ("25600", &["RT"], &["A"]),
                ("29125", &["RT"], &["A"]),
                ("J1885", &[], &["C"]),
                ("96372", &[], &["C"]),
            ],
        ),
    ];
    let mixed = vec![
        six_line_claim(
            &["E11", "I10", "T45.01A", "E10.9"],
            &[
                ("99213", &["25"], &["A", "B"]),
                ("80053", &[], &["B"]),
                ("80048", &[], &["B"]),
                ("11042", &[], &["C"]),
                ("97597", &[], &["C"]),
                ("A4397", &["ZZ"], &["E"]),
            ],
        ),
        six_line_claim(
            &["Z00.00", "E11.9", "E11.9", "N40.0"],
            &[
                ("99396", &[], &["A"]),
                ("9921", &[], &["B"]),
                ("36415", &["59", "59"], &["A", "A"]),
                ("81002", &[], &[]),
                ("93000", &[], &["B"]),
                ("93005", &[], &["B"]),
            ],
        ),
    ];
    // On-CPU time of this thread (Linux schedstat, ns): the figure is per
    // core even when other builds share the machine. Wall time otherwise.
    let cpu_ns = || -> Option<u64> {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    let opts = ValidationOptions::default();
    for (set, claims) in [("clean", &clean), ("with issues", &mixed)] {
        for (name, table) in [("without NCCI", None), ("with NCCI", Some(ncci()))] {
            // MEDCODE_BENCH="clean, with NCCI" runs one configuration (for a profiler).
            if std::env::var("MEDCODE_BENCH").is_ok_and(|b| b != format!("{set}, {name}")) {
                continue;
            }
            // Best of five half-second rounds: the machine is shared.
            let mut rounds = Vec::new();
            let mut issues = 0usize;
            for _ in 0..5 {
                let mut n = 0u64;
                let (start, cpu0) = (Instant::now(), cpu_ns());
                while start.elapsed() < Duration::from_millis(500) {
                    for _ in 0..100 {
                        for c in claims.iter() {
                            issues = validate_claim_with(engine(), c, TODAY, &opts, table)
                                .issues
                                .len();
                            n += 1;
                        }
                    }
                }
                let secs = match (cpu0, cpu_ns()) {
                    (Some(a), Some(b)) if b > a => (b - a) as f64 / 1e9,
                    _ => start.elapsed().as_secs_f64(),
                };
                rounds.push(n as f64 / secs);
            }
            rounds.sort_by(|a, b| b.total_cmp(a));
            println!(
                "validate_claim, six-line claims, {set}, {name}: {:.0} claims/s per core (best of 5; median {:.0}; {:.2} µs/claim; last claim {issues} issues)",
                rounds[0],
                rounds[2],
                1e6 / rounds[0]
            );
        }
    }
    let rules = &engine().data().rules;
    let encoded = rules.encoded();
    let dump = std::env::temp_dir().join("medcode-rule-data.bin");
    let _ = std::fs::write(&dump, &encoded);
    println!(
        "rule data in the index: {} Excludes1 carriers, {} ranges, {} bytes encoded (written to {} for gzip)",
        rules.excludes1_nodes.len(),
        rules.excludes1_range_count(),
        encoded.len(),
        dump.display()
    );
}
